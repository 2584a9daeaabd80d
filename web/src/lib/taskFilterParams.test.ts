import fc from "fast-check";
import { expect, test } from "vitest";
import type { TaskFilter, TaskSort } from "../components/taskTree";
import { DEFAULT_TASK_PARAMS, parseTaskParams, serializeTaskParams, tasksSearch } from "./taskFilterParams";

test("an empty address is the default list, and the default list is an empty address", () => {
  expect(parseTaskParams(new URLSearchParams(""))).toEqual(DEFAULT_TASK_PARAMS);
  expect(serializeTaskParams(DEFAULT_TASK_PARAMS).toString()).toBe("");
  expect(tasksSearch({ status: "all", text: "" })).toBe("");
});

test("a status link reads back as that status", () => {
  expect(tasksSearch({ status: "in_progress", text: "" })).toBe("?status=in_progress");
  expect(parseTaskParams(new URLSearchParams("status=in_progress")).filter).toEqual({ status: "in_progress", text: "" });
});

test("unknown values in a hand-edited address fall back to the defaults", () => {
  const parsed = parseTaskParams(new URLSearchParams("status=bogus&sort=sideways&q=login"));
  expect(parsed).toEqual({ filter: { status: "all", text: "login" }, sort: "priority" });
});

test("other params in the address are kept", () => {
  const out = serializeTaskParams({ filter: { status: "open", text: "" }, sort: "newest" }, new URLSearchParams("x=1&status=closed"));
  expect(Object.fromEntries(out)).toEqual({ x: "1", status: "open", sort: "newest" });
});

test("serialize then parse gives back the same values, for any text", () => {
  const status = fc.constantFrom<TaskFilter["status"]>("all", "not_closed", "open", "in_progress", "blocked", "closed");
  const sort = fc.constantFrom<TaskSort>("priority", "newest", "oldest", "updated", "title");
  const priority = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined });
  // A label is stored trimmed and non-empty (the daemon keeps them so).
  const label = fc.option(fc.string({ minLength: 1 }).filter((l) => l.trim() === l && l !== ""), { nil: undefined });
  const view = fc.constantFrom<"board" | undefined>("board", undefined);
  fc.assert(
    fc.property(status, fc.string(), sort, priority, label, view, (s, text, so, p, l, v) => {
      const values = {
        filter: { status: s, text, ...(p === undefined ? {} : { priority: p }), ...(l === undefined ? {} : { label: l }) },
        sort: so,
        ...(v === undefined ? {} : { view: v }),
      };
      const address = serializeTaskParams(values).toString();
      expect(parseTaskParams(new URLSearchParams(address))).toEqual(values);
    }),
  );
});

test("priority, label, sort and the board view read back from the address", () => {
  const parsed = parseTaskParams(new URLSearchParams("priority=0&label=ui&sort=updated&view=board&q=x"));
  expect(parsed).toEqual({ filter: { status: "all", text: "x", priority: 0, label: "ui" }, sort: "updated", view: "board" });
  expect(serializeTaskParams(parsed).toString()).toBe("q=x&priority=0&label=ui&sort=updated&view=board");
});

test("a bad priority or view, or a blank label, is left out", () => {
  const parsed = parseTaskParams(new URLSearchParams("priority=9&label=%20%20&view=grid"));
  expect(parsed).toEqual(DEFAULT_TASK_PARAMS);
  expect(parsed.filter).not.toHaveProperty("priority");
  expect(parsed.filter).not.toHaveProperty("label");
  expect(parsed).not.toHaveProperty("view");
});

test("the list view and no priority or label are defaults, so they leave the address", () => {
  const out = serializeTaskParams(
    { filter: { status: "all", text: "", priority: undefined, label: "" }, sort: "priority", view: "list" },
    new URLSearchParams("priority=1&label=ui&view=board"),
  );
  expect(out.toString()).toBe("");
});
