// Standalone ajv validators (ESM) for every schema title in the bundle.
// Usage: node codegen/ts/validators.mjs <bundle.json> <out.js> <header line>
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../web/package.json", import.meta.url));
const Ajv2020 = require("ajv/dist/2020").default;
const standaloneCode = require("ajv/dist/standalone").default;

const HIGH_VOLUME_KEYWORD = "x-tidewire-high-volume";

const [bundlePath, outPath, header] = process.argv.slice(2);
if (!bundlePath || !outPath || !header) {
  console.error("usage: validators.mjs <bundle.json> <out.js> <header>");
  process.exit(2);
}
const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));

const ajv = new Ajv2020({
  strict: true,
  // `type: ["string", "null"]` is how the schemas spell a nullable field.
  allowUnionTypes: true,
  discriminator: true,
  // Shared functions per $ref instead of copies in every frame's validator.
  inlineRefs: false,
  messages: false,
  code: { source: true, esm: true },
});
// Metadata for the daemon's subscription rules; it asserts nothing.
ajv.addKeyword({ keyword: HIGH_VOLUME_KEYWORD, schemaType: "boolean" });
ajv.addSchema(bundle);

const refs = {};
for (const title of Object.keys(bundle.$defs).sort()) {
  refs[title] = `${bundle.$id}#/$defs/${title}`;
}
let code = standaloneCode(ajv, refs);

// ajv's ESM output still loads its string-length helper with CommonJS `require`, which neither
// browsers nor Node's ESM loader provide. The helper counts Unicode code points (JSON Schema's
// string length); iterating a string in JS yields exactly those, lone surrogates included.
const helper = 'require("ajv/dist/runtime/ucs2length").default';
const codePoints = "function ucs2length(str) { let n = 0; for (const _ of str) n++; return n; }";
code = code.split(helper).join(`(${codePoints})`);
if (/\brequire\(/.test(code)) {
  console.error("validators.mjs: ajv output still needs require(); add an ESM replacement");
  process.exit(1);
}
writeFileSync(outPath, `${header}\n${code}\n`);
