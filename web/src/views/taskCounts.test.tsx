import { fireEvent, screen, waitFor } from "@testing-library/react";
import { renderTasks, rowOf, setUpTasks } from "./tasksTestkit";

const env = setUpTasks();

test("the counter says how many tasks pass the filter, of how many", async () => {
  env().api.addTask("a", { title: "Login page", status: "open", labels: ["ui"] });
  env().api.addTask("b", { title: "Login API", status: "in_progress" });
  env().api.addTask("c", { title: "Billing", status: "blocked", labels: ["ui"] });
  renderTasks(env());
  const counts = await screen.findByTestId("task-counts");
  expect(counts).toHaveTextContent("3 tasks · 1 open · 1 in progress · 1 blocked · 0 closed");

  fireEvent.change(screen.getByLabelText("Filter tasks"), { target: { value: "login" } });
  await waitFor(() => expect(counts).toHaveTextContent("2 of 3 tasks · 1 open · 1 in progress · 0 blocked"));

  fireEvent.change(screen.getByLabelText("Filter tasks"), { target: { value: "" } });
  fireEvent.change(screen.getByLabelText("Label filter"), { target: { value: "ui" } });
  await waitFor(() => expect(counts).toHaveTextContent("2 of 3 tasks · 1 open · 0 in progress · 1 blocked"));
});

test("large counts are written with thousands separators", async () => {
  for (let i = 0; i < 1200; i++) env().api.addTask(`t${i}`, { status: i < 7 ? "blocked" : "open" });
  renderTasks(env(), "/tasks?status=blocked");
  await waitFor(() => expect(screen.getByTestId("task-counts")).toHaveTextContent("7 of 1,200 tasks"));
});

test("a parent shown only as the path to a filtered subtask is not counted", async () => {
  env().api.addTask("p", { title: "Parent", status: "open" });
  env().api.addTask("k", { title: "Child", status: "blocked", parent_id: "p" });
  renderTasks(env(), "/tasks?status=blocked");
  await waitFor(() => expect(rowOf("k")).toBeDefined());
  expect(rowOf("p")).toHaveAttribute("data-context", "true");
  expect(screen.getByTestId("task-counts")).toHaveTextContent("1 of 2 tasks");
});
