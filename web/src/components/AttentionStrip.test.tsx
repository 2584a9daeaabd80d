import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import type { AgentRun, Session } from "../lib/ws/generated";
import { DISMISSED_KEY, NOTIFY_KEY } from "../lib/attention";
import { renderAppAt } from "../views/testApp";

const TS = "2026-11-26T06:05:00Z";
const REASON = "Claude needs your permission to use Bash";
let env: TestEnv;

const session = (id: string, status: Session["status"], reason: string | null = null): Session => ({
  id,
  source: "claude",
  status,
  waiting_reason: reason,
  started_at: TS,
  updated_at: TS,
  tool_count: 0,
  message_count: 0,
});

const failedRun = (id: string, prompt: string): AgentRun => ({
  id,
  project_id: null,
  task_id: null,
  worktree_id: null,
  prompt,
  command: ["sh"],
  cwd: "/tmp",
  status: "failed",
  started_at: TS,
  ended_at: TS,
  exit_code: 3,
  stderr_tail: ["boom"],
});

function serve(sessions: Session[], runs: AgentRun[] = []): void {
  env.api.fixed.set("/api/sessions", { items: sessions, seq: env.daemon.head });
  env.api.fixed.set("/api/agents", { items: runs, seq: env.daemon.head });
}

const items = () => screen.queryAllByTestId("attention-item");

beforeEach(() => {
  env = serveFetch(createTestEnv());
  document.title = "Tidewire";
});

test("hidden, with the plain title, when nothing needs the user", async () => {
  serve([session("s1", "active")], []);
  renderAppAt(env, "/tasks");
  await waitFor(() => expect(document.title).toBe("Tidewire — Tasks"));
  expect(screen.queryByTestId("attention-strip")).not.toBeInTheDocument();
});

test("a waiting session shows with its reason and link, counts in the title, and goes when it stops waiting", async () => {
  serve([session("sess-waiting-1", "waiting", REASON)]);
  renderAppAt(env, "/tasks");
  const item = await screen.findByTestId("attention-item");
  expect(item).toHaveTextContent(REASON);
  expect(within(item).getByRole("link", { name: "Session sess-wai is waiting" })).toHaveAttribute(
    "href",
    "/sessions/sess-waiting-1",
  );
  expect(screen.getByTestId("attention-count")).toHaveTextContent("1");
  await waitFor(() => expect(document.title).toBe("(1) Tidewire — Tasks"));

  await waitFor(() => expect(env.socket.activeSubscriptions).toContain("session.*"));
  const active = session("sess-waiting-1", "active");
  serve([active]);
  act(() => {
    env.daemon.emitData("session.updated", {
      session_id: active.id,
      session: active,
      changed: ["status", "waiting_reason", "updated_at"],
    });
  });
  await waitFor(() => expect(screen.queryByTestId("attention-strip")).not.toBeInTheDocument());
  expect(document.title).toBe("Tidewire — Tasks");
});

test("a dismissed failed run stays dismissed after a reload; a live failed iteration joins the list", async () => {
  serve([], [failedRun("run-1", "Migrate tables"), failedRun("run-2", "Tidy imports")]);
  const first = renderAppAt(env, "/");
  await waitFor(() => expect(items()).toHaveLength(2));
  fireEvent.click(screen.getByRole("button", { name: "Dismiss: Agent run “Migrate tables” failed (exit code 3)" }));
  await waitFor(() => expect(items()).toHaveLength(1));
  expect(JSON.parse(window.localStorage.getItem(DISMISSED_KEY) ?? "[]")).toEqual(["run:run-1"]);
  const left = items()[0]?.dataset.key;
  expect(left).toBe("run:run-2");
  first.unmount();

  renderAppAt(env, "/agents");
  await waitFor(() => expect(items().map((i) => i.dataset.key)).toEqual([left]));

  await waitFor(() => expect(env.socket.activeSubscriptions).toContain("autonomous.iteration"));
  act(() => {
    env.daemon.emitData("autonomous.iteration", {
      loop_id: "aut_42",
      project_id: "p1",
      iteration: 5,
      task_id: "tsk_9",
      outcome: "failed",
      detail: "made no commits",
      reason: null,
      loop: {
        id: "aut_42",
        project_id: "p1",
        status: "running",
        iteration: 5,
        max_iterations: null,
        max_failures: 3,
        failures: 1,
        current_task_id: null,
        started_at: TS,
        stopped_at: null,
        stop_reason: null,
      },
    });
  });
  const loop = await screen.findByText("Loop aut_42: iteration 5 failed");
  expect(loop.closest("a")).toHaveAttribute("href", "/loops/aut_42");
  expect(loop.closest("li")).toHaveTextContent("made no commits");
  fireEvent.click(screen.getByRole("button", { name: "Dismiss all" }));
  await waitFor(() => expect(screen.queryByTestId("attention-strip")).not.toBeInTheDocument());
  await waitFor(() => expect(document.title).toBe("Tidewire — Agents"));
});

