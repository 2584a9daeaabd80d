// TypeScript types for every schema title, from the schema bundle (json-schema-to-typescript).
// Usage: node codegen/ts/types.mjs <bundle.json> <out.ts> <header line>
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

// Packages come from the web app's lockfile, so the output is fixed by web/package-lock.json.
const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { compile } = require("json-schema-to-typescript");

const [bundlePath, outPath, header] = process.argv.slice(2);
if (!bundlePath || !outPath || !header) {
  console.error("usage: types.mjs <bundle.json> <out.ts> <header>");
  process.exit(2);
}
const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));

const source = await compile(bundle, bundle.title, {
  bannerComment: header,
  // Every $defs entry gets its own exported type, referenced from the root or not.
  unreachableDefinitions: true,
  // Clients must accept unknown fields: objects keep an index signature.
  additionalProperties: true,
  strictIndexSignatures: false,
  // A tuple type for `minItems` gets in the way of building frames from plain arrays; the
  // guards still check the lengths.
  ignoreMinAndMaxItems: true,
  format: true,
  // Refs are all internal to the bundle; never read the file system or network.
  $refOptions: { resolve: { external: false } },
});

// The bundle's root only holds $defs; json-schema-to-typescript still declares a type for it.
const rootDecl = `export interface ${bundle.title} {\n  [k: string]: unknown;\n}\n`;
if (!source.includes(rootDecl)) {
  console.error(`types.mjs: expected a placeholder declaration for the root ${bundle.title}`);
  process.exit(1);
}
// Every $defs entry also gets a note that the root refers to it; the root is only a container.
const note = String.raw` \* This interface was referenced by \`${bundle.title}\`'s JSON-Schema\n \* via the \`definition\` "\w+"\.\n`;
const cleaned = source
  .replace(rootDecl, "")
  .replace(new RegExp(String.raw`/\*\*\n${note} \*/\n`, "g"), "")
  .replace(new RegExp(String.raw` \*\n${note}`, "g"), "");
writeFileSync(outPath, cleaned);
