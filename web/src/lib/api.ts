/**
 * REST client for the daemon's /api. Every call returns the body and the seq it
 * reflects (header X-Tidewire-Seq), which the cache uses to ignore events it
 * already has. Failures are ApiError{code, message, status}.
 */
import type {
  AgentRun,
  AutonomousLoop,
  LoopIteration,
  McpServer,
  Project,
  Session,
  SessionMessage,
  Task,
  Worktree,
} from "./ws/generated";
import { getToken } from "./token";
import type { EventPage } from "./taskHistory";

export const SEQ_HEADER = "X-Tidewire-Seq";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 0 when the request never got a response. */
    readonly status: number,
  ) {
    super(message);
  }

  /** True when the daemon could not be reached (as opposed to refusing the request). */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

export interface ApiResult<T> {
  readonly data: T;
  /** The log position the response reflects; null when the header is missing. */
  readonly seq: number | null;
}

export interface ListBody<T> {
  readonly items: T[];
  readonly seq: number;
}

export interface HealthBody {
  readonly status: string;
  readonly server_id: string;
  readonly epoch: string;
  readonly seq: number;
  readonly version: string;
}

export type TaskStatus = Task["status"];

export interface RegisterProjectInput {
  readonly path: string;
  readonly name?: string;
}

export interface CreateTaskInput {
  readonly title: string;
  readonly project_id?: string | null;
  readonly description?: string;
  readonly priority?: number;
  readonly labels?: string[];
  readonly parent_id?: string | null;
}

export interface UpdateTaskInput {
  readonly title?: string;
  readonly description?: string;
  readonly status?: TaskStatus;
  readonly priority?: number;
  readonly labels?: string[];
}

export interface ExpandTaskInput {
  readonly subtasks: { readonly title: string; readonly description?: string; readonly priority?: number }[];
}

export interface StartLoopInput {
  readonly project_id: string;
  readonly max_iterations?: number | null;
  readonly max_failures?: number | null;
}

export interface StartAgentInput {
  readonly prompt: string;
  readonly project_id?: string | null;
  readonly task_id?: string | null;
  readonly worktree_id?: string | null;
  readonly command?: string[];
}

/** A page of an agent run's kept log (`GET /api/agents/{id}/output`). */
export interface AgentOutputPage {
  readonly agent_id: string;
  readonly status: AgentRun["status"];
  readonly offset: number;
  readonly next_offset: number;
  readonly size: number;
  readonly text: string;
  readonly seq: number;
}

export interface TaskListParams {
  readonly project_id?: string;
  readonly status?: TaskStatus;
  readonly parent_id?: string;
}

type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  readonly method?: "GET" | "POST" | "PATCH" | "DELETE";
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Sent as `Idempotency-Key`: a write retried with the same key is applied once (docs/protocol.md). */
  readonly idempotencyKey?: string;
}

/** Base URL of the daemon; same origin in the app, overridable in tests. */
let baseUrl = "";
export function setApiBase(url: string): void {
  baseUrl = url.replace(/\/$/u, "");
}

export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const url = baseUrl + path + queryString(options.query);
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.idempotencyKey !== undefined) headers["Idempotency-Key"] = options.idempotencyKey;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method: options.method ?? "GET", headers, body, signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("network_error", `daemon unreachable: ${err instanceof Error ? err.message : String(err)}`, 0);
  }
  const seq = parseSeq(response.headers.get(SEQ_HEADER));
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (response.ok) throw new ApiError("invalid_response", `${path}: response is not JSON`, response.status);
    }
  }
  if (!response.ok) throw errorFrom(parsed, response);
  return { data: parsed as T, seq };
}

