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
  const sort = fc.constantFrom<TaskSort>("priority", "newest");
  fc.assert(
    fc.property(status, fc.string(), sort, (s, text, so) => {
      const values = { filter: { status: s, text }, sort: so };
      const address = serializeTaskParams(values).toString();
      expect(parseTaskParams(new URLSearchParams(address))).toEqual(values);
    }),
  );
});
