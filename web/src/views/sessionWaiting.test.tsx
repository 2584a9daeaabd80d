import { screen, within } from "@testing-library/react";
import { createTestEnv, serveFetch } from "../lib/testing";
import type { Session } from "../lib/ws/generated";
import { renderAppAt } from "./testApp";

const TS = "2026-11-26T06:05:00Z";
const REASON = "Claude needs your permission to use Bash";
const session = (id: string, status: Session["status"], reason: string | null): Session => ({
  id,
  source: "claude",
  status,
  waiting_reason: reason,
  started_at: TS,
  updated_at: TS,
  tool_count: 0,
  message_count: 0,
});

test("the sessions list says why a session waits, and only while it waits", async () => {
  const env = serveFetch(createTestEnv());
  env.api.fixed.set("/api/sessions", { items: [session("s-wait", "waiting", REASON), session("s-idle", "idle", null)], seq: 0 });
  renderAppAt(env, "/sessions");
  const rows = await screen.findAllByTestId("session-row");
  const waiting = rows.find((r) => r.dataset.sessionId === "s-wait")!;
  expect(within(waiting).getByTestId("waiting-reason")).toHaveTextContent(REASON);
  const idle = rows.find((r) => r.dataset.sessionId === "s-idle")!;
  expect(within(idle).queryByTestId("waiting-reason")).not.toBeInTheDocument();
});

test("a waiting session's page says why", async () => {
  const env = serveFetch(createTestEnv());
  env.api.fixed.set("/api/sessions/s-wait", session("s-wait", "waiting", REASON));
  env.api.fixed.set("/api/sessions", { items: [], seq: 0 });
  renderAppAt(env, "/sessions/s-wait");
  expect(await within(await screen.findByRole("main")).findByTestId("waiting-reason")).toHaveTextContent(REASON);
});
