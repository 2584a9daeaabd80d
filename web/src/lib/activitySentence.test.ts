import { expect, test } from "vitest";
import { collapseActivity, describeEvent, type ActivityEventInput } from "./activitySentence";

const task = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: "tsk_1",
  title: "Fix login",
  status: "open",
  closed_reason: null,
  ...over,
});
const ev = (seq: number, type: string, data: Record<string, unknown>): ActivityEventInput => ({ seq, type, data });
const sentence = (e: ActivityEventInput): string => describeEvent(e).sentence;

test("task events read as sentences and link to the task in the filtered list", () => {
  const moved = describeEvent(
    ev(1, "task.updated", { task_id: "tsk_1", task: task({ status: "in_progress" }), changed: ["status", "updated_at"] }),
  );
  expect(moved.sentence).toBe("Task “Fix login” moved to in progress");
  expect(moved.href).toBe("/tasks?q=tsk_1");
  expect(sentence(ev(2, "task.created", { task_id: "tsk_1", task: task() }))).toBe("Task “Fix login” created");
  expect(sentence(ev(3, "task.closed", { task_id: "tsk_1", task: task({ closed_reason: "done" }) }))).toBe(
    "Task “Fix login” closed: done",
  );
  expect(sentence(ev(4, "task.expanded", { task_id: "tsk_1", task: task(), subtask_ids: ["a", "b"] }))).toBe(
    "Task “Fix login” split into 2 subtasks",
  );
  expect(sentence(ev(5, "task.updated", { task_id: "tsk_1", task: task(), changed: ["priority"] }))).toBe(
    "Task “Fix login” updated (priority)",
  );
});

test("long titles are clipped so a line stays one line", () => {
  const s = sentence(ev(1, "task.created", { task_id: "t", task: task({ title: "x".repeat(200) }) }));
  expect(s.length).toBeLessThan(90);
  expect(s).toContain("…");
});

test("agents, worktrees, MCP servers and loops each get their own words and view", () => {
  const failed = describeEvent(
    ev(1, "agent.failed", { agent_id: "agt_1", exit_code: 3, agent: { prompt: "Migrate the orders table" } }),
  );
  expect(failed).toMatchObject({ sentence: "Agent “Migrate the orders table” failed with exit code 3", href: "/agents" });
  expect(sentence(ev(2, "agent.completed", { agent_id: "agt_1", agent: { prompt: "Ship" } }))).toBe("Agent “Ship” finished");
  const claimed = describeEvent(
    ev(3, "worktree.updated", { worktree_id: "w", worktree: { branch: "feat/x", status: "claimed", owner: "agent-7" } }),
  );
  expect(claimed).toMatchObject({ sentence: "Worktree feat/x claimed by agent-7", href: "/worktrees" });
  expect(sentence(ev(4, "worktree.merged", { worktree_id: "w", worktree: { branch: "feat/x", merged_into: "main" } }))).toBe(
    "Worktree feat/x merged into main",
  );
  expect(describeEvent(ev(5, "mcp.server_connected", { server_name: "toolbox", tool_count: 3 }))).toMatchObject({
    sentence: "MCP server toolbox connected with 3 tools",
    href: "/mcp",
  });
  expect(sentence(ev(6, "autonomous.iteration", { loop_id: "loop_abcdef123", iteration: 2, outcome: "closed" }))).toBe(
    "Autonomous loop loop_abc ran iteration 2: closed",
  );
});

test("hooks and session changes link to the session", () => {
  const use = describeEvent(ev(1, "hook.pre_tool_use", { session_id: "5f1c2a9e-xyz", hook_type: "PreToolUse", tool_name: "Read" }));
  expect(use).toMatchObject({ sentence: "Session 5f1c2a9e is using Read", href: "/sessions/5f1c2a9e-xyz", sessionId: "5f1c2a9e-xyz" });
  expect(sentence(ev(2, "session.updated", { session_id: "s", session: { status: "idle" }, changed: ["status"] }))).toBe(
    "Session s is now idle",
  );
});

test("an unknown event type is still a sentence, without a link", () => {
  expect(describeEvent(ev(1, "future.thing", {}))).toMatchObject({ sentence: "Event future.thing", href: null });
});

test("a hook and the session change it caused become one line", () => {
  const lines = [
    ev(14, "task.created", { task_id: "t", task: task() }),
    ev(13, "session.updated", { session_id: "s1", session: { status: "active" }, changed: ["tool_count"] }),
    ev(12, "hook.pre_tool_use", { session_id: "s1", tool_name: "Read" }),
    ev(11, "hook.session_start", { session_id: "s1" }),
    ev(10, "session.created", { session_id: "s1", session: {} }),
  ].map(describeEvent);
  expect(collapseActivity(lines).map((l) => l.seq)).toEqual([14, 12, 11]);
});

test("session changes that no hook caused stay, as do another session's", () => {
  const lines = [
    ev(21, "session.updated", { session_id: "s2", session: { message_count: 4 }, changed: ["message_count"] }),
    ev(20, "hook.stop", { session_id: "s1" }),
    ev(9, "session.updated", { session_id: "s1", session: {}, changed: ["message_count"] }),
  ].map(describeEvent);
  expect(collapseActivity(lines).map((l) => l.seq)).toEqual([21, 20, 9]);
});
