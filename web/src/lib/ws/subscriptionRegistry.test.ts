import { describe, expect, it } from "vitest";
import { chunkNames, MAX_NAME_LENGTH, MAX_NAMES_PER_FRAME, SubscriptionRegistry } from "./subscriptions";

// The shared subscription set's counts, and frames of at most the schema's size.
describe("SubscriptionRegistry counts", () => {
  it("reports each name's references and whether it is active", () => {
    const reg = new SubscriptionRegistry();
    expect(reg.has("task.*")).toBe(false);
    expect(reg.refCount("task.*")).toBe(0);
    expect(reg.add(["task.*", "task.*", "agent.*"])).toEqual(["task.*", "agent.*"]);
    expect(reg.refCount("task.*")).toBe(2);
    expect(reg.has("task.*")).toBe(true);
    expect(reg.remove(["task.*"])).toEqual([]);
    expect(reg.refCount("task.*")).toBe(1);
    expect(reg.remove(["task.*", "nope"])).toEqual(["task.*"]);
    expect(reg.has("task.*")).toBe(false);
    expect(reg.refCount("task.*")).toBe(0);
    expect(reg.active()).toEqual(["agent.*"]);
  });
});

describe("chunkNames", () => {
  it("splits into frames of the schema's 256 names", () => {
    expect([MAX_NAMES_PER_FRAME, MAX_NAME_LENGTH]).toEqual([256, 512]);
    const names = Array.from({ length: 513 }, (_, i) => `a.n${i}`);
    expect(chunkNames(names).map((c) => c.length)).toEqual([256, 256, 1]);
    expect(chunkNames(names.slice(0, 256)).map((c) => c.length)).toEqual([256]);
    expect(chunkNames([])).toEqual([]);
    expect(chunkNames(["a.b", "c.d", "e.f"], 2)).toEqual([["a.b", "c.d"], ["e.f"]]);
  });
});
