import { describe, expect, it } from "vitest";
import { matchesAny, matchesPattern, parsePattern, PatternError } from "./patterns";

const HV = new Set(["mcp.tool_called", "session.message"]);
const m = (p: string, type: string, data: unknown = {}) => matchesPattern(parsePattern(p), type, data, HV);

// Pattern parsing and matching, case by case (the rules are the daemon's; see docs/protocol.md).
describe("parsePattern", () => {
  it("gives the kind, the name and the filter", () => {
    expect(parsePattern("*")).toEqual({ raw: "*", kind: "all", name: "", filter: null });
    expect(parsePattern("task.*")).toEqual({ raw: "task.*", kind: "prefix", name: "task.", filter: null });
    expect(parsePattern("a.b.*")).toEqual({ raw: "a.b.*", kind: "prefix", name: "a.b.", filter: null });
    expect(parsePattern("task.created")).toEqual({ raw: "task.created", kind: "exact", name: "task.created", filter: null });
    expect(parsePattern("task.*:task.status=open")).toEqual({
      raw: "task.*:task.status=open",
      kind: "prefix",
      name: "task.",
      filter: { path: ["task", "status"], value: "open" },
    });
    // Only the first ":" and "=" split: the value may hold either.
    expect(parsePattern("*:f=a:b=c").filter).toEqual({ path: ["f"], value: "a:b=c" });
  });

  it("names what is wrong", () => {
    expect(() => parsePattern("task.*:status")).toThrow(new PatternError('"task.*:status": a filter is written name:field=value'));
    expect(() => parsePattern("task.*:1x=a")).toThrow(new PatternError('"task.*:1x=a": a filter is written name:field=value'));
    expect(() => parsePattern("task.*:f=")).toThrow(new PatternError('"task.*:f=": the filter value is empty'));
    expect(() => parsePattern(":f=x")).toThrow(
      new PatternError(`":f=x" is not an event name, a 'prefix.*' pattern or '*' (optionally ':field=value')`),
    );
    expect(() => parsePattern("Task")).toThrow(
      new PatternError(`"Task" is not an event name, a 'prefix.*' pattern or '*' (optionally ':field=value')`),
    );
    const err = (() => {
      try {
        parsePattern("x");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(TypeError);
    expect((err as PatternError).name).toBe("PatternError");
  });

  it("anchors every part of the grammar", () => {
    for (const bad of ["xtask.created!", "task.created.", ".task.created", "task..created", "task.*x", "x*", "a.b*",
      "*:f.=x", "*:.f=x", "*:f g=x", "*:f-1=x", "task.créé", "TASK.created", "task.Created"]) {
      expect(() => parsePattern(bad), bad).toThrow(PatternError);
    }
    for (const good of ["a.b", "a_1.b_2", "a.b.c.d", "*:_f=x", "*:F.g_1=x", "0.1"]) {
      expect(() => parsePattern(good), good).not.toThrow();
    }
  });
});

describe("matchesPattern", () => {
  it("matches names exactly, prefixes by their dotted start, and * everything but high volume", () => {
    expect(m("task.created", "task.created")).toBe(true);
    expect(m("task.created", "task.created2")).toBe(false);
    expect(m("task.created", "task")).toBe(false);
    expect(m("task.*", "task.a.b")).toBe(true);
    expect(m("task.a.*", "task.a.b")).toBe(true);
    expect(m("task.a.*", "task.ab.c")).toBe(false);
    expect(m("*", "session.message")).toBe(false);
    expect(m("session.*", "session.message")).toBe(false);
    expect(m("session.*", "session.started")).toBe(true);
    expect(m("session.message", "session.message")).toBe(true);
  });

  it("compares a filter with the field's JSON text", () => {
    expect(m("*:n=1", "a.b", { n: 1 })).toBe(true);
    expect(m("*:n=1", "a.b", { n: "1" })).toBe(true);
    expect(m("*:n=1.5", "a.b", { n: 1.5 })).toBe(true);
    expect(m("*:n=2", "a.b", { n: 1 })).toBe(false);
    expect(m("*:ok=true", "a.b", { ok: true })).toBe(true);
    expect(m("*:ok=true", "a.b", { ok: false })).toBe(false);
    expect(m("*:ok=false", "a.b", { ok: false })).toBe(true);
    expect(m("*:v=null", "a.b", { v: null })).toBe(true);
    expect(m("*:v=null", "a.b", {})).toBe(false);
    expect(m("*:v=x", "a.b", { v: ["x"] })).toBe(false);
    expect(m("*:v=x", "a.b", { v: { x: 1 } })).toBe(false);
    expect(m("*:n=Infinity", "a.b", { n: Infinity })).toBe(false);
    expect(m("*:n=null", "a.b", { n: NaN })).toBe(false);
  });

  it("walks a dotted field through objects only, and only their own keys", () => {
    expect(m("*:a.b=x", "a.b", { a: { b: "x" } })).toBe(true);
    expect(m("*:a.b=x", "a.b", { a: [{ b: "x" }] })).toBe(false);
    expect(m("*:a.b=x", "a.b", { a: null })).toBe(false);
    expect(m("*:a.b=x", "a.b", { a: "x" })).toBe(false);
    expect(m("*:a=x", "a.b", ["x"])).toBe(false);
    expect(m("*:a=x", "a.b", "x")).toBe(false);
    expect(m("*:a.length=3", "a.b", { a: "abc" })).toBe(false); // a string is not an object to walk into
    expect(m("*:toString=x", "a.b", {})).toBe(false);
    expect(m("*:constructor.name=Object", "a.b", {})).toBe(false);
    expect(m("*:a.b=x", "a.b", { a: Object.create({ b: "x" }) as unknown })).toBe(false);
  });

  it("needs both the type and the filter", () => {
    expect(m("task.*:s=x", "agent.started", { s: "x" })).toBe(false);
    expect(m("task.*:s=x", "task.created", { s: "y" })).toBe(false);
    expect(m("task.*:s=x", "task.created", { s: "x" })).toBe(true);
  });
});

describe("matchesAny", () => {
  it("is true when one pattern matches, false for none or no patterns", () => {
    const ps = ["task.created", "agent.*:ok=true"].map(parsePattern);
    expect(matchesAny(ps, "task.created", {}, HV)).toBe(true);
    expect(matchesAny(ps, "agent.started", { ok: true }, HV)).toBe(true);
    expect(matchesAny(ps, "agent.started", { ok: false }, HV)).toBe(false);
    expect(matchesAny([], "task.created", {}, HV)).toBe(false);
  });

  it("uses the high-volume set it is given", () => {
    const all = [parsePattern("*")];
    expect(matchesAny(all, "task.created", {}, new Set(["task.created"]))).toBe(false);
    expect(matchesAny(all, "session.message", {}, new Set())).toBe(true);
  });
});
