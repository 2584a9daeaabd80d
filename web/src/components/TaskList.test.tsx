import { fireEvent, render, screen, within } from "@testing-library/react";
import type { Task } from "../views/data";
import { TaskList } from "./TaskList";
import { visibleRows } from "./taskTree";

function makeTasks(count: number): Task[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `task-${i}`,
    project_id: null,
    title: `Task number ${i}`,
    description: "",
    status: "open" as const,
    priority: i % 5,
    labels: [],
    parent_id: i > 0 && i % 100 === 1 ? "task-0" : null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    updated_at: "2026-01-01T00:00:00Z",
    closed_at: null,
    closed_reason: null,
  }));
}

const noop = (): void => undefined;

test("10,000 tasks render only a window of rows", () => {
  const tasks = makeTasks(10_000);
  const rows = visibleRows(tasks, new Set(), { status: "all", text: "" }, "priority");
  render(<TaskList rows={rows} isPending={() => false} onToggle={noop} onStatusChange={noop} onExpandRequest={noop} />);
  const rendered = screen.getAllByTestId("task-row");
  expect(rendered.length).toBeGreaterThan(5);
  expect(rendered.length).toBeLessThan(100);
  expect(screen.getByRole("table")).toHaveAttribute("aria-rowcount", String(rows.length));
});

test("rows carry the automation hooks, pending flag and a status control", () => {
  const tasks = makeTasks(3);
  const rows = visibleRows(tasks, new Set(), { status: "all", text: "" }, "priority");
  const onStatusChange = vi.fn();
  render(
    <TaskList
      rows={rows}
      isPending={(t) => t.id === "task-2"}
      onToggle={noop}
      onStatusChange={onStatusChange}
      onExpandRequest={noop}
    />,
  );
  const row = screen.getAllByTestId("task-row").find((r) => r.dataset.taskId === "task-2")!;
  expect(row).toHaveAttribute("data-pending", "true");
  const other = screen.getAllByTestId("task-row").find((r) => r.dataset.taskId === "task-0")!;
  expect(other).toHaveAttribute("data-pending", "false");
  fireEvent.change(within(other).getByTestId("task-status"), { target: { value: "blocked" } });
  expect(onStatusChange).toHaveBeenCalledWith(expect.objectContaining({ id: "task-0" }), "blocked");
});

test("a parent with subtasks has a toggle that reports the task", () => {
  const tasks = makeTasks(2); // task-1 is a subtask of task-0
  const rows = visibleRows(tasks, new Set(), { status: "all", text: "" }, "priority");
  const onToggle = vi.fn();
  render(<TaskList rows={rows} isPending={() => false} onToggle={onToggle} onStatusChange={noop} onExpandRequest={noop} />);
  expect(screen.getAllByTestId("task-row")).toHaveLength(1);
  fireEvent.click(screen.getByRole("button", { name: /Expand Task number 0/ }));
  expect(onToggle).toHaveBeenCalledWith(expect.objectContaining({ id: "task-0" }));
});
