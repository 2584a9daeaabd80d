import { fireEvent, screen, waitFor } from "@testing-library/react";
import { shortcutFor } from "../lib/taskShortcuts";
import { address, renderTasks, rowOf, setUpTasks } from "./tasksTestkit";

const env = setUpTasks();

const key = (k: string, target: Element = document.body) => fireEvent.keyDown(target, { key: k });

async function threeTasks(): Promise<void> {
  // Same status and priority: the default sort puts the newest first (c, b, a).
  env().api.addTask("a", { title: "Alpha", created_at: "2026-01-01T00:00:01Z" });
  env().api.addTask("b", { title: "Bravo", created_at: "2026-01-01T00:00:02Z" });
  env().api.addTask("c", { title: "Charlie", created_at: "2026-01-01T00:00:03Z" });
  renderTasks(env());
  await waitFor(() => expect(rowOf("a")).toBeDefined());
}

test("/ focuses the search and c the new task's title", async () => {
  await threeTasks();
  key("/");
  expect(screen.getByLabelText("Filter tasks")).toHaveFocus();
  (document.activeElement as HTMLElement).blur();
  key("c");
  expect(screen.getByLabelText("Task title")).toHaveFocus();
});

test("j and k move the selection through the rows, Enter opens the selected task", async () => {
  await threeTasks();
  key("j");
  await waitFor(() => expect(rowOf("c")).toHaveAttribute("data-selected", "true"));
  key("j");
  key("j");
  key("j"); // stops at the last row
  await waitFor(() => expect(rowOf("a")).toHaveAttribute("data-selected", "true"));
  key("k");
  await waitFor(() => expect(rowOf("b")).toHaveAttribute("data-selected", "true"));
  expect(rowOf("a")).not.toHaveAttribute("data-selected");
  key("Enter");
  expect(address()).toBe("/tasks/b");
  expect(await screen.findByTestId("task-detail")).toHaveAttribute("data-task-id", "b");
  key("Escape");
  expect(address()).toBe("/tasks");
});

test("? opens the help listing every shortcut; Escape closes it", async () => {
  await threeTasks();
  key("?");
  const help = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
  for (const k of ["c", "/", "j", "k", "Enter", "?"]) expect(help).toHaveTextContent(k);
  key("Escape", screen.getByRole("button", { name: "Close" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
});

test("keys typed in a field are text, not shortcuts", async () => {
  await threeTasks();
  const title = screen.getByLabelText("Task title");
  title.focus();
  key("j", title);
  key("/", title);
  key("?", title);
  expect(title).toHaveFocus();
  expect(screen.queryByRole("dialog")).toBeNull();
  expect(screen.getAllByTestId("task-row").some((r) => r.dataset.selected === "true")).toBe(false);
});

test("modifier keys and Enter on a button are left to the browser", () => {
  expect(shortcutFor({ key: "c", ctrlKey: true })).toBeNull();
  expect(shortcutFor({ key: "k", metaKey: true })).toBeNull();
  const button = document.createElement("button");
  expect(shortcutFor({ key: "Enter", target: button })).toBeNull();
  expect(shortcutFor({ key: "Enter", target: document.body })).toBe("open");
  const select = document.createElement("select");
  expect(shortcutFor({ key: "Escape", target: select })).toBeNull();
});
