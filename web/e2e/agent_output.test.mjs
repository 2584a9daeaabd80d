// An agent run's output in the browser against a real daemon: the run page shows the kept log,
// then follows the live `agent.output` chunks of a real subprocess with nothing repeated or
// missed, renders its ANSI colours, highlights a search, reads the whole log back after the run
// ended, and stays free of serious axe-core violations.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { blockingViolations, describeViolations } from "./axe.mjs";
import { openDemo } from "./demo.mjs";
import { rest } from "./harness.mjs";

const WAIT = { timeout: 30_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("agent output", { timeout: 300_000 }, () => {
  let opened;
  let daemon;
  let page;
  let demo;
  let pageErrors;

  before(async () => {
    opened = await openDemo("tidewire-e2e-output-");
    ({ daemon, page, demo, pageErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  test("the run page shows the kept log, follows live output in order, with colours and search", async () => {
    const gate = join(opened.scratch, "go");
    const script = [
      "printf '\\033[32mkept line\\033[0m\\n'",
      `while [ ! -e '${gate}' ]; do sleep 0.1; done`,
      "for i in 1 2 3 4 5; do printf '\\033[31mlive %s\\033[0m\\n' $i; sleep 0.2; done",
      "echo finished",
    ].join("; ");
    const started = await rest(daemon.base, "POST", "/api/agents", {
      prompt: "Print some output",
      project_id: demo.project.id,
      command: ["sh", "-c", script],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.id;
    for (let i = 0; ; i++) {
      const out = await rest(daemon.base, "GET", `/api/agents/${id}/output`);
      if (out.body.text?.includes("kept line")) break;
      assert.ok(i < 300, `the first line never reached the log: ${JSON.stringify(out.body)}`);
      await sleep(100);
    }

    await page.goto(`${daemon.base}/agents/${id}`);
    const log = page.getByTestId("agent-log");
    await log.getByText("kept line").waitFor(WAIT);
    writeFileSync(gate, "go");
    await log.getByText("finished").waitFor(WAIT);
    const lines = await log.locator(".log-line").allTextContents();
    assert.deepEqual(lines, ["kept line", "live 1", "live 2", "live 3", "live 4", "live 5", "finished"]);

    const red = await log.getByText("live 1").evaluate((el) => getComputedStyle(el).color);
    assert.match(red, /^rgb\(\d+, 0, 0\)$/u, `live 1 is drawn in ${red}`);
    assert.equal(await page.getByRole("checkbox", { name: "Follow output" }).isChecked(), true);

    await page.getByRole("searchbox", { name: "Search output" }).fill("live");
    await page.getByTestId("log-match-count").getByText("5 matches").waitFor(WAIT);
    assert.equal(await log.locator("mark").count(), 5);

    const found = await blockingViolations(page);
    assert.equal(found.length, 0, `the agent run page:\n${describeViolations(found)}`);

    // The run is over: a fresh load reads the whole kept log.
    for (let i = 0; (await rest(daemon.base, "GET", `/api/agents/${id}`)).body.status === "running"; i++) {
      assert.ok(i < 300, "the run never ended");
      await sleep(100);
    }
    await page.reload();
    await page.getByTestId("agent-log").getByText("finished").waitFor(WAIT);
    assert.deepEqual(await page.getByTestId("agent-log").locator(".log-line").allTextContents(), lines);
    assert.deepEqual(pageErrors, []);
  });

  test("the Agents view links each run to its page", async () => {
    await page.goto(`${daemon.base}/agents`);
    await page.getByRole("link", { name: "Output of run Write the release checklist" }).click();
    await page.getByTestId("agent-log").getByText("done").waitFor(WAIT);
    assert.match(page.url(), /\/agents\/agt_/u);
  });
});
