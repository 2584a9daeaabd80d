/**
 * Test environment for the data hooks: the real TidewireSocket, QueryClient,
 * LiveSync and providers, wired to an in-memory daemon (lib/ws/testkit.ts) and
 * a fetch handler that serves the REST API from the same state, so a REST write
 * emits the event the socket then delivers, as the real daemon does.
 */
import type { ReactNode } from "react";
import { onTestFinished, vi } from "vitest";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { Toaster } from "sonner";
import { createPersistOptions, createQueryClient, type PersistOptions } from "./queryClient";
import { TidewireSocket } from "./ws/client";
import { FakeDaemon, FakeSocket, task as makeTask, TS } from "./ws/testkit";
import type { Project, SessionMessage, Task } from "./ws/generated";
import { SEQ_HEADER } from "./api";
import { FakeActions } from "./testingActions";
import { FakeLoops } from "./testingLoops";
import { WebSocketProvider } from "../hooks/useWebSocket";
import { PersistedCacheProvider } from "../hooks/PersistedCacheProvider";

export interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export class FakeApi {
  readonly tasks = new Map<string, Task>();
  /** Registered projects, in registration order. */
  readonly projects = new Map<string, Project>();
  /** Transcripts by session id. */
  readonly messages = new Map<string, SessionMessage[]>();
  readonly calls: ApiCall[] = [];
  /** While true, every request fails as if the daemon were unreachable. */
  down = false;
  /** While true, write requests wait until release(). */
  hold = false;
  readonly #held: (() => void)[] = [];
  /** Makes the next request to a path (method + path, e.g. "PATCH /api/tasks/t1") fail with this error. */
  readonly failNext = new Map<string, { status: number; code: string; message: string }>();
  /** Bodies for GETs this fake does not model (agent runs, MCP servers, one session, ...), by path. */
  readonly fixed = new Map<string, unknown>();
  /** MCP servers and worktrees, and the actions on them (testingActions.ts). */
  readonly actions = new FakeActions();
  /** Autonomous loops, their iterations and runs (testingLoops.ts). */
  readonly loops = new FakeLoops();
  #nextId = 1;

  constructor(readonly daemon: FakeDaemon) {}

  /** Appends a message to a transcript and emits its session.message event. */
  addMessage(sessionId: string, text = "hi"): SessionMessage {
    const list = this.messages.get(sessionId) ?? [];
    const message: SessionMessage = {
      session_id: sessionId,
      index: list.length,
      role: "assistant",
      content: [{ type: "text", text }],
    };
    list.push(message);
    this.messages.set(sessionId, list);
    this.daemon.emitData("session.message", message);
    return message;
  }

  addProject(id: string, overrides: Partial<Project> = {}): Project {
    const p: Project = { id, name: id, path: `/src/${id}`, created_at: TS, ...overrides };
    this.projects.set(id, p);
    return p;
  }

  addTask(id: string, overrides: Partial<Task> = {}): Task {
    const t = makeTask(id, overrides);
    this.tasks.set(id, t);
    return t;
  }

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === "string" ? input : input.toString(), "http://daemon.test");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    this.calls.push({ method, path: url.pathname + url.search, body });
    if (this.down) throw new TypeError("fetch failed");
    if (this.hold && method !== "GET") await new Promise<void>((resolve) => this.#held.push(resolve));
    const failure = this.failNext.get(`${method} ${url.pathname}`);
    if (failure !== undefined) {
      this.failNext.delete(`${method} ${url.pathname}`);
      return this.#json(failure.status, { error: { code: failure.code, message: failure.message } });
    }
    return this.#route(method, url, body);
  };

  /** Lets held writes through (and stops holding). */
  release(): void {
    this.hold = false;
    for (const resolve of this.#held.splice(0)) resolve();
  }

  #json(status: number, payload: unknown): Response {
    return new Response(JSON.stringify(payload), {
      status,
      headers: { "Content-Type": "application/json", [SEQ_HEADER]: String(this.daemon.head) },
    });
  }

  /** `/api/projects` as the daemon serves it (a duplicate path is a 409); undefined for other paths. */
  #routeProjects(method: string, path: string, body: unknown): Response | undefined {
    if (path === "/api/projects") {
      if (method === "GET") return this.#json(200, { items: [...this.projects.values()], seq: this.daemon.head });
      if (method !== "POST") return undefined;
      const input = body as { path: string; name?: string };
      const existing = [...this.projects.values()].find((p) => p.path === input.path);
      if (existing !== undefined) {
        return this.#json(409, { error: { code: "conflict", message: `${input.path} is already registered as project ${existing.id}` } });
      }
      const id = `prj_${this.#nextId++}`;
      const created = this.addProject(id, { name: input.name ?? input.path.split("/").pop() ?? id, path: input.path });
      this.daemon.emitData("project.created", { project_id: id, project: created });
      return this.#json(201, created);
    }
    const m = /^\/api\/projects\/([^/]+)$/u.exec(path);
    if (m === null) return undefined;
    const id = decodeURIComponent(m[1] as string);
    const current = this.projects.get(id);
    if (current === undefined) return this.#json(404, { error: { code: "not_found", message: `no project with id '${id}'` } });
    if (method === "PATCH") {
      const updated = { ...current, name: (body as { name: string }).name };
      this.projects.set(id, updated);
      this.daemon.emitData("project.updated", { project_id: id, project: updated });
      return this.#json(200, updated);
    }
    if (method === "DELETE") {
      this.projects.delete(id);
      this.daemon.emitData("project.removed", { project_id: id, project: current });
      return this.#json(200, current);
    }
    return undefined;
  }

  #route(method: string, url: URL, body: unknown): Response {
    const path = url.pathname;
    const list = (items: unknown[]) => this.#json(200, { items, seq: this.daemon.head });
    if (method === "GET" && this.fixed.has(path)) return this.#json(200, this.fixed.get(path));
    if (method === "GET" && path === "/api/tasks") {
      const status = url.searchParams.get("status");
      return list([...this.tasks.values()].filter((t) => status === null || t.status === status));
    }
    const actionResponse = this.actions.route(this.daemon, method, path, body, (status, payload) => this.#json(status, payload));
    if (actionResponse !== undefined) return actionResponse;
    const loopResponse = this.loops.route(this.daemon, method, path, body, (status, payload) => this.#json(status, payload));
    if (loopResponse !== undefined) return loopResponse;
    if (method === "GET" && ["/api/sessions", "/api/agents"].includes(path)) {
      return list([]);
    }
    if (method === "GET" && path === "/api/events") {
      // The daemon's log endpoint, from the fake's own log (every type, no subscription).
      const after = Number(url.searchParams.get("after_seq") ?? "0");
      const limit = Number(url.searchParams.get("limit") ?? "100");
      const items = this.daemon.log.filter((f) => f.seq > after).slice(0, limit);
      const oldest = this.daemon.oldestSeq;
      return this.#json(200, { items, seq: this.daemon.head, epoch: this.daemon.epoch, oldest_seq: oldest });
    }
    const transcript = /^\/api\/sessions\/([^/]+)\/messages$/u.exec(path);
    if (method === "GET" && transcript !== null) {
      const after = Number(url.searchParams.get("after_index") ?? "-1");
      const limit = Number(url.searchParams.get("limit") ?? "1000");
      const all = this.messages.get(decodeURIComponent(transcript[1] as string)) ?? [];
      return list(all.filter((msg) => msg.index > after).slice(0, limit));
    }
    const projectResponse = this.#routeProjects(method, path, body);
    if (projectResponse !== undefined) return projectResponse;
    if (method === "POST" && path === "/api/tasks") {
      const input = body as { title: string; project_id?: string };
      if (input.project_id === undefined && this.projects.size > 1) {
        return this.#json(422, {
          error: { code: "invalid_argument", message: "project_id is required when more than one project is registered" },
        });
      }
      const id = `tsk_${this.#nextId++}`;
      const created = makeTask(id, { title: input.title, project_id: input.project_id ?? null });
      this.tasks.set(id, created);
      this.daemon.emitData("task.created", { task_id: id, project_id: created.project_id, task: created });
      return this.#json(201, created);
    }
    const m = /^\/api\/tasks\/([^/]+)(\/close)?$/u.exec(path);
    if (m !== null) {
      const id = decodeURIComponent(m[1] as string);
      const current = this.tasks.get(id);
      if (current === undefined) return this.#json(404, { error: { code: "not_found", message: `no task ${id}` } });
      if (method === "PATCH" || (method === "POST" && m[2] !== undefined)) {
        const changes = method === "PATCH" ? (body as Partial<Task>) : {};
        const status = method === "PATCH" ? changes.status : "closed";
        if (current.status === "closed" && status !== undefined && status !== "closed") {
          return this.#json(409, { error: { code: "conflict", message: "task is closed" } });
        }
        const fields = (["title", "description", "priority", "labels"] as const).filter((k) => changes[k] !== undefined);
        const updated: Task = {
          ...current,
          ...Object.fromEntries(fields.map((k) => [k, changes[k]])),
          ...(status === undefined ? {} : { status }),
          updated_at: TS,
        };
        this.tasks.set(id, updated);
        if (status === "closed") {
          this.daemon.emitData("task.closed", { task_id: id, project_id: updated.project_id, task: updated });
        } else {
          this.daemon.emitData("task.updated", {
            task_id: id,
            project_id: updated.project_id,
            task: updated,
            changed: [...(status === undefined ? [] : ["status"]), ...fields],
            previous: Object.fromEntries(
              [...(status === undefined ? [] : (["status"] as const)), ...fields].map((k) => [k, current[k]]),
            ),
          });
        }
        return this.#json(200, updated);
      }
    }
    return this.#json(404, { error: { code: "not_found", message: `${method} ${path}` } });
  }
}

