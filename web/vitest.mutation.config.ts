// The unit suite as mutation testing runs it: Stryker copies web/ into a sandbox, where the
// test that starts a real daemon from the repository's venv cannot find it; the in-process
// suites are what a mutant has to get past.
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vite.config";

export default mergeConfig(
  base,
  defineConfig({
    test: { exclude: ["src/lib/ws/client.daemon.test.ts", "node_modules/**"] },
  }),
);
