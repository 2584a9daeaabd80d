// Shared set-up of the task view tests: the whole app on a fake daemon, in a memory router, with
// the current address on screen so a test can read where a click or a key took it.
import { render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router-dom";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { AppRoutes } from "../App";

function Address(): React.JSX.Element {
  const { pathname, search } = useLocation();
  return <output data-testid="address">{pathname + search}</output>;
}

export function setUpTasks(): () => TestEnv {
  let env: TestEnv;
  beforeEach(() => {
    env = serveFetch(createTestEnv());
  });
  afterEach(() => {
    // Sonner keeps its toasts in a module-level store; start every test with none.
    toast.dismiss();
  });
  return () => env;
}

export function renderTasks(env: TestEnv, path = "/tasks") {
  const Wrapper = env.wrapper;
  return render(
    <Wrapper>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <Address />
      </MemoryRouter>
    </Wrapper>,
  );
}

export const address = (): string => screen.getByTestId("address").textContent ?? "";

export const rowOf = (id: string): HTMLElement | undefined =>
  screen.queryAllByTestId("task-row").find((el) => el.dataset.taskId === id);

export const cardOf = (id: string): HTMLElement | undefined =>
  screen.queryAllByTestId("board-card").find((el) => el.dataset.taskId === id);

export async function connected(): Promise<void> {
  await waitFor(() => expect(screen.getByTestId("connection-status")).toHaveAttribute("data-state", "connected"));
}