export interface TestEnv {
  readonly daemon: FakeDaemon;
  readonly api: FakeApi;
  readonly socket: TidewireSocket;
  readonly sockets: FakeSocket[];
  readonly queryClient: QueryClient;
  /** The persister, when the env persists to a storage. */
  readonly persistOptions: PersistOptions | undefined;
  /** While true, new connection attempts are refused. */
  daemonDown: boolean;
  /** Stops the daemon: open connections drop, new ones are refused, REST fails. */
  stopDaemon(): void;
  startDaemon(): void;
  wrapper(props: { children?: ReactNode }): ReactNode;
}

export interface TestEnvOptions {
  /** Persist the cache to this storage (PersistQueryClientProvider) instead of a plain provider. */
  readonly storage?: Storage;
  /** Throttle of cache writes to `storage` (default: the app's). */
  readonly persistThrottleMs?: number;
  readonly daemon?: FakeDaemon;
  readonly api?: FakeApi;
  readonly windowMs?: number;
  /** Reconnect backoff of the client (default: a few ms, so tests reconnect at once). */
  readonly backoff?: { initialMs: number; maxMs: number; factor: number };
}

export function createTestEnv(options: TestEnvOptions = {}): TestEnv {
  const daemon = options.daemon ?? new FakeDaemon();
  const api = options.api ?? new FakeApi(daemon);
  const sockets: FakeSocket[] = [];
  const env = {} as TestEnv;
  class AutoSocket extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
      // The handshake happens on a later turn, like a real network round trip.
      setTimeout(() => {
        if (!this.attached) return;
        if (env.daemonDown) this.serverClose(1006);
        else daemon.accept(this);
      }, 0);
    }
  }
  const socket = new TidewireSocket({
    url: "ws://daemon.test/ws",
    WebSocket: AutoSocket,
    backoff: options.backoff ?? { initialMs: 5, maxMs: 20, factor: 2 },
    random: () => 0.5,
    pingIntervalMs: 3_600_000,
    logger: () => undefined,
  });
  const queryClient = createQueryClient();
  const persistOptions = options.storage === undefined ? undefined : createPersistOptions(options.storage, options.persistThrottleMs);
  Object.assign(env, {
    daemon,
    api,
    socket,
    sockets,
    queryClient,
    persistOptions,
    daemonDown: false,
    stopDaemon() {
      env.daemonDown = true;
      api.down = true;
      daemon.dropAll(1001);
    },
    startDaemon() {
      env.daemonDown = false;
      api.down = false;
      socket.reconnectNow();
    },
    wrapper({ children }: { children?: ReactNode }) {
      const inner = (
        <WebSocketProvider client={socket} liveSyncOptions={{ windowMs: options.windowMs ?? 20 }}>
          {children}
          <Toaster />
        </WebSocketProvider>
      );
      if (persistOptions === undefined) return <QueryClientProvider client={queryClient}>{inner}</QueryClientProvider>;
      return (
        <PersistedCacheProvider client={queryClient} persistOptions={persistOptions}>
          {inner}
        </PersistedCacheProvider>
      );
    },
  });
  return env;
}

/** Points the global `fetch` at the env's REST backend until the current test finishes. */
export function serveFetch(env: TestEnv): TestEnv {
  vi.stubGlobal("fetch", env.api.fetch);
  onTestFinished(() => {
    vi.unstubAllGlobals();
  });
  return env;
}
