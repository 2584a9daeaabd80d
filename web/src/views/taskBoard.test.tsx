import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { TaskBoard } from "../components/TaskBoard";
import { statusForDrop, stepToColumn } from "../components/boardMove";
import { task } from "../lib/ws/testkit";
import { cardOf, connected, renderTasks, setUpTasks } from "./tasksTestkit";

const env = setUpTasks();

const column = (status: string) =>
  screen.getAllByTestId("board-column").find((el) => el.dataset.status === status) as HTMLElement;

test("the board has a column per status, each with its tasks and their count", async () => {
  env().api.addTask("a", { title: "Todo", status: "open" });
  env().api.addTask("b", { title: "Doing", status: "in_progress" });
  env().api.addTask("c", { title: "Stuck", status: "blocked" });
  renderTasks(env(), "/tasks?view=board");
  await waitFor(() => expect(cardOf("a")).toBeDefined());
  expect(within(column("open")).getByText("Todo")).toBeInTheDocument();
  expect(within(column("in_progress")).getByText("Doing")).toBeInTheDocument();
  expect(within(column("blocked")).getByRole("heading")).toHaveTextContent("Blocked 1");
  expect(within(column("closed")).getByText("No tasks.")).toBeInTheDocument();
});

test("a card moved to another column shows there at once, and the daemon's event confirms it", async () => {
  env().api.addTask("a", { title: "Todo", status: "open" });
  renderTasks(env(), "/tasks?view=board");
  await connected();
  await waitFor(() => expect(cardOf("a")).toBeDefined());
  env().api.hold = true;
  fireEvent.change(screen.getByLabelText("Move Todo to"), { target: { value: "in_progress" } });
  await waitFor(() => expect(within(column("in_progress")).getByText("Todo")).toBeInTheDocument());
  expect(cardOf("a")).toHaveAttribute("data-pending", "true");
  act(() => env().api.release());
  await waitFor(() => expect(cardOf("a")).toHaveAttribute("data-pending", "false"));
  expect(cardOf("a")).toHaveAttribute("data-status", "in_progress");
  expect(env().api.tasks.get("a")?.status).toBe("in_progress");
});

test("a move the daemon refuses goes back to its column, with a toast saying why", async () => {
  env().api.addTask("a", { title: "Todo", status: "open" });
  renderTasks(env(), "/tasks?view=board");
  await connected();
  await waitFor(() => expect(cardOf("a")).toBeDefined());
  env().api.hold = true;
  env().api.failNext.set("PATCH /api/tasks/a", { status: 409, code: "conflict", message: "task is locked" });
  fireEvent.change(screen.getByLabelText("Move Todo to"), { target: { value: "blocked" } });
  await waitFor(() => expect(within(column("blocked")).getByText("Todo")).toBeInTheDocument());
  act(() => env().api.release());
  await waitFor(() => expect(within(column("open")).getByText("Todo")).toBeInTheDocument());
  expect(cardOf("a")).toHaveAttribute("data-status", "open");
  expect(await screen.findByText(/Could not set "Todo" to blocked: task is locked/)).toBeInTheDocument();
});

test("moving to Closed closes the task through its own operation", async () => {
  env().api.addTask("a", { title: "Todo", status: "open" });
  renderTasks(env(), "/tasks?view=board");
  await connected();
  await waitFor(() => expect(cardOf("a")).toBeDefined());
  fireEvent.change(screen.getByLabelText("Move Todo to"), { target: { value: "closed" } });
  await waitFor(() => expect(env().api.tasks.get("a")?.status).toBe("closed"));
  expect(env().api.calls.some((c) => c.method === "POST" && c.path === "/api/tasks/a/close")).toBe(true);
});

test("a drop means a status only on another column", () => {
  const open = task("a", { status: "open" });
  expect(statusForDrop(open, "column:blocked")).toBe("blocked");
  expect(statusForDrop(open, "column:open")).toBeNull();
  expect(statusForDrop(open, "column:nowhere")).toBeNull();
  expect(statusForDrop(open, "b")).toBeNull();
  expect(statusForDrop(open, null)).toBeNull();
});

test("drag handles are keyboard operable and say what they move", async () => {
  env().api.addTask("a", { title: "Todo", status: "open" });
  renderTasks(env(), "/tasks?view=board");
  await waitFor(() => expect(cardOf("a")).toBeDefined());
  const handle = within(cardOf("a")!).getByTestId("drag-handle");
  expect(handle).toHaveAccessibleName("Move Todo");
  expect(handle).toHaveAttribute("aria-roledescription", "draggable");
  expect(handle).toHaveAttribute("tabindex", "0");
});

test("10,000 tasks on the board render only a window of cards per column", () => {
  const tasks = Array.from({ length: 10_000 }, (_, i) =>
    task(`t${i}`, { status: (["open", "in_progress", "blocked", "closed"] as const)[i % 4] }),
  );
  render(<TaskBoard tasks={tasks} isPending={() => false} onMove={() => undefined} onOpen={() => undefined} />);
  const cards = screen.getAllByTestId("board-card");
  expect(cards.length).toBeGreaterThan(3);
  expect(cards.length).toBeLessThan(100);
  expect(within(column("closed")).getByRole("heading")).toHaveTextContent("Closed 2,500");
});

test("a keyboard drag goes one column per arrow press, and stops at the edges", () => {
  const columns = [0, 300, 600, 900].map((left) => ({ left, width: 280 }));
  expect(stepToColumn(columns, 140, 1)).toBe(300);
  expect(stepToColumn(columns, 440, -1)).toBe(-300);
  expect(stepToColumn(columns, 1040, 1)).toBeNull();
  expect(stepToColumn(columns, 140, -1)).toBeNull();
});
