/**
 * The fake daemon's MCP servers and worktrees (see testing.tsx): the lists, and the actions the
 * dashboard takes on them, answered and announced as the daemon does (`mcp.*`, `worktree.*`).
 */
import type { FakeDaemon } from "./ws/testkit";
import { TS } from "./ws/testkit";
import type { McpServer, Worktree } from "./ws/generated";

type Json = (status: number, payload: unknown) => Response;

export function mcpServer(name: string, overrides: Partial<McpServer> = {}): McpServer {
  return {
    name,
    transport: "stdio",
    state: "connected",
    tool_count: 1,
    tools: ["echo"],
    tool_details: [{ name: "echo", description: "Return the text unchanged." }],
    calls: 0,
    last_error: null,
    connected_at: TS,
    origin: "api",
    attempts: 0,
    next_attempt_at: null,
    ...overrides,
  };
}

export function worktree(id: string, overrides: Partial<Worktree> = {}): Worktree {
  return {
    id,
    project_id: "prj_a",
    task_id: null,
    branch: `tw/${id}`,
    base_branch: "main",
    path: `/data/worktrees/${id}`,
    status: "active",
    owner: null,
    created_at: TS,
    updated_at: TS,
    merged_into: null,
    merge_commit: null,
    ...overrides,
  };
}

const notFound = (json: Json, what: string) => json(404, { error: { code: "not_found", message: `no ${what}` } });
const conflict = (json: Json, message: string) => json(409, { error: { code: "conflict", message } });

export class FakeActions {
  readonly mcpServers = new Map<string, McpServer>();
  readonly worktrees = new Map<string, Worktree>();

  /** Undefined for paths that are not MCP servers' or worktrees'. */
  route(daemon: FakeDaemon, method: string, path: string, body: unknown, json: Json): Response | undefined {
    const list = (items: unknown[]) => json(200, { items, seq: daemon.head });
    if (method === "GET" && path === "/api/mcp-servers") return list([...this.mcpServers.values()]);
    if (method === "GET" && path === "/api/worktrees") return list([...this.worktrees.values()]);
    const mcp = /^\/api\/mcp-servers\/([^/]+)(\/reconnect)?$/u.exec(path);
    if (mcp !== null) return this.#mcp(daemon, method, decodeURIComponent(mcp[1] as string), mcp[2] !== undefined, json);
    const wt = /^\/api\/worktrees\/([^/]+)(?:\/(claim|release|merge))?$/u.exec(path);
    if (wt !== null) return this.#worktree(daemon, method, decodeURIComponent(wt[1] as string), wt[2], body, json);
    return undefined;
  }

  #mcp(daemon: FakeDaemon, method: string, name: string, reconnect: boolean, json: Json): Response | undefined {
    const server = this.mcpServers.get(name);
    if (server === undefined) return notFound(json, `MCP server '${name}'`);
    if (method === "POST" && reconnect) {
      const next = { ...server, state: "connecting" as const, attempts: 0, next_attempt_at: null };
      this.mcpServers.set(name, next);
      daemon.emitData("mcp.server_disconnected", { server_name: name, reason: "reconnect requested", will_retry: true });
      return json(200, next);
    }
    if (method === "DELETE" && !reconnect) {
      if (server.origin === "config") return conflict(json, `MCP server ${name} is defined in the config file; remove it there`);
      this.mcpServers.delete(name);
      daemon.emitData("mcp.server_disconnected", { server_name: name, reason: "removed", will_retry: false });
      return json(200, server);
    }
    return undefined;
  }

  #worktree(daemon: FakeDaemon, method: string, id: string, action: string | undefined, body: unknown, json: Json): Response | undefined {
    const wt = this.worktrees.get(id);
    if (wt === undefined) return notFound(json, `worktree with id '${id}'`);
    const save = (event: string, fields: Partial<Worktree>, act: string | null = null) => {
      const next = { ...wt, ...fields };
      this.worktrees.set(id, next);
      daemon.emitData(event as "worktree.updated", { worktree_id: id, project_id: next.project_id, worktree: next, action: act });
      return json(200, next);
    };
    if (method === "POST" && action === "claim") {
      if (wt.status !== "active") return conflict(json, `worktree ${id} is ${wt.status} and cannot be claimed`);
      return save("worktree.updated", { status: "claimed", owner: (body as { owner: string }).owner }, "claim");
    }
    if (method === "POST" && action === "release") {
      if (wt.status !== "claimed") return conflict(json, `worktree ${id} is ${wt.status}, not claimed`);
      return save("worktree.updated", { status: "active", owner: null }, "release");
    }
    if (method === "POST" && action === "merge") {
      if (wt.status !== "active" && wt.status !== "claimed") return conflict(json, `worktree ${id} is ${wt.status}`);
      return save("worktree.merged", { status: "merged", merged_into: wt.base_branch, merge_commit: "c0ffee" });
    }
    if (method === "DELETE" && action === undefined) {
      if (wt.status === "deleted") return conflict(json, `worktree ${id} is already deleted`);
      return save("worktree.deleted", { status: "deleted" });
    }
    return undefined;
  }
}