test("a dismissal made in another tab applies here too", async () => {
  serve([], [failedRun("run-1", "Migrate tables")]);
  renderAppAt(env, "/");
  await waitFor(() => expect(items()).toHaveLength(1));
  act(() => {
    window.localStorage.setItem(DISMISSED_KEY, JSON.stringify(["run:run-1"]));
    window.dispatchEvent(new StorageEvent("storage", { key: DISMISSED_KEY }));
  });
  await waitFor(() => expect(screen.queryByTestId("attention-strip")).not.toBeInTheDocument());
});

describe("desktop notifications", () => {
  class FakeNotification {
    static permission: NotificationPermission = "default";
    static requests = 0;
    static shown: { title: string; body?: string }[] = [];
    static requestPermission(): Promise<NotificationPermission> {
      FakeNotification.requests += 1;
      FakeNotification.permission = "granted";
      return Promise.resolve("granted");
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      FakeNotification.shown.push({ title, body: options?.body });
    }
    close(): void {}
  }

  beforeEach(() => {
    FakeNotification.permission = "default";
    FakeNotification.requests = 0;
    FakeNotification.shown = [];
    vi.stubGlobal("Notification", FakeNotification);
  });
  afterEach(() => vi.unstubAllGlobals());

  test("off by default and never asked on load; once on, only a new item notifies", async () => {
    serve([session("s-old", "waiting", "Old question")]);
    renderAppAt(env, "/tasks");
    await screen.findByTestId("attention-item");
    expect(FakeNotification.requests).toBe(0);
    const toggle = screen.getByTestId("notify-toggle");
    expect(toggle).toHaveTextContent("Notify me on the desktop");
    fireEvent.click(toggle);
    await waitFor(() => expect(screen.getByTestId("notify-toggle")).toHaveTextContent("Turn off desktop notifications"));
    expect(FakeNotification.requests).toBe(1);
    expect(window.localStorage.getItem(NOTIFY_KEY)).toBe("on");
    expect(FakeNotification.shown).toEqual([]);

    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("session.*"));
    const fresh = session("s-new", "waiting", REASON);
    serve([session("s-old", "waiting", "Old question"), fresh]);
    act(() => {
      env.daemon.emitData("session.created", { session_id: fresh.id, session: fresh });
    });
    await waitFor(() => expect(items()).toHaveLength(2));
    await waitFor(() => expect(FakeNotification.shown).toEqual([{ title: "Session s-new is waiting", body: REASON }]));
  });

  test("the Connection view turns them on before anything needs the user, and the strip agrees", async () => {
    serve([]);
    renderAppAt(env, "/connection");
    const setting = await screen.findByTestId("notify-setting");
    expect(setting).toHaveTextContent("(off)");
    fireEvent.click(within(setting).getByRole("button", { name: "Notify me on the desktop" }));
    await waitFor(() => expect(screen.getByTestId("notify-setting")).toHaveTextContent("(on)"));
    expect(FakeNotification.requests).toBe(1);
    fireEvent.click(within(screen.getByTestId("notify-setting")).getByRole("button", { name: "Turn off desktop notifications" }));
    await waitFor(() => expect(screen.getByTestId("notify-setting")).toHaveTextContent("(off)"));
    // Turning them on again needs no second question: the browser already said yes.
    fireEvent.click(within(screen.getByTestId("notify-setting")).getByRole("button", { name: "Notify me on the desktop" }));
    await waitFor(() => expect(screen.getByTestId("notify-setting")).toHaveTextContent("(on)"));
    expect(FakeNotification.requests).toBe(1);
  });

  test("a denied permission is said, not asked again", async () => {
    FakeNotification.permission = "denied";
    serve([session("s1", "waiting", "Why")]);
    renderAppAt(env, "/");
    await screen.findByTestId("attention-item");
    expect(screen.queryByTestId("notify-toggle")).not.toBeInTheDocument();
    expect(screen.getByTestId("attention-strip")).toHaveTextContent("blocked");
  });
});
