// Projects in the browser against a real daemon: registering a repository from the Projects
// view (a missing path and a plain directory are refused with the daemon's words and the form
// keeps them), the new project reaching an already open Tasks page through project.created
// without a reload, renaming inline, removing with confirmation (refused, and put back, while
// tasks belong to the project), and the task form never defaulting to a project-less create.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDemo } from "./demo.mjs";
import { rest } from "./harness.mjs";

const WAIT = { timeout: 20_000 };

function gitRepo(dir) {
  mkdirSync(dir);
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=demo@example.com", "-c", "user.name=Demo", "commit", "-q", "--allow-empty", "-m", "start");
}

describe("projects", { timeout: 300_000 }, () => {
  let opened;
  let daemon;
  let browser;
  let page;
  let demo;
  let scratch;
  let pageErrors;

  const connected = (p) => p.locator('[data-testid="connection-status"][data-state="connected"]').first();
  const row = (p, name) => p.locator('[data-testid="project-row"]', { hasText: name });
  const projects = async () => (await rest(daemon.base, "GET", "/api/projects")).body.items;

  before(async () => {
    opened = await openDemo("tidewire-e2e-projects-");
    ({ daemon, browser, page, demo, scratch, pageErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  test("a bad path is refused with the reason, and the form keeps what was typed", async () => {
    await page.goto(`${daemon.base}/projects`);
    await connected(page).waitFor(WAIT);
    await row(page, "shop").waitFor(WAIT);
    const path = page.getByLabel("Repository path");
    const missing = join(scratch, "no-such-dir");
    await path.fill(missing);
    await page.getByLabel("Project name").fill("Ghost");
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByRole("alert").filter({ hasText: "no such directory" }).waitFor(WAIT);
    assert.equal(await path.inputValue(), missing);
    assert.equal(await page.getByLabel("Project name").inputValue(), "Ghost");

    const plain = join(scratch, "plain");
    mkdirSync(plain);
    await path.fill(plain);
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByRole("alert").filter({ hasText: "not a git repository" }).waitFor(WAIT);
    assert.equal(await path.inputValue(), plain);
    assert.equal(await page.locator('[data-testid="project-row"]').count(), 1);
    assert.equal((await projects()).length, 1);
  });

  test("a project registered here reaches an open Tasks page live; the task form keeps a real project", async () => {
    const tasksPage = await browser.context.newPage();
    tasksPage.on("pageerror", (err) => pageErrors.push(err.message));
    try {
      await tasksPage.goto(`${daemon.base}/tasks`);
      await connected(tasksPage).waitFor(WAIT);
      await tasksPage.locator('[data-testid="task-row"]').first().waitFor(WAIT);
      const picker = tasksPage.getByRole("combobox", { name: "Project", exact: true });
      assert.deepEqual(await picker.locator("option").allInnerTexts(), ["shop"]);

      const repo = join(scratch, "billing");
      gitRepo(repo);
      await page.getByLabel("Repository path").fill(repo);
      await page.getByLabel("Project name").fill("");
      await page.getByRole("button", { name: "Register" }).click();
      await row(page, "billing").waitFor(WAIT);
      await page.waitForFunction(() => document.querySelector('[aria-label="Repository path"]')?.value === "", null, WAIT);

      // No reload: the socket's project.created put it in the open page's cached list.
      await tasksPage.waitForFunction(
        () => [...document.querySelectorAll('select[aria-label="Project"] option')].some((o) => o.textContent === "billing"),
        null,
        WAIT,
      );
      // Two projects: a task without one would be refused, so the form never offers that.
      assert.deepEqual(await picker.locator("option").allInnerTexts(), ["shop", "billing"]);
      await picker.selectOption({ label: "billing" });
      await tasksPage.getByLabel("Task title").fill("Invoice numbering");
      await tasksPage.getByRole("button", { name: "Create" }).click();
      await tasksPage
        .locator('[data-testid="task-row"][data-pending="false"]', { hasText: "Invoice numbering" })
        .waitFor(WAIT);
      const billing = (await projects()).find((p) => p.name === "billing");
      const tasks = (await rest(daemon.base, "GET", `/api/tasks?project_id=${billing.id}`)).body.items;
      assert.deepEqual(
        tasks.map((t) => t.title),
        ["Invoice numbering"],
      );
      assert.equal(await tasksPage.evaluate(() => localStorage.getItem("tidewire.lastProject")), billing.id);

      // The project filter narrows the list to the project's tasks, and shows the pick at once
      // (read right after the change event), though the address follows in a transition.
      const shown = await tasksPage.getByLabel("Project filter").evaluate(async (select, id) => {
        select.value = id;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        await Promise.resolve();
        return select.value;
      }, billing.id);
      assert.equal(shown, billing.id, "the filter shows the picked project as soon as it is picked");
      await tasksPage.waitForFunction(() => document.querySelectorAll('[data-testid="task-row"]').length === 1, null, WAIT);
      assert.match(tasksPage.url(), new RegExp(`project=${billing.id}`));
    } finally {
      await tasksPage.close();
    }
  });

  test("renaming inline changes the name everywhere", async () => {
    const billing = row(page, "billing");
    await billing.getByRole("button", { name: "Rename billing" }).click();
    const input = billing.getByLabel("New name for billing");
    await input.fill("Billing service");
    await input.press("Enter");
    await row(page, "Billing service").waitFor(WAIT);
    await page.waitForFunction(
      async (base) => {
        const r = await fetch(`${base}/api/projects`);
        return (await r.json()).items.some((p) => p.name === "Billing service");
      },
      daemon.base,
      WAIT,
    );
  });

  test("removing asks first, is refused while tasks belong to the project, and works once nothing does", async () => {
    const shop = row(page, "shop");
    await shop.getByRole("button", { name: "Remove shop" }).click();
    await shop.getByRole("button", { name: "Yes, remove" }).click();
    await page.locator("[data-sonner-toast]", { hasText: /Could not remove "shop": .*tasks/ }).waitFor(WAIT);
    await row(page, "shop").waitFor(WAIT);
    assert.ok((await projects()).some((p) => p.id === demo.project.id));

    // A project nothing belongs to: registered for this, then removed.
    const spare = join(scratch, "spare");
    gitRepo(spare);
    await page.getByLabel("Repository path").fill(spare);
    await page.getByRole("button", { name: "Register" }).click();
    const spareRow = page.locator('[data-testid="project-row"][data-pending="false"]', { hasText: "spare" });
    await spareRow.waitFor(WAIT);
    await spareRow.getByRole("button", { name: "Remove spare" }).click();
    await spareRow.getByRole("button", { name: "Keep" }).click();
    assert.ok((await projects()).some((p) => p.name === "spare"));
    await spareRow.getByRole("button", { name: "Remove spare" }).click();
    await spareRow.getByRole("button", { name: "Yes, remove" }).click();
    await page.waitForFunction(
      () => ![...document.querySelectorAll('[data-testid="project-row"]')].some((r) => r.textContent.includes("spare")),
      null,
      WAIT,
    );
    // The row goes at once (optimistic); the daemon's answer follows.
    await page.waitForFunction(
      async (base) => !(await (await fetch(`${base}/api/projects`)).json()).items.some((p) => p.name === "spare"),
      daemon.base,
      WAIT,
    );
    assert.deepEqual(pageErrors, []);
  });
});