function errorFrom(body: unknown, response: Response): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (err && typeof err.code === "string") {
    return new ApiError(err.code, typeof err.message === "string" ? err.message : err.code, response.status);
  }
  // FastAPI's own 422 body is {"detail": [...]}; keep its first message.
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  const message = Array.isArray(detail)
    ? String((detail[0] as { msg?: unknown } | undefined)?.msg ?? response.statusText)
    : typeof detail === "string"
      ? detail
      : response.statusText || `HTTP ${response.status}`;
  return new ApiError(codeForStatus(response.status), message, response.status);
}

function codeForStatus(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 422:
      return "invalid_argument";
    default:
      return status >= 500 ? "internal" : "http_error";
  }
}

function parseSeq(value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

const enc = encodeURIComponent;

/** The daemon serves a transcript in pages (at most 5000 messages each). */
export const MESSAGE_PAGE = 1000;
/** Stops paging at this many messages, so a runaway transcript cannot hang the tab. */
export const MESSAGE_CAP = 100_000;

/**
 * A whole transcript, page after page. Messages are append-only, so pages read a
 * moment apart still join up; the result claims the first page's seq, the
 * conservative one (later events for messages already present are recognised by index).
 */
async function listAllMessages(id: string, signal?: AbortSignal): Promise<ListBody<SessionMessage>> {
  const first = await list<SessionMessage>(`/api/sessions/${enc(id)}/messages`, { limit: MESSAGE_PAGE }, signal);
  const items = [...first.items];
  let page = first.items;
  while (page.length >= MESSAGE_PAGE && items.length < MESSAGE_CAP) {
    const last = page[page.length - 1] as SessionMessage;
    const next = await list<SessionMessage>(
      `/api/sessions/${enc(id)}/messages`,
      { after_index: last.index, limit: MESSAGE_PAGE },
      signal,
    );
    page = next.items;
    items.push(...page);
  }
  return { items, seq: first.seq };
}

/** Lists come back as {items, seq}; the header wins when both are present (they agree). */
async function list<T>(path: string, query?: Query, signal?: AbortSignal): Promise<ListBody<T>> {
  const { data, seq } = await apiFetch<ListBody<T>>(path, { query, signal });
  return { items: data.items, seq: seq ?? data.seq };
}

export const api = {
  health: (signal?: AbortSignal) => apiFetch<HealthBody>("/api/health", { signal }),

  listProjects: (signal?: AbortSignal) => list<Project>("/api/projects", undefined, signal),
  registerProject: (input: RegisterProjectInput, key?: string) =>
    apiFetch<Project>("/api/projects", { method: "POST", body: input, idempotencyKey: key }),
  renameProject: (id: string, name: string, key?: string) =>
    apiFetch<Project>(`/api/projects/${enc(id)}`, { method: "PATCH", body: { name }, idempotencyKey: key }),
  removeProject: (id: string, key?: string) =>
    apiFetch<Project>(`/api/projects/${enc(id)}`, { method: "DELETE", idempotencyKey: key }),

  listTasks: (params: TaskListParams = {}, signal?: AbortSignal) =>
    list<Task>("/api/tasks", { ...params }, signal),
  getTask: (id: string) => apiFetch<Task>(`/api/tasks/${enc(id)}`),
  // Writes take an optional idempotency key (see RequestOptions).
  createTask: (input: CreateTaskInput, key?: string) =>
    apiFetch<Task>("/api/tasks", { method: "POST", body: input, idempotencyKey: key }),
  updateTask: (id: string, input: UpdateTaskInput, key?: string) =>
    apiFetch<Task>(`/api/tasks/${enc(id)}`, { method: "PATCH", body: input, idempotencyKey: key }),
  closeTask: (id: string, reason?: string, key?: string) =>
    apiFetch<Task>(`/api/tasks/${enc(id)}/close`, {
      method: "POST",
      body: reason ? { reason } : {},
      idempotencyKey: key,
    }),
  expandTask: (id: string, input: ExpandTaskInput, key?: string) =>
    apiFetch<{ task: Task; subtasks: Task[] }>(`/api/tasks/${enc(id)}/expand`, {
      method: "POST",
      body: input,
      idempotencyKey: key,
    }),

  listSessions: (signal?: AbortSignal) => list<Session>("/api/sessions", undefined, signal),
  getSession: (id: string, signal?: AbortSignal) => apiFetch<Session>(`/api/sessions/${enc(id)}`, { signal }),
  listSessionMessages: (id: string, afterIndex?: number, signal?: AbortSignal, limit = MESSAGE_PAGE) =>
    list<SessionMessage>(`/api/sessions/${enc(id)}/messages`, { after_index: afterIndex, limit }, signal),
  listAllSessionMessages: (id: string, signal?: AbortSignal) => listAllMessages(id, signal),

  listAgents: (signal?: AbortSignal) => list<AgentRun>("/api/agents", undefined, signal),
  startAgent: (input: StartAgentInput, key?: string) =>
    apiFetch<AgentRun>("/api/agents", { method: "POST", body: input, idempotencyKey: key }),
  agentOutput: (id: string, offset: number, signal?: AbortSignal) =>
    apiFetch<AgentOutputPage>(`/api/agents/${enc(id)}/output`, { query: { offset }, signal }),
  cancelAgent: (id: string, key?: string) =>
    apiFetch<AgentRun>(`/api/agents/${enc(id)}/cancel`, { method: "POST", body: {}, idempotencyKey: key }),

  listLoops: (signal?: AbortSignal) => list<AutonomousLoop>("/api/autonomous", undefined, signal),
  getLoop: (id: string, signal?: AbortSignal) => apiFetch<AutonomousLoop>(`/api/autonomous/${enc(id)}`, { signal }),
  listLoopIterations: (id: string, signal?: AbortSignal) =>
    list<LoopIteration>(`/api/autonomous/${enc(id)}/iterations`, undefined, signal),
  startLoop: (input: StartLoopInput, key?: string) =>
    apiFetch<AutonomousLoop>("/api/autonomous", { method: "POST", body: input, idempotencyKey: key }),
  stopLoop: (id: string, key?: string) =>
    apiFetch<AutonomousLoop>(`/api/autonomous/${enc(id)}/stop`, { method: "POST", body: {}, idempotencyKey: key }),

  /** The daemon's recent event log (the events it keeps in memory), every type, in seq order. */
  listEvents: (afterSeq: number, limit: number, signal?: AbortSignal) =>
    apiFetch<EventPage>("/api/events", { query: { after_seq: afterSeq, limit }, signal }),

  listMcpServers: (signal?: AbortSignal) => list<McpServer>("/api/mcp-servers", undefined, signal),
  reconnectMcpServer: (name: string, key?: string) =>
    apiFetch<McpServer>(`/api/mcp-servers/${enc(name)}/reconnect`, { method: "POST", idempotencyKey: key }),
  removeMcpServer: (name: string, key?: string) =>
    apiFetch<McpServer>(`/api/mcp-servers/${enc(name)}`, { method: "DELETE", idempotencyKey: key }),

  listWorktrees: (projectId?: string, signal?: AbortSignal) =>
    list<Worktree>("/api/worktrees", { project_id: projectId }, signal),
  claimWorktree: (id: string, owner: string, key?: string) =>
    apiFetch<Worktree>(`/api/worktrees/${enc(id)}/claim`, { method: "POST", body: { owner }, idempotencyKey: key }),
  releaseWorktree: (id: string, key?: string) =>
    apiFetch<Worktree>(`/api/worktrees/${enc(id)}/release`, { method: "POST", idempotencyKey: key }),
  mergeWorktree: (id: string, key?: string) =>
    apiFetch<Worktree>(`/api/worktrees/${enc(id)}/merge`, { method: "POST", idempotencyKey: key }),
  deleteWorktree: (id: string, force: boolean, key?: string) =>
    apiFetch<Worktree>(`/api/worktrees/${enc(id)}`, {
      method: "DELETE",
      query: force ? { force: "true" } : undefined,
      idempotencyKey: key,
    }),
};
