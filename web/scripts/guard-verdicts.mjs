// Verdicts of the generated validators over a whole corpus, in one process.
// Usage: node scripts/guard-verdicts.mjs <corpus.json>
// The corpus is [{"schema": "<schema title>", "instance": <any JSON>}, ...]; the output is a
// JSON array of booleans, one per entry, in order. An unknown title is an error, not `false`.
import { readFileSync } from "node:fs";
import * as validators from "../src/lib/ws/generated/validators.js";

const path = process.argv[2];
if (!path) {
  console.error("usage: guard-verdicts.mjs <corpus.json>");
  process.exit(2);
}
const corpus = JSON.parse(readFileSync(path, "utf8"));
if (!Array.isArray(corpus)) {
  console.error("guard-verdicts: the corpus must be a JSON array");
  process.exit(2);
}
const verdicts = corpus.map((entry, i) => {
  const validate = Object.hasOwn(validators, entry.schema) ? validators[entry.schema] : undefined;
  if (typeof validate !== "function") {
    console.error(`guard-verdicts: entry ${i}: no validator for schema ${JSON.stringify(entry.schema)}`);
    process.exit(1);
  }
  return validate(entry.instance) === true;
});
process.stdout.write(JSON.stringify(verdicts) + "\n");
