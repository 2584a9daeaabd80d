/**
 * What the user hears when a queued change fails for good: one toast per change, naming the
 * task and the daemon's reason, and the row put back as it was.
 */
import { onlineManager } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mutationKeys } from "./mutations";
import { newTempId } from "./optimistic";
import { Page, QueueDaemon, REFUSED_PREFIX, serveDaemon } from "./queueHarness";
import { queryKeys } from "./queryKeys";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

const toasts = vi.hoisted(() => [] as string[]);
vi.mock("sonner", () => ({ toast: { error: (message: string) => toasts.push(message) } }));

async function setUp(tasks: Task[] = []): Promise<{ page: Page; daemon: QueueDaemon }> {
  const daemon = new QueueDaemon();
  for (const t of tasks) daemon.tasks.set(t.id, t);
  const page = new Page();
  serveDaemon(daemon, page, []);
  await page.open();
  page.client.setQueryData(queryKeys.tasks.list({}), { items: tasks, seq: 1 });
  return { page, daemon };
}

function rows(page: Page): Task[] {
  return (page.client.getQueryData(queryKeys.tasks.list({})) as { items: Task[] }).items;
}

describe("a change that fails for good", () => {
  beforeEach(() => {
    toasts.length = 0;
    onlineManager.setOnline(true);
  });
  afterEach(() => vi.unstubAllGlobals());

  it("a refused create removes its placeholder and names the title", async () => {
    const { page } = await setUp();
    page.run(mutationKeys.createTask, { input: { title: `${REFUSED_PREFIX}bad` }, tempId: newTempId() });
    await page.drain();
    expect(toasts).toEqual([`Could not create task "${REFUSED_PREFIX}bad": validation_error`]);
    expect(rows(page)).toEqual([]);
  });

  it("a status change on a task that is gone names the title, or the id without one", async () => {
    const { page } = await setUp([task("tsk_1", { status: "open" })]);
    page.run(mutationKeys.updateTaskStatus, { id: "tsk_404", status: "blocked", title: "Gone" });
    page.run(mutationKeys.updateTaskStatus, { id: "tsk_405", status: "in_progress" });
    await page.drain();
    expect(toasts).toEqual([
      'Could not set "Gone" to blocked: not_found',
      "Could not set tsk_405 to in_progress: not_found",
    ]);
    expect(rows(page).map((t) => t.status)).toEqual(["open"]);
  });

  it("a refused close puts the row's status back", async () => {
    const { page } = await setUp([task("tsk_1", { status: "closed", title: "Done" })]);
    page.client.setQueryData(queryKeys.tasks.list({}), { items: [task("tsk_1", { status: "in_progress" })], seq: 1 });
    page.run(mutationKeys.closeTask, { id: "tsk_1", title: "Done" });
    await page.drain();
    expect(toasts).toEqual(['Could not close "Done": conflict']);
    expect(rows(page).map((t) => t.status)).toEqual(["in_progress"]);
  });

  it("a change to a placeholder whose create failed says it has nowhere to go", async () => {
    const { page } = await setUp();
    const tempId = newTempId();
    page.run(mutationKeys.createTask, { input: { title: `${REFUSED_PREFIX}x` }, tempId });
    page.run(mutationKeys.updateTaskStatus, { id: tempId, status: "blocked", title: "Draft" });
    page.run(mutationKeys.expandTask, { id: tempId, subtasks: [{ title: "a" }] });
    await page.drain();
    expect(toasts.slice(1)).toEqual([
      'Could not set "Draft" to blocked: "Draft" was never created, so the change has nowhere to go',
      `Could not expand ${tempId}: ${tempId} was never created, so the change has nowhere to go`,
    ]);
  });

  it("a refused expand or agent cancel names what failed", async () => {
    const { page } = await setUp();
    page.run(mutationKeys.expandTask, { id: "tsk_9", subtasks: [{ title: "a" }], title: "Parent" });
    page.run(mutationKeys.cancelAgent, { id: "run_1" });
    await page.drain();
    expect(toasts).toEqual(['Could not expand "Parent": not_found', "Could not cancel agent run_1: not_found"]);
  });

  it("a refused agent start gives the daemon's reason", async () => {
    const { page } = await setUp();
    vi.stubGlobal("fetch", () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { code: "validation_error", message: "no such agent" } }), { status: 422 }),
      ),
    );
    page.run(mutationKeys.startAgent, { task_id: "tsk_9", agent: "nobody" });
    await page.drain();
    expect(toasts).toEqual(["Could not start the agent: no such agent"]);
  });
});
