import { describe, expect, it } from "vitest";
import { checkPatterns, editDistance, paramsWithPatterns, patternsFromParams, readPatterns, splitPatterns } from "./patternInput";

const errorsOf = (text: string): string[] => {
  const r = readPatterns(text);
  return r.ok ? [] : r.errors.map((e) => e.message);
};
const hintsOf = (text: string): readonly string[] => {
  const r = readPatterns(text);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r.hints;
};

describe("readPatterns", () => {
  it("accepts the protocol's forms, split on whitespace, repeats dropped", () => {
    const r = readPatterns("  task.*  session.message:session_id=9f1c\n* task.* agent.failed:task.status=closed,x ");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.patterns).toEqual(["task.*", "session.message:session_id=9f1c", "*", "agent.failed:task.status=closed,x"]);
    expect(r.parsed.map((p) => p.kind)).toEqual(["prefix", "exact", "all", "exact"]);
  });

  it("an empty box means `*`, as tail without arguments", () => {
    const r = readPatterns("   ");
    expect(r.ok && r.patterns).toEqual(["*"]);
  });

  it("refuses what the daemon refuses, naming each bad pattern", () => {
    expect(errorsOf("task")[0]).toContain('"task" is not an event name');
    expect(errorsOf("Task.created")).toHaveLength(1);
    expect(errorsOf("task.*.x")).toHaveLength(1);
    expect(errorsOf("task.created:status")[0]).toContain("a filter is written name:field=value");
    expect(errorsOf("task.created:status=")[0]).toContain("the filter value is empty");
    expect(errorsOf("task.created:1x=a")).toHaveLength(1);
    expect(errorsOf("ok.one bad also.bad* task.*")).toHaveLength(2);
    expect(errorsOf(`task.created:title=${"x".repeat(600)}`)[0]).toContain("longer than 512 characters");
    expect(errorsOf(Array.from({ length: 257 }, (_, i) => `a.b${i}`).join(" "))[0]).toContain("at most 256 patterns");
  });

  it("hints at names no event has, with the closest ones", () => {
    expect(hintsOf("taks.created")).toEqual(['no event is named "taks.created"; did you mean task.created?']);
    expect(hintsOf("tsk.*")[0]).toMatch(/^no event starts with "tsk\."; did you mean .*task\.\*/u);
    expect(hintsOf("task.created task.* agent.failed")).toEqual([]);
  });

  it("says which high-volume events a wildcard leaves out, unless they are named", () => {
    expect(hintsOf("session.*")).toEqual([
      "session.message is a high-volume event: wildcards leave it out; add it by exact name to see it",
    ]);
    expect(hintsOf("*")[0]).toContain("agent.output, mcp.tool_called, and session.message are high-volume events");
    expect(hintsOf("agent.*")).toEqual([
      "agent.output is a high-volume event: wildcards leave it out; add it by exact name to see it",
    ]);
    expect(hintsOf("* session.message mcp.tool_called agent.output")).toEqual([]);
    expect(hintsOf("session.message:session_id=x session.*")).toEqual([]);
  });
});

describe("the URL", () => {
  it("round-trips the pattern set as repeated `p`, leaving other params alone", () => {
    const params = paramsWithPatterns(new URLSearchParams("x=1&p=old"), ["task.*", "session.message"]);
    expect(params.toString()).toBe("x=1&p=task.*&p=session.message");
    expect(patternsFromParams(params)).toEqual(["task.*", "session.message"]);
  });

  it("writes nothing for the default set, and reads none as the default", () => {
    expect(paramsWithPatterns(new URLSearchParams("p=a.b"), ["*"]).toString()).toBe("");
    const r = checkPatterns(patternsFromParams(new URLSearchParams("")));
    expect(r.ok && r.patterns).toEqual(["*"]);
  });

  it("a pattern from a link is checked like a typed one", () => {
    expect(checkPatterns(patternsFromParams(new URLSearchParams("p=nope"))).ok).toBe(false);
  });
});

describe("helpers", () => {
  it("splitPatterns and editDistance", () => {
    expect(splitPatterns("")).toEqual([]);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
