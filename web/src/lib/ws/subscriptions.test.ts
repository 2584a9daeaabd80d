import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkNames, SubscriptionRegistry } from "./subscriptions";
import { matchesPattern, parsePattern, PatternError } from "./patterns";
import { RingBuffer } from "./ringBuffer";

const HV = new Set(["mcp.tool_called", "session.message"]);

describe("SubscriptionRegistry", () => {
  it("is active exactly for names with more adds than removes", () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom("a", "b", "c"));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const reg = new SubscriptionRegistry();
        const counts = new Map<string, number>();
        for (const [add, name] of ops) {
          const c = counts.get(name) ?? 0;
          if (add) {
            expect(reg.add([name])).toEqual(c === 0 ? [name] : []);
            counts.set(name, c + 1);
          } else {
            expect(reg.remove([name])).toEqual(c === 1 ? [name] : []);
            if (c > 0) counts.set(name, c - 1);
          }
        }
        const expected = [...counts].filter(([, c]) => c > 0).map(([n]) => n).sort();
        expect(reg.active().sort()).toEqual(expected);
      }),
    );
  });

  it("chunks into frames of at most 256 names without losing any", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000 }), (n) => {
        const names = Array.from({ length: n }, (_, i) => `e${i}`);
        const chunks = chunkNames(names);
        expect(chunks.every((c) => c.length >= 1 && c.length <= 256)).toBe(true);
        expect(chunks.flat()).toEqual(names);
      }),
    );
  });
});

describe("patterns", () => {
  const m = (p: string, type: string, data: unknown = {}) => matchesPattern(parsePattern(p), type, data, HV);

  it("follows the daemon's rules", () => {
    expect(m("task.*", "task.created")).toBe(true);
    expect(m("task.*", "taskx.created")).toBe(false);
    expect(m("*", "agent.failed")).toBe(true);
    expect(m("*", "mcp.tool_called")).toBe(false);
    expect(m("mcp.*", "mcp.tool_called")).toBe(false);
    expect(m("mcp.tool_called", "mcp.tool_called")).toBe(true);
    expect(m("session.message:session_id=s1", "session.message", { session_id: "s1" })).toBe(true);
    expect(m("session.message:session_id=s1", "session.message", { session_id: "s2" })).toBe(false);
    expect(m("session.message:session_id=s1", "session.message", null)).toBe(false);
    expect(m("task.*:task.status=open", "task.updated", { task: { status: "open" } })).toBe(true);
    expect(m("task.*:task.status=open", "task.updated", { task: { status: "closed" } })).toBe(false);
    expect(m("mcp.tool_called:ok=true", "mcp.tool_called", { ok: true })).toBe(true);
    expect(m("task.*:priority=2", "task.created", { priority: 2 })).toBe(true);
    expect(m("task.*:parent_id=null", "task.created", { parent_id: null })).toBe(true);
    expect(m("task.*:task=x", "task.created", { task: { a: 1 } })).toBe(false);
  });

  it("refuses what the daemon refuses", () => {
    for (const bad of ["", "task", "Task.created", "task.*.x", "task.created:", "task.*:=x", "task.*:f=", "task.*:1f=x", "**"]) {
      expect(() => parsePattern(bad), bad).toThrow(PatternError);
    }
    for (const good of ["*", "task.*", "task.created", "a.b.c", "hook.*", "session.message:session_id=9f1c-2d3e", "*:ok=true"]) {
      expect(() => parsePattern(good), good).not.toThrow();
    }
  });
});

describe("RingBuffer", () => {
  it("keeps the last `capacity` items in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 60 }), (cap, items) => {
        const rb = new RingBuffer<number>(cap);
        for (const i of items) rb.push(i);
        expect(rb.toArray()).toEqual(items.slice(-cap));
      }),
    );
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
