import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { address, connected, renderTasks, rowOf, setUpTasks } from "./tasksTestkit";

const env = setUpTasks();

const panel = () => screen.getByTestId("task-detail");

async function openDetail(path = "/tasks/a"): Promise<void> {
  renderTasks(env(), path);
  await connected();
  await waitFor(() => expect(within(panel()).getByTestId("detail-title")).toBeInTheDocument());
}

test("clicking a title opens the task's detail at its own address; closing goes back to the list", async () => {
  env().api.addTask("a", { title: "Write docs", description: "Some *words*", labels: ["docs"] });
  renderTasks(env());
  await waitFor(() => expect(rowOf("a")).toBeDefined());
  fireEvent.click(within(rowOf("a")!).getByRole("button", { name: "Write docs" }));
  expect(address()).toBe("/tasks/a");
  const detail = await screen.findByTestId("task-detail");
  expect(within(detail).getByTestId("detail-title")).toHaveTextContent("Write docs");
  expect(within(detail).getByText("words").tagName).toBe("EM");
  expect(within(detail).getByTestId("detail-labels")).toHaveTextContent("docs");
  fireEvent.click(within(detail).getByRole("button", { name: "Close task detail" }));
  expect(address()).toBe("/tasks");
});

test("a title edit shows at once and is saved", async () => {
  env().api.addTask("a", { title: "Old title" });
  await openDetail();
  env().api.hold = true;
  fireEvent.click(within(panel()).getByRole("button", { name: "Edit title" }));
  const input = within(panel()).getByLabelText("Title");
  fireEvent.change(input, { target: { value: "New title" } });
  fireEvent.keyDown(input, { key: "Enter" });
  await waitFor(() => expect(within(panel()).getByTestId("detail-title")).toHaveTextContent("New title"));
  expect(within(rowOf("a")!).getByRole("button", { name: "New title" })).toBeInTheDocument();
  expect(within(panel()).getByTestId("detail-saving")).toBeInTheDocument();
  act(() => env().api.release());
  await waitFor(() => expect(env().api.tasks.get("a")?.title).toBe("New title"));
  await waitFor(() => expect(within(panel()).queryByTestId("detail-saving")).toBeNull());
  const patch = env().api.calls.find((c) => c.method === "PATCH");
  expect(patch?.body).toEqual({ title: "New title" });
});

test("an edit the daemon refuses is put back, with a toast naming the task", async () => {
  env().api.addTask("a", { title: "Keep me", priority: 2 });
  await openDetail();
  env().api.hold = true;
  env().api.failNext.set("PATCH /api/tasks/a", { status: 422, code: "invalid_argument", message: "priority is frozen" });
  fireEvent.change(within(panel()).getByLabelText("Priority"), { target: { value: "0" } });
  await waitFor(() => expect(within(panel()).getByLabelText("Priority")).toHaveValue("0"));
  act(() => env().api.release());
  await waitFor(() => expect(within(panel()).getByLabelText("Priority")).toHaveValue("2"));
  expect(await screen.findByText(/Could not change "Keep me": priority is frozen/)).toBeInTheDocument();
});

test("labels are added and removed", async () => {
  env().api.addTask("a", { title: "Labelled", labels: ["ui"] });
  await openDetail();
  const add = within(panel()).getByLabelText("Add a label");
  fireEvent.change(add, { target: { value: "urgent" } });
  fireEvent.keyDown(add, { key: "Enter" });
  await waitFor(() => expect(env().api.tasks.get("a")?.labels).toEqual(["ui", "urgent"]));
  fireEvent.click(within(panel()).getByRole("button", { name: "Remove label ui" }));
  await waitFor(() => expect(env().api.tasks.get("a")?.labels).toEqual(["urgent"]));
  expect(within(panel()).getByTestId("detail-labels")).not.toHaveTextContent("ui");
});

test("the description is edited as Markdown and rendered without running any HTML in it", async () => {
  env().api.addTask("a", { title: "Described" });
  await openDetail();
  fireEvent.click(within(panel()).getByRole("button", { name: "Edit description" }));
  const text = "# Plan\n\n- **one**\n\n<img src=x onerror=alert(1)><script>alert(2)</script>\n\n[bad](javascript:alert(3)) [good](https://example.com)";
  fireEvent.change(within(panel()).getByLabelText("Description (Markdown)"), { target: { value: text } });
  fireEvent.click(within(panel()).getByRole("button", { name: "Save" }));
  await waitFor(() => expect(env().api.tasks.get("a")?.description).toBe(text));
  const md = panel().querySelector(".markdown") as HTMLElement;
  expect(within(md).getByText("one").tagName).toBe("STRONG");
  expect(md.querySelector("script, img, [onerror]")).toBeNull();
  expect(within(md).getByText("bad").getAttribute("href") ?? "").not.toMatch(/javascript/i);
  expect(within(md).getByText("good")).toHaveAttribute("href", "https://example.com");
  expect(within(md).getByText("good")).toHaveAttribute("rel", "noopener noreferrer");
});

test("parent and subtasks link to each other, and the history lists the task's events", async () => {
  env().api.addTask("p", { title: "Parent" });
  env().api.addTask("a", { title: "Child", parent_id: "p" });
  renderTasks(env(), "/tasks/a");
  await connected();
  await waitFor(() => expect(within(panel()).getByText("Parent")).toBeInTheDocument());
  // A change made elsewhere arrives as an event and lands in the open panel's history.
  await act(async () => {
    await env().api.fetch("/api/tasks/a", { method: "PATCH", body: JSON.stringify({ status: "blocked" }) });
  });
  await waitFor(() => expect(within(panel()).getByTestId("detail-history")).toHaveTextContent("Changed status open → blocked"));
  fireEvent.click(within(panel()).getByRole("link", { name: "Parent" }));
  expect(address()).toBe("/tasks/p");
  await waitFor(() => expect(within(panel()).getByTestId("detail-subtasks")).toHaveTextContent("Child"));
});

test("an address naming no known task says so", async () => {
  env().api.addTask("a", { title: "Only one" });
  renderTasks(env(), "/tasks/nope");
  expect(await screen.findByText(/There is no task nope/)).toBeInTheDocument();
});
