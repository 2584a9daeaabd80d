// A quick mutation run over the client's small pure modules and the queue, with only their own
// unit tests (vitest.quick.config.ts): minutes instead of the two hours of `npx stryker run`.
// The full suite kills at least what these tests kill, so its score is a lower bound.
// Run: npx stryker run stryker.quick.mjs
import base from "./stryker.config.mjs";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "vitest.quick.config.ts" },
  mutate: ["src/lib/ws/patterns.ts", "src/lib/ws/ringBuffer.ts", "src/lib/ws/subscriptions.ts", "src/lib/mutations.ts", "src/lib/optimistic.ts"],
  jsonReporter: { fileName: "../build/mutation/web-report-quick.json" },
  tempDirName: "../build/mutation/stryker-tmp-quick",
};
