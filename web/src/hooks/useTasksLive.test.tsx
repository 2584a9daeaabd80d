import { StrictMode, type ReactNode } from "react";
import { act, renderHook, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { CACHE_STORAGE_KEY } from "../lib/queryClient";
import { useTasksLive } from "./useTasksLive";
import { useCloseTask, useCreateTask, useUpdateTaskStatus } from "./useTaskMutations";
import { useIsStale } from "./useLiveQuery";
import type { Task } from "../lib/ws/generated";
import { useConnectionState } from "./useWebSocket";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

function useTasksView() {
  const live = useTasksLive();
  const create = useCreateTask();
  const update = useUpdateTaskStatus();
  const close = useCloseTask();
  const state = useConnectionState();
  const anyStale = useIsStale();
  return { live, create, update, close, state, anyStale };
}

async function mountTasks(e: TestEnv = env) {
  const hook = renderHook(() => useTasksView(), { wrapper: e.wrapper });
  await waitFor(() => expect(hook.result.current.live.isSuccess).toBe(true));
  await waitFor(() => expect(hook.result.current.live.isStale).toBe(false));
  return hook;
}

const statuses = (tasks: { id: string; status: string }[]) => Object.fromEntries(tasks.map((t) => [t.id, t.status]));

describe("useTasksLive", () => {
  it("loads the list, then shows changes made elsewhere without a refetch by hand", async () => {
    env.api.addTask("t1");
    const { result } = await mountTasks();
    expect(result.current.live.tasks.map((t) => t.id)).toEqual(["t1"]);
    expect(env.socket.activeSubscriptions).toContain("task.*");
    // Another client (e.g. an MCP tool) creates a task: the daemon emits task.created.
    act(() => {
      const t = env.api.addTask("t2", { title: "from MCP" });
      env.daemon.emitData("task.created", { task_id: "t2", project_id: t.project_id, task: t });
    });
    await waitFor(() => expect(result.current.live.tasks.map((t) => t.id).sort()).toEqual(["t1", "t2"]));
    expect(result.current.live.data?.seq).toBe(1);
  });

  it("works under StrictMode (effects mounted, unmounted and mounted again)", async () => {
    env.api.addTask("t1");
    const Wrapper = ({ children }: { children?: ReactNode }) => <StrictMode>{env.wrapper({ children })}</StrictMode>;
    const { result } = renderHook(() => useTasksView(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.live.isSuccess).toBe(true));
    await waitFor(() => expect(result.current.live.isStale).toBe(false));
    act(() => {
      const t = env.api.addTask("t2");
      env.daemon.emitData("task.created", { task_id: "t2", project_id: t.project_id, task: t });
    });
    await waitFor(() => expect(result.current.live.tasks).toHaveLength(2));
    await waitFor(() => expect(result.current.live.isStale).toBe(false));
    expect(env.socket.activeSubscriptions).toEqual(["task.*"]);
  });

  it("loads once on start-up", async () => {
    env.api.addTask("t1");
    env.daemon.emit("task.created", { id: "t1" });
    const { result } = await mountTasks();
    await act(() => new Promise((r) => setTimeout(r, 100)));
    expect(env.api.calls.filter((c) => c.path.startsWith("/api/tasks"))).toHaveLength(1);
    expect(result.current.live.data).toMatchObject({ seq: 1, epoch: "ep_1" });
  });

  it("does not refetch for an event the fetched list already reflects", async () => {
    env.api.addTask("t1");
    const { result } = await mountTasks();
    const gets = () => env.api.calls.filter((c) => c.method === "GET" && c.path.startsWith("/api/tasks")).length;
    // The event is committed but still on its way when the list is refetched for another reason.
    env.daemon.autoDeliver = false;
    const t = env.api.addTask("t2");
    env.daemon.emitData("task.created", { task_id: "t2", project_id: t.project_id, task: t });
    await act(() => env.queryClient.refetchQueries({ queryKey: ["tasks"] }));
    await waitFor(() => expect(result.current.live.data?.seq).toBe(1));
    const before = gets();
    act(() => {
      env.daemon.autoDeliver = true;
      env.daemon.deliver();
    });
    expect(env.socket.lastSeq).toBe(1);
    // Give a coalescing window (20 ms here) several times over to act, then count.
    await act(() => new Promise((r) => setTimeout(r, 150)));
    expect(gets()).toBe(before);
    expect(result.current.live.tasks.map((x) => x.id).sort()).toEqual(["t1", "t2"]);
  });

  it("an event storm is applied to the cached list without refetching it", async () => {
    env.api.addTask("t1");
    const { result } = await mountTasks();
    const gets = () => env.api.calls.filter((c) => c.method === "GET" && c.path.startsWith("/api/tasks")).length;
    const before = gets();
    act(() => {
      for (let i = 0; i < 1_000; i += 1) env.daemon.emit("task.updated", { id: "t1" });
    });
    await waitFor(() => expect(result.current.live.data?.seq).toBe(1_000));
    // Every event carries the whole record and follows the list's seq: nothing to fetch.
    expect(gets() - before).toBe(0);
    expect(statuses(result.current.live.tasks)).toEqual({ t1: "in_progress" });
    expect(result.current.live.isStale).toBe(false);
  });

  it("a filtered list takes the tasks that enter its filter and drops the ones that leave it", async () => {
    env.api.addTask("t1");
    env.api.addTask("t2", { status: "blocked" });
    const hook = renderHook(
      () => ({ open: useTasksLive({ status: "open" }), other: useTasksLive({ project_id: "prj_other" }) }),
      { wrapper: env.wrapper },
    );
    await waitFor(() => expect(hook.result.current.open.isSuccess && hook.result.current.other.isSuccess).toBe(true));
    const gets = () => env.api.calls.filter((c) => c.method === "GET" && c.path.startsWith("/api/tasks")).length;
    const before = gets();
    const emit = (type: "task.created" | "task.updated", task: Task) =>
      env.daemon.emitData(type, { task_id: task.id, project_id: task.project_id, task, changed: ["status"] });
    act(() => {
      env.api.addTask("t3", { created_at: "2026-11-26T06:06:00Z" });
      emit("task.created", env.api.tasks.get("t3") as Task);
      emit("task.updated", env.api.addTask("t1", { status: "in_progress" }));
      emit("task.updated", env.api.addTask("t2", { status: "open", created_at: "2026-11-26T06:04:00Z" }));
    });
    await waitFor(() => expect(hook.result.current.open.data?.seq).toBe(3));
    expect(hook.result.current.open.tasks.map((t) => t.id)).toEqual(["t2", "t3"]);
    expect(hook.result.current.other.tasks).toEqual([]);
    expect(hook.result.current.other.data?.seq).toBe(3);
    expect(gets() - before).toBe(0);
    hook.unmount();
  });

  it("status change: optimistic and pending at once, confirmed by the daemon", async () => {
    env.api.addTask("t1");
    const { result } = await mountTasks();
    env.api.hold = true;
    act(() => result.current.update.setStatus({ id: "t1", title: "Task t1" }, "in_progress"));
    await waitFor(() => expect(statuses(result.current.live.tasks)).toEqual({ t1: "in_progress" }));
    expect(result.current.live.isRowPending("t1")).toBe(true);
    act(() => env.api.release());
    await waitFor(() => expect(result.current.live.isRowPending("t1")).toBe(false));
    expect(statuses(result.current.live.tasks)).toEqual({ t1: "in_progress" });
    expect(env.api.tasks.get("t1")?.status).toBe("in_progress");
  });

  it("status change refused by the daemon: rolled back, with a toast naming the task", async () => {
    env.api.addTask("t1", { status: "closed", title: "Ship it" });
    const { result } = await mountTasks();
    act(() => result.current.update.setStatus({ id: "t1", title: "Ship it" }, "open"));
    await waitFor(() => expect(screen.getByText(/Could not set "Ship it" to open: task is closed/u)).toBeTruthy());
    await waitFor(() => expect(result.current.live.isRowPending("t1")).toBe(false));
    expect(statuses(result.current.live.tasks)).toEqual({ t1: "closed" });
  });

  it("create: a pending placeholder row, replaced by the real task", async () => {
    const { result } = await mountTasks();
    env.api.hold = true;
    act(() => result.current.create.createTask({ title: "New one" }));
    await waitFor(() => expect(result.current.live.tasks).toHaveLength(1));
    const temp = result.current.live.tasks[0];
    expect(temp?.id.startsWith("tmp_")).toBe(true);
    expect(result.current.live.isRowPending(temp?.id ?? "")).toBe(true);
    act(() => env.api.release());
    await waitFor(() => expect(result.current.live.tasks.map((t) => t.id)).toEqual(["tsk_1"]));
    expect(result.current.live.pendingIds.size).toBe(0);
  });

  it("create refused: the placeholder goes away and a toast says what failed", async () => {
    const { result } = await mountTasks();
    env.api.failNext.set("POST /api/tasks", { status: 422, code: "invalid_argument", message: "title too long" });
    act(() => result.current.create.createTask({ title: "Way too long" }));
    await waitFor(() => expect(screen.getByText(/Could not create task "Way too long": title too long/u)).toBeTruthy());
    await waitFor(() => expect(result.current.live.tasks).toEqual([]));
  });

  it("while the daemon is down: data kept and flagged stale; changes queue and apply in order on reconnect", async () => {
    env.api.addTask("t1");
    env.api.addTask("t2");
    const { result } = await mountTasks();
    act(() => env.stopDaemon());
    await waitFor(() => expect(result.current.state).toBe("reconnecting"));
    expect(result.current.live.isStale).toBe(true);
    expect(result.current.anyStale).toBe(true);
    expect(result.current.live.tasks).toHaveLength(2);
    act(() => {
      result.current.update.setStatus({ id: "t1", title: "Task t1" }, "in_progress");
      result.current.close.mutate({ id: "t2", title: "Task t2" });
      result.current.update.setStatus({ id: "t1", title: "Task t1" }, "blocked");
    });
    await waitFor(() => expect(statuses(result.current.live.tasks)).toEqual({ t1: "blocked", t2: "closed" }));
    expect(result.current.live.isRowPending("t1")).toBe(true);
    expect(result.current.live.isRowPending("t2")).toBe(true);
    const writesWhileDown = env.api.calls.filter((c) => c.method !== "GET");
    expect(writesWhileDown).toEqual([]);
    act(() => env.startDaemon());
    await waitFor(() => expect(result.current.live.pendingIds.size).toBe(0));
    const writes = env.api.calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body)}`);
    expect(writes).toEqual([
      'PATCH /api/tasks/t1 {"status":"in_progress"}',
      "POST /api/tasks/t2/close {}",
      'PATCH /api/tasks/t1 {"status":"blocked"}',
    ]);
    await waitFor(() => expect(result.current.live.isStale).toBe(false));
    expect(result.current.anyStale).toBe(false);
    expect(statuses(result.current.live.tasks)).toEqual({ t1: "blocked", t2: "closed" });
  });

  it("what changed while the daemon was down appears after reconnect (resume replays it)", async () => {
    env.api.addTask("t1");
    const { result } = await mountTasks();
    act(() => env.stopDaemon());
    await waitFor(() => expect(result.current.state).toBe("reconnecting"));
    const t = env.api.addTask("t9", { title: "missed" });
    env.daemon.emitData("task.created", { task_id: "t9", project_id: t.project_id, task: t });
    act(() => env.startDaemon());
    await waitFor(() => expect(result.current.live.tasks.map((x) => x.id).sort()).toEqual(["t1", "t9"]));
    await waitFor(() => expect(result.current.live.isStale).toBe(false));
  });

  it("a new epoch refetches everything", async () => {
    env.api.addTask("t1");
    const { result } = await mountTasks();
    act(() => env.stopDaemon());
    await waitFor(() => expect(result.current.state).toBe("reconnecting"));
    env.daemon.resetEpoch("ep_2");
    env.api.tasks.clear();
    env.api.addTask("fresh");
    act(() => env.startDaemon());
    await waitFor(() => expect(result.current.live.tasks.map((x) => x.id)).toEqual(["fresh"]));
    expect(result.current.live.data?.epoch).toBe("ep_2");
  });
});

describe("offline persistence", () => {
  it("a reload while the daemon is down shows the last known tasks and resumes queued changes", async () => {
    env.api.addTask("t1", { title: "persist me" });
    env.api.addTask("t2", { title: "and me" });
    const storage = window.localStorage;
    const first = createTestEnv({ storage, daemon: env.daemon, api: env.api });
    const view = await mountTasks(first);
    act(() => first.stopDaemon());
    await waitFor(() => expect(view.result.current.state).toBe("reconnecting"));
    act(() => {
      view.result.current.update.setStatus({ id: "t1", title: "persist me" }, "in_progress");
      view.result.current.close.mutate({ id: "t2", title: "and me" });
      view.result.current.update.setStatus({ id: "t1", title: "persist me" }, "blocked");
    });
    await waitFor(() => {
      const raw = storage.getItem(CACHE_STORAGE_KEY) ?? "";
      expect(raw).toContain("persist me");
      expect(raw.match(/"update-status"|"close"/gu)).toHaveLength(3);
    });
    view.unmount();

    // "Reload": a new client, cache and socket, with the daemon still down.
    const second = createTestEnv({ storage, daemon: env.daemon, api: env.api });
    second.daemonDown = true;
    const reloaded = renderHook(() => useTasksView(), { wrapper: second.wrapper });
    await waitFor(() =>
      expect(reloaded.result.current.live.tasks.map((t) => t.title).sort()).toEqual(["and me", "persist me"]),
    );
    expect(reloaded.result.current.live.isStale).toBe(true);
    expect(reloaded.result.current.live.pendingIds).toEqual(new Set(["t1", "t2"]));
    expect(env.api.tasks.get("t1")?.status).toBe("open");
    const writesBefore = env.api.calls.filter((c) => c.method !== "GET").length;

    act(() => second.startDaemon());
    await waitFor(() => expect(reloaded.result.current.live.pendingIds.size).toBe(0));
    await waitFor(() => expect(reloaded.result.current.live.isStale).toBe(false));
    const writes = env.api.calls
      .filter((c) => c.method !== "GET")
      .slice(writesBefore)
      .map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body)}`);
    expect(writes).toEqual([
      'PATCH /api/tasks/t1 {"status":"in_progress"}',
      "POST /api/tasks/t2/close {}",
      'PATCH /api/tasks/t1 {"status":"blocked"}',
    ]);
    expect(statuses(reloaded.result.current.live.tasks)).toEqual({ t1: "blocked", t2: "closed" });
    reloaded.unmount();
  });

  it("a change queued while the daemon is down survives a reload made right after it", async () => {
    env.api.addTask("t1", { title: "quick" });
    const storage = window.localStorage;
    storage.clear();
    // With this throttle nothing reaches storage by waiting: only the immediate write can save it.
    const first = createTestEnv({ storage, daemon: env.daemon, api: env.api, persistThrottleMs: 3_600_000 });
    const view = await mountTasks(first);
    act(() => first.stopDaemon());
    await waitFor(() => expect(view.result.current.state).toBe("reconnecting"));
    await act(async () => {
      view.result.current.update.setStatus({ id: "t1", title: "quick" }, "blocked");
      await Promise.resolve();
    });
    view.unmount();

    const second = createTestEnv({ storage, daemon: env.daemon, api: env.api });
    second.daemonDown = true;
    const reloaded = renderHook(() => useTasksView(), { wrapper: second.wrapper });
    await waitFor(() => expect(reloaded.result.current.live.pendingIds).toEqual(new Set(["t1"])));
    act(() => second.startDaemon());
    await waitFor(() => expect(env.api.tasks.get("t1")?.status).toBe("blocked"));
    reloaded.unmount();
  });
});
