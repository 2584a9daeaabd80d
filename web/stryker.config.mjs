// Mutation testing of the client's core (`make mutation`): the socket client, its pure
// helpers, the mutation queue and the cache patching from events.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/lib/ws/*.ts",
    "src/lib/mutations.ts",
    "src/lib/optimistic.ts",
    "src/lib/liveSync.ts",
    "src/lib/taskEvents.ts",
    "!src/**/*.test.ts",
    "!src/lib/ws/testkit.ts",
    "!src/lib/ws/types.ts",
    "!src/lib/ws/index.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "../build/mutation/web-report.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: "../build/mutation/stryker-tmp",
  cleanTempDir: true,
};
