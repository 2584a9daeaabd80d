import type { EventFrame } from "../lib/ws/types";
import { ActivityStore } from "./activityStore";

const TS = "2026-11-26T06:05:00Z";
const taskEvent = (seq: number, title: string): EventFrame =>
  ({
    type: "task.created",
    seq,
    ts: TS,
    data: { task_id: `t${seq}`, project_id: null, task: { id: `t${seq}`, title } },
  }) as unknown as EventFrame;
const toolCall = (seq: number, server: string): EventFrame =>
  ({
    type: "mcp.tool_called",
    seq,
    ts: TS,
    data: { server_name: server, tool_name: "read", duration_ms: 1, ok: true },
  }) as unknown as EventFrame;

test("counts tool calls per server and ticks on every event, publishing in batches", () => {
  const store = new ActivityStore(1_000_000);
  const seen: number[] = [];
  store.subscribe(() => seen.push(store.getSnapshot().eventTick));
  for (let i = 1; i <= 500; i++) store.record(i % 2 ? toolCall(i, i % 3 ? "fs" : "git") : taskEvent(i, `T${i}`));
  expect(seen).toEqual([]); // nothing published until the batch is flushed
  store.flush();
  const snap = store.getSnapshot();
  expect(seen).toEqual([500]);
  expect(snap.toolCalls).toBe(250);
  expect(snap.callsByServer.fs! + snap.callsByServer.git!).toBe(250);
  expect(snap.recent).toHaveLength(50);
  expect(snap.recent[0]!.seq).toBe(500); // newest first
  expect(snap.recent.every((r) => r.type !== "mcp.tool_called")).toBe(true);
  store.dispose();
});

test("history from the log fills the feed without moving the counters, and never duplicates", () => {
  const store = new ActivityStore(1_000_000);
  store.record(taskEvent(12, "live"));
  store.flush();
  store.seed([taskEvent(10, "old"), taskEvent(11, "older-but-newer"), taskEvent(12, "live"), toolCall(9, "fs")]);
  const snap = store.getSnapshot();
  expect(snap.recent.map((r) => r.seq)).toEqual([12, 11, 10]);
  expect(snap.eventTick).toBe(1);
  expect(snap.toolCalls).toBe(0);
  store.dispose();
});

test("the feed is not known empty until history was loaded, even if the log had nothing", () => {
  const store = new ActivityStore(1000);
  expect(store.getSnapshot().historyLoaded).toBe(false);
  store.seed([]);
  expect(store.getSnapshot().historyLoaded).toBe(true);
  store.record(taskEvent(1, "Fix the build"));
  store.flush();
  expect(store.getSnapshot().historyLoaded).toBe(true);
  expect(store.getSnapshot().recent[0]!.sentence).toBe("Task “Fix the build” created");
  store.dispose();
});
