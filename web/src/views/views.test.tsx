import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import type { AgentRun, McpServer, Session, SessionMessage, Worktree } from "../lib/ws/generated";
import { AppRoutes } from "../App";
import { ActivityProvider } from "../components/ActivityProvider";
import { EventToasts } from "../components/EventToasts";

let env: TestEnv;

const TS = "2026-11-26T06:05:00Z";
const agent = (id: string, status: AgentRun["status"], prompt: string): AgentRun => ({
  id,
  project_id: null,
  task_id: null,
  worktree_id: null,
  prompt,
  command: ["sh", "-c", "true"],
  cwd: "/tmp",
  status,
  started_at: TS,
  exit_code: status === "failed" ? 3 : null,
  stderr_tail: status === "failed" ? ["it broke"] : [],
});

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

afterEach(() => {
  // Sonner keeps its toasts in a module-level store; start every test with none.
  toast.dismiss();
});

function renderApp(path: string) {
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

const taskRow = (id: string) =>
  screen.getAllByTestId("task-row").find((el) => el.dataset.taskId === id) as HTMLElement;
const connection = () => screen.getByTestId("connection-status");

describe("tasks view", () => {
  test("shows a skeleton until the list arrives, then the rows", async () => {
    env.api.addTask("t1", { title: "First task" });
    env.stopDaemon();
    renderApp("/tasks");
    expect(screen.getAllByTestId("skeleton").length).toBeGreaterThan(0);
    expect(screen.queryAllByTestId("task-row")).toHaveLength(0);
    act(() => env.startDaemon());
    await waitFor(() => expect(taskRow("t1")).toHaveTextContent("First task"), { timeout: 10_000 });
    expect(screen.queryByTestId("skeleton")).toBeNull();
  });

  test("a task created elsewhere appears live, with a toast", async () => {
    renderApp("/tasks");
    await waitFor(() => expect(connection()).toHaveAttribute("data-state", "connected"));
    await screen.findByText(/0 tasks/);
    act(() => {
      const t = env.api.addTask("t9", { title: "Made by an agent" });
      env.daemon.emitData("task.created", { task_id: "t9", project_id: null, task: t });
    });
    await waitFor(() => expect(taskRow("t9")).toBeInTheDocument());
    expect(await screen.findByText("Task created")).toBeInTheDocument();
    expect(screen.getAllByText("Made by an agent").length).toBeGreaterThan(0);
  });

  test("creating from the form shows a pending row until the daemon confirms", async () => {
    renderApp("/tasks");
    await screen.findByText(/0 tasks/);
    env.api.hold = true;
    fireEvent.change(screen.getByLabelText("Task title"), { target: { value: "Write docs" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    const pending = await waitFor(() => {
      const rows = screen.getAllByTestId("task-row");
      expect(rows).toHaveLength(1);
      return rows[0]!;
    });
    expect(pending).toHaveAttribute("data-pending", "true");
    expect(pending).toHaveTextContent("Write docs");
    act(() => env.api.release());
    await waitFor(() => {
      const rows = screen.getAllByTestId("task-row");
      expect(rows).toHaveLength(1);
      expect(rows[0]).toHaveAttribute("data-pending", "false");
      expect(rows[0]!.dataset.taskId).toMatch(/^tsk_/);
    });
  });

  test("a refused status change rolls back with a toast naming the task", async () => {
    env.api.addTask("t1", { title: "Fragile" });
    renderApp("/tasks");
    await waitFor(() => expect(taskRow("t1")).toBeInTheDocument());
    env.api.hold = true;
    env.api.failNext.set("PATCH /api/tasks/t1", { status: 409, code: "conflict", message: "not allowed now" });
    fireEvent.change(within(taskRow("t1")).getByTestId("task-status"), { target: { value: "blocked" } });
    await waitFor(() => expect(taskRow("t1")).toHaveAttribute("data-pending", "true"));
    expect(taskRow("t1")).toHaveAttribute("data-status", "blocked");
    act(() => env.api.release());
    await waitFor(() => expect(taskRow("t1")).toHaveAttribute("data-status", "open"));
    expect(taskRow("t1")).toHaveAttribute("data-pending", "false");
    expect(await screen.findByText(/Could not set "Fragile" to blocked: not allowed now/)).toBeInTheDocument();
  });

  test("choosing closed closes the task through its own operation", async () => {
    env.api.addTask("t1", { title: "Done soon" });
    renderApp("/tasks");
    await waitFor(() => expect(taskRow("t1")).toBeInTheDocument());
    fireEvent.change(within(taskRow("t1")).getByTestId("task-status"), { target: { value: "closed" } });
    await waitFor(() => expect(env.api.calls.some((c) => c.method === "POST" && c.path === "/api/tasks/t1/close")).toBe(true));
    await waitFor(() => expect(taskRow("t1")).toHaveAttribute("data-status", "closed"));
    expect(await screen.findByText("Task closed")).toBeInTheDocument();
  });

  test("subtasks are listed under their parent when expanded", async () => {
    env.api.addTask("p", { title: "Parent" });
    env.api.addTask("c1", { title: "Child one", parent_id: "p" });
    renderApp("/tasks");
    await waitFor(() => expect(taskRow("p")).toBeInTheDocument());
    expect(screen.queryByText("Child one")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Expand Parent" }));
    expect(await screen.findByText("Child one")).toBeInTheDocument();
  });
});

describe("connection feedback", () => {
  test("daemon down: reconnecting, stale, data kept, toasts for lost and restored", async () => {
    env.api.addTask("t1", { title: "Kept" });
    renderApp("/tasks");
    await waitFor(() => expect(connection()).toHaveAttribute("data-state", "connected"));
    await waitFor(() => expect(taskRow("t1")).toBeInTheDocument());
    await waitFor(() => expect(screen.queryByTestId("stale-indicator")).toBeNull());

    act(() => env.stopDaemon());
    await waitFor(() => expect(connection()).toHaveAttribute("data-state", "reconnecting"));
    expect(screen.getByTestId("stale-indicator")).toBeInTheDocument();
    expect(screen.getByTestId("reconnecting-indicator")).toBeInTheDocument();
    expect(taskRow("t1")).toHaveTextContent("Kept");
    expect(await screen.findByText("Connection lost")).toBeInTheDocument();

    act(() => env.startDaemon());
    await waitFor(() => expect(connection()).toHaveAttribute("data-state", "connected"));
    await waitFor(() => expect(screen.queryByTestId("stale-indicator")).toBeNull());
    expect(screen.queryByTestId("reconnecting-indicator")).toBeNull();
    expect(await screen.findByText("Connection restored")).toBeInTheDocument();
  });

  test("the connection panel shows state, quality and the event log", async () => {
    renderApp("/connection");
    await waitFor(() => expect(screen.getAllByTestId("connection-status")[0]).toHaveAttribute("data-state", "connected"));
    expect(screen.getByTestId("quality")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("connection-log")).toHaveTextContent("welcome"));
  });
});

describe("toast storm", () => {
  test("hundreds of events collapse into one counting toast", async () => {
    renderApp("/");
    await waitFor(() => expect(connection()).toHaveAttribute("data-state", "connected"));
    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("task.created"));
    act(() => {
      for (let i = 0; i < 300; i++) {
        const t = env.api.addTask(`s${i}`, { title: `Storm ${i}` });
        env.daemon.emitData("task.created", { task_id: t.id, project_id: null, task: t });
      }
    });
    expect(await screen.findByText("300 tasks created")).toBeInTheDocument();
    const taskToasts = [...document.querySelectorAll("[data-sonner-toast]")].filter((el) =>
      /tasks? created/i.test(el.textContent ?? ""),
    );
    expect(taskToasts).toHaveLength(1);
  });
});

describe("agent toasts", () => {
  test("completed and failed runs each get a toast", async () => {
    renderApp("/agents");
    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("agent.failed"));
    const run = agent("ag1", "completed", "Tidy imports");
    const failed = agent("ag2", "failed", "Migrate tables");
    act(() => {
      env.daemon.emitData("agent.completed", {
        agent_id: "ag1", task_id: null, worktree_id: null, status: "completed", exit_code: 0, duration_ms: 5, agent: run,
      });
      env.daemon.emitData("agent.failed", {
        agent_id: "ag2", task_id: null, worktree_id: null, status: "failed", exit_code: 3, duration_ms: 5, agent: failed,
      });
    });
    expect(await screen.findByText("Agent completed")).toBeInTheDocument();
    expect(await screen.findByText("Agent failed (exit 3)")).toBeInTheDocument();
  });
});

describe("other views", () => {
  test("dashboard counts tasks and agents, and the pulse counts live tool calls", async () => {
    env.api.addTask("a", { status: "in_progress" });
    env.api.addTask("b", { status: "closed" });
    env.api.fixed.set("/api/agents", { items: [agent("ag1", "running", "Refactor the parser")], seq: 0 });
    renderApp("/");
    await waitFor(() => expect(screen.getByText("Refactor the parser")).toBeInTheDocument());
    const pulse = screen.getByTestId("activity-pulse");
    expect(pulse).toHaveAttribute("data-count", "0");
    expect(pulse).toHaveTextContent("1 agent active");
    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("mcp.tool_called"));
    act(() => {
      for (let i = 0; i < 3; i++) {
        env.daemon.emitData("mcp.tool_called", { server_name: "fs", tool_name: "read", duration_ms: 2, ok: true });
      }
    });
    await waitFor(() => expect(screen.getByTestId("activity-pulse")).toHaveAttribute("data-count", "3"));
    expect(screen.getByTestId("dashboard-counts")).toHaveTextContent("1in progress");
  });

  test("agents view lists runs with state and cancels a running one", async () => {
    env.api.fixed.set("/api/agents", {
      items: [agent("ag1", "running", "Long job"), agent("ag2", "failed", "Broken job")],
      seq: 0,
    });
    renderApp("/agents");
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(2));
    expect(screen.getByTestId("activity-pulse")).toBeInTheDocument();
    expect(within(screen.getByRole("main")).getByText("it broke")).toBeInTheDocument();
    const cancels = () => env.api.calls.filter((c) => c.method === "POST" && c.path === "/api/agents/ag1/cancel");
    // Cancel asks first: backing out of the dialog cancels nothing.
    fireEvent.click(screen.getByRole("button", { name: "Cancel run Long job" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Cancel this run?" });
    expect(dialog).toHaveTextContent("Long job");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(cancels()).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Cancel run Long job" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Cancel run" }));
    await waitFor(() => expect(cancels()).toHaveLength(1));
  });

  test("MCP view shows state, tool counts and live call counts per server", async () => {
    const server: McpServer = { name: "fs", transport: "stdio", state: "connected", tool_count: 4, tools: [], calls: 10 };
    env.api.fixed.set("/api/mcp-servers", { items: [server], seq: 0 });
    renderApp("/mcp");
    const row = await screen.findByTestId("mcp-row");
    expect(row).toHaveTextContent("connected");
    expect(row).toHaveTextContent("4");
    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("mcp.tool_called"));
    act(() => {
      env.daemon.emitData("mcp.tool_called", { server_name: "fs", tool_name: "read", duration_ms: 2, ok: true });
    });
    await waitFor(() => expect(screen.getByTestId("mcp-live-calls")).toHaveTextContent("1"));
  });

  test("sessions list links to one session's messages", async () => {
    const session: Session = {
      id: "sess-1",
      source: "claude",
      status: "active",
      started_at: TS,
      updated_at: TS,
      tool_count: 2,
      message_count: 1,
    };
    const message: SessionMessage = { session_id: "sess-1", index: 0, role: "user", content: [{ type: "text", text: "hello there" }] };
    env.api.fixed.set("/api/sessions", { items: [session], seq: 0 });
    env.api.fixed.set("/api/sessions/sess-1", session);
    env.api.fixed.set("/api/sessions/sess-1/messages", { items: [message], seq: 0 });
    renderApp("/sessions");
    fireEvent.click(await screen.findByRole("link", { name: "sess-1" }));
    expect(await screen.findByText("hello there")).toBeInTheDocument();
    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("session.message:session_id=sess-1"));
  });

  test("worktrees view lists branches with their state", async () => {
    const wt: Worktree = {
      id: "wt1",
      project_id: "p1",
      task_id: null,
      branch: "feature/x",
      base_branch: "main",
      path: "/tmp/wt",
      status: "claimed",
      owner: "agent-1",
      created_at: TS,
      updated_at: TS,
    };
    env.api.fixed.set("/api/worktrees", { items: [wt], seq: 0 });
    renderApp("/worktrees");
    const row = await screen.findByTestId("worktree-row");
    expect(row).toHaveTextContent("feature/x");
    expect(row).toHaveTextContent("claimed");
    expect(row).toHaveTextContent("agent-1");
    const region = screen.getByRole("region", { name: "Worktrees table" });
    expect(region).toHaveAttribute("tabindex", "0");
    expect(region).toContainElement(row);
  });

  test("dashboard shows skeletons, not empty states or zeros, until its data arrives", () => {
    env.stopDaemon();
    renderApp("/");
    const main = screen.getByRole("main");
    expect(main).not.toHaveTextContent("Nothing yet");
    expect(main).not.toHaveTextContent("agents active");
    expect(main).not.toHaveTextContent("No agent is running");
    expect(within(screen.getByTestId("activity-pulse")).getByTestId("skeleton")).toBeInTheDocument();
    expect(within(screen.getByTestId("stat-in-progress")).getByTestId("skeleton")).toBeInTheDocument();
  });

  test("the in-progress card links to the task list filtered by status, and the list reads the filter", async () => {
    env.api.addTask("a", { title: "Doing", status: "in_progress" });
    env.api.addTask("b", { title: "Waiting", status: "open" });
    renderApp("/");
    const card = (await screen.findByText("in progress")).closest("a") as HTMLAnchorElement;
    expect(card.getAttribute("href")).toBe("/tasks?status=in_progress");
    fireEvent.click(card);
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(1));
    expect(screen.getByTestId("task-row")).toHaveTextContent("Doing");
    expect(screen.getByLabelText("Status filter")).toHaveValue("in_progress");
  });

  test("unknown paths get a not-found page inside the layout", async () => {
    renderApp("/nope");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
    expect(connection()).toBeInTheDocument();
  });
});
