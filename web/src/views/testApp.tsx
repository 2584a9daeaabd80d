// Renders the whole app (routes, layout, toasts) at a path against a test env (lib/testing.tsx).
import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import type { TestEnv } from "../lib/testing";
import { AppRoutes } from "../App";
import { ActivityProvider } from "../components/ActivityProvider";
import { EventToasts } from "../components/EventToasts";

export function renderAppAt(env: TestEnv, path: string): ReturnType<typeof render> {
  const Wrapper = env.wrapper;
  return render(
    <Wrapper>
      <MemoryRouter initialEntries={[path]}>
        <ActivityProvider>
          <EventToasts />
          <AppRoutes />
        </ActivityProvider>
      </MemoryRouter>
    </Wrapper>,
  );
}
