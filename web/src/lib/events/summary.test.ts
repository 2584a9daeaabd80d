import { describe, expect, it } from "vitest";
import { clock, duration, summarize, SUMMARY_WIDTH } from "./summary";

describe("summarize", () => {
  it("writes the lines tail writes", () => {
    expect(
      summarize("task.updated", { task_id: "tsk_1", task: { status: "open", title: "Ship it" }, changed: ["title", "priority"] }),
    ).toBe("tsk_1 [open] 'Ship it' changed title,priority");
    expect(summarize("task.expanded", { task_id: "tsk_1", task: { status: "open", title: "A" }, subtask_ids: ["a", "b"] })).toBe(
      "tsk_1 [open] 'A' +2 subtasks",
    );
    expect(summarize("mcp.tool_called", { server_name: "fs", tool_name: "read", duration_ms: 3160, ok: true })).toBe(
      "fs.read 3.16 s ok",
    );
    expect(summarize("agent.failed", { agent_id: "ag_1", status: "failed", task_id: null, exit_code: 3, duration_ms: 125_000 })).toBe(
      "ag_1 [failed] task=None exit=3 2 min 5 s",
    );
    expect(
      summarize("session.message", { session_id: "s1", index: 4, role: "assistant", content: [{ type: "tool_use" }, { type: "text", text: "hi\nthere" }] }),
    ).toBe("s1 #4 assistant: hi there");
  });

  it("falls back to the scalar fields for an unknown family, and cuts long lines", () => {
    expect(summarize("future.thing", { a: 1, b: "x", c: { nested: true }, d: false })).toBe("a=1 b=x d=false");
    const line = summarize("task.created", { task_id: "t", task: { status: "open", title: "x".repeat(300) } });
    expect(line).toHaveLength(SUMMARY_WIDTH);
    expect(line.endsWith("…")).toBe(true);
  });

  it("survives a payload that is not an object", () => {
    expect(summarize("task.created", null)).toBe("None [None] None");
    expect(summarize("other.thing", "text")).toBe("");
  });
});

describe("duration and clock", () => {
  it("reads like tail's", () => {
    expect(duration(412)).toBe("412 ms");
    expect(duration(1.5)).toBe("1.5 ms");
    expect(duration(12_300)).toBe("12.3 s");
    expect(duration(3_780_000)).toBe("1 h 3 min");
    expect(duration(undefined)).toBe("?");
  });

  it("shows the date only for another day", () => {
    const ts = new Date(2026, 10, 26, 6, 5, 7, 89).toISOString();
    expect(clock(ts, new Date(2026, 10, 26, 12))).toBe("06:05:07.089");
    expect(clock(ts, new Date(2026, 10, 27, 12))).toBe("2026-11-26 06:05:07.089");
    expect(clock("not a time")).toBe("not a time");
  });
});
