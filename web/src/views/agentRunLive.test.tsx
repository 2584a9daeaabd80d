import { act, screen, waitFor } from "@testing-library/react";
import { createTestEnv, serveFetch } from "../lib/testing";
import type { AgentRun } from "../lib/ws/generated";
import { renderAppAt } from "./testApp";

const TS = "2026-11-26T06:05:00Z";
const run: AgentRun = {
  id: "agt_1",
  project_id: null,
  task_id: null,
  worktree_id: null,
  prompt: "Fix the parser",
  command: ["sh"],
  cwd: "/tmp/wt",
  status: "running",
  started_at: TS,
};
const bytes = (text: string) => new TextEncoder().encode(text).length;
const kept = "\x1b[32mfirst ✓\x1b[0m\n";
const logPage = (text: string) => ({
  agent_id: "agt_1", status: "running", offset: 0, next_offset: bytes(text), size: bytes(text), text, seq: 0,
});

/** The run page of a running agent whose kept log holds `kept`. */
function openRunPage() {
  const env = serveFetch(createTestEnv());
  env.api.fixed.set("/api/agents", { items: [run], seq: 0 });
  env.api.fixed.set("/api/agents/agt_1/output", logPage(kept));
  renderAppAt(env, "/agents/agt_1");
  return env;
}

test("the run page shows the kept log, then follows live chunks by offset: no repeat, no other run's output", async () => {
  const env = openRunPage();
  const log = await screen.findByTestId("agent-log");
  await waitFor(() => expect(log).toHaveTextContent("first ✓"));
  expect(env.api.calls.some((c) => c.path === "/api/agents/agt_1/output?offset=0")).toBe(true);

  // The chunk the page already read comes again as an event, then the next one, and another run's.
  act(() => void env.daemon.emitData("agent.output", { agent_id: "agt_1", stream: "stdout", offset: 0, size: bytes(kept), text: kept }));
  act(() => void env.daemon.emitData("agent.output", { agent_id: "agt_1", stream: "stderr", offset: bytes(kept), size: 7, text: "second\n" }));
  act(() => void env.daemon.emitData("agent.output", { agent_id: "agt_2", stream: "stdout", offset: 0, size: 6, text: "other\n" }));
  await waitFor(() => expect(log.textContent).toBe("first ✓second"));
  expect([...log.querySelectorAll(".log-line")].map((l) => l.textContent)).toEqual(["first ✓", "second"]);
});

test("a chunk past the end of the text reads the log again from where the text ends", async () => {
  const env = openRunPage();
  const log = await screen.findByTestId("agent-log");
  await waitFor(() => expect(log).toHaveTextContent("first"));
  act(() => void env.daemon.emitData("agent.output", { agent_id: "agt_1", stream: "stdout", offset: 500, size: 5, text: "late\n" }));
  await waitFor(() =>
    expect(env.api.calls.some((c) => c.path === `/api/agents/agt_1/output?offset=${bytes(kept)}`)).toBe(true),
  );
  expect(log).not.toHaveTextContent("late");
});

test("once the subscription is confirmed the log is read again: a chunk committed before it is not missed", async () => {
  const env = openRunPage();
  const log = await screen.findByTestId("agent-log");
  await waitFor(() => expect(log).toHaveTextContent("first ✓"));
  // The run printed more before the subscription took effect: no event will ever carry it.
  const later = `${kept}between\n`;
  env.api.fixed.set("/api/agents/agt_1/output", {
    ...logPage(later), offset: bytes(kept), text: "between\n",
  });
  const conn = env.daemon.connections[0];
  act(() => conn?.socket.serverSend({ type: "subscribed", events: ["agent.output:agent_id=agt_1"], seq: env.daemon.head }));
  await waitFor(() => expect(log.textContent).toBe("first ✓between"));
});
