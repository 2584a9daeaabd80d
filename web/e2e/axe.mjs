// axe-core in the page under test. The source is evaluated over the DevTools protocol
// rather than added as a <script>, so the dashboard's Content-Security-Policy stays as it is.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The impacts that fail a test: the ones that keep someone from using the view. */
export const BLOCKING = new Set(["serious", "critical"]);

/** Runs axe over the whole document; returns the violations with impact serious or critical. */
export async function blockingViolations(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe === "object");
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`.slice(0, 300)),
    }));
  });
  return violations.filter((v) => BLOCKING.has(v.impact));
}

/** A readable list for an assertion message. */
export function describeViolations(violations) {
  return violations.map((v) => `${v.impact} ${v.id} (${v.help})\n    ${v.nodes.join("\n    ")}`).join("\n");
}
