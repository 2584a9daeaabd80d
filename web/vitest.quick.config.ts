// The unit tests of the modules stryker.quick.mjs mutates, and nothing else. Set after merging:
// mergeConfig would add these to the base `include`, not replace it.
import { mergeConfig } from "vitest/config";
import base from "./vite.config";

const config = mergeConfig(base, {});
config.test = {
  ...config.test,
  include: [
    "src/lib/ws/patterns.test.ts",
    "src/lib/ws/ringBuffer.test.ts",
    "src/lib/ws/subscriptions.test.ts",
    "src/lib/ws/subscriptionRegistry.test.ts",
    "src/lib/mutationRetry.test.ts",
    "src/lib/mutationFailures.test.ts",
    "src/lib/optimistic.test.ts",
    "src/lib/optimisticRows.test.ts",
    "src/lib/createdFrom.test.ts",
    "src/lib/resolvePending.test.ts",
  ],
};
export default config;
