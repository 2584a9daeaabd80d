import { fireEvent, screen, waitFor } from "@testing-library/react";
import { address, renderTasks, rowOf, setUpTasks } from "./tasksTestkit";

const env = setUpTasks();

test("filters, sort and view chosen on the page go into the address", async () => {
  env().api.addTask("a", { title: "One", priority: 0, labels: ["ui"] });
  env().api.addTask("b", { title: "Two", priority: 3 });
  renderTasks(env());
  await waitFor(() => expect(rowOf("a")).toBeDefined());
  fireEvent.change(screen.getByLabelText("Priority filter"), { target: { value: "0" } });
  fireEvent.change(screen.getByLabelText("Label filter"), { target: { value: "ui" } });
  fireEvent.change(screen.getByLabelText("Sort"), { target: { value: "title" } });
  fireEvent.click(screen.getByRole("button", { name: "Board" }));
  expect(address()).toBe("/tasks?priority=0&label=ui&sort=title&view=board");
  expect(await screen.findByTestId("task-board")).toBeInTheDocument();
});

test("an address with filters opens the page filtered, and opening a task keeps them", async () => {
  env().api.addTask("a", { title: "One", priority: 0 });
  env().api.addTask("b", { title: "Two", priority: 3 });
  renderTasks(env(), "/tasks?priority=3&sort=oldest");
  await waitFor(() => expect(rowOf("b")).toBeDefined());
  expect(rowOf("a")).toBeUndefined();
  expect(screen.getByLabelText("Priority filter")).toHaveValue("3");
  expect(screen.getByLabelText("Sort")).toHaveValue("oldest");
  fireEvent.click(screen.getByRole("button", { name: "Two" }));
  expect(address()).toBe("/tasks/b?priority=3&sort=oldest");
  expect(await screen.findByTestId("task-detail")).toBeInTheDocument();
});
