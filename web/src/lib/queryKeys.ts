/**
 * Query keys, one family per entity. The first element is the family: event
 * handling invalidates by family prefix, so every key of an entity starts with it.
 */
import type { QueryKey } from "@tanstack/react-query";
import type { TaskListParams } from "./api";

export const FAMILIES = [
  "tasks",
  "sessions",
  "session-messages",
  "agents",
  "mcp-servers",
  "worktrees",
  "autonomous",
  "projects",
] as const;
export type Family = (typeof FAMILIES)[number];

export const queryKeys = {
  tasks: {
    all: ["tasks"] as const,
    list: (params: TaskListParams = {}) => ["tasks", "list", normalise(params)] as const,
  },
  sessions: {
    all: ["sessions"] as const,
    list: () => ["sessions", "list"] as const,
    detail: (id: string) => ["sessions", "detail", id] as const,
  },
  sessionMessages: {
    all: ["session-messages"] as const,
    list: (sessionId: string) => ["session-messages", sessionId] as const,
  },
  agents: {
    all: ["agents"] as const,
    list: () => ["agents", "list"] as const,
  },
  mcpServers: {
    all: ["mcp-servers"] as const,
    list: () => ["mcp-servers", "list"] as const,
  },
  worktrees: {
    all: ["worktrees"] as const,
    list: (projectId?: string) => ["worktrees", "list", projectId ?? null] as const,
  },
  loops: {
    all: ["autonomous"] as const,
    list: () => ["autonomous", "list"] as const,
    detail: (id: string) => ["autonomous", "detail", id] as const,
    iterations: (id: string) => ["autonomous", "iterations", id] as const,
  },
  projects: {
    all: ["projects"] as const,
    list: () => ["projects", "list"] as const,
  },
  health: ["health"] as const,
} as const;

/** Drops undefined fields so `{}` and `{status: undefined}` share one cache entry. */
function normalise(params: TaskListParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") out[k] = String(v);
  return out;
}

/** The cache key prefixes an event makes out of date; empty for events that touch no cached list. */
export function keysForEvent(type: string, data: unknown): QueryKey[] {
  const prefix = type.slice(0, type.indexOf("."));
  switch (prefix) {
    case "task":
      return [queryKeys.tasks.all];
    case "worktree":
      return [queryKeys.worktrees.all];
    case "agent":
      return [queryKeys.agents.all];
    case "mcp":
      return [queryKeys.mcpServers.all];
    case "autonomous":
      return [queryKeys.loops.all];
    case "project":
      return [queryKeys.projects.all];
    case "hook":
      // Hooks move a session's status, last hook and tool count.
      return [queryKeys.sessions.all];
    case "session": {
      if (type === "session.message") {
        const sessionId = (data as { session_id?: unknown } | null)?.session_id;
        return typeof sessionId === "string"
          ? [queryKeys.sessionMessages.list(sessionId), queryKeys.sessions.all]
          : [queryKeys.sessionMessages.all, queryKeys.sessions.all];
      }
      return [queryKeys.sessions.all];
    }
    default:
      return [];
  }
}

/** The subscription patterns that keep a family's queries live. */
export const FAMILY_PATTERNS: Record<Exclude<Family, "session-messages">, readonly string[]> = {
  tasks: ["task.*"],
  sessions: ["session.*", "hook.*"],
  agents: ["agent.*"],
  "mcp-servers": ["mcp.*", "mcp.tool_called"],
  worktrees: ["worktree.*"],
  autonomous: ["autonomous.*"],
  projects: ["project.*"],
};
