import { act, renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { TS } from "../lib/ws/testkit";
import { useAgentsLive } from "./useAgentsLive";
import { useMCPServersLive } from "./useMCPServersLive";
import { useSessionsLive } from "./useSessionsLive";
import { useWorktreesLive } from "./useWorktreesLive";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

const agentRun = {
  id: "ag_1",
  project_id: null,
  task_id: null,
  worktree_id: null,
  prompt: "do it",
  command: ["true"],
  cwd: "/tmp",
  status: "running",
  started_at: TS,
};

const emitters: Record<string, (e: TestEnv) => void> = {
  agents: (e) =>
    e.daemon.emitData("agent.started", { agent_id: "ag_1", task_id: null, worktree_id: null, status: "running", agent: agentRun }),
  worktrees: (e) => e.daemon.emit("worktree.created"),
  mcp: (e) => e.daemon.emit("mcp.server_disconnected"),
  mcpCalls: (e) => e.daemon.emit("mcp.tool_called"),
  tasks: (e) => e.daemon.emit("task.created"),
};

interface LiveSummary {
  readonly isSuccess: boolean;
  readonly isStale: boolean;
  readonly data?: { readonly seq: number } | undefined;
}

interface Case {
  readonly name: string;
  readonly path: string;
  readonly useHook: () => LiveSummary;
  readonly patterns: string[];
  readonly own: string[];
}

const cases: Case[] = [
  { name: "useAgentsLive", path: "/api/agents", useHook: () => useAgentsLive(), patterns: ["agent.*"], own: ["agents"] },
  { name: "useWorktreesLive", path: "/api/worktrees", useHook: () => useWorktreesLive(), patterns: ["worktree.*"], own: ["worktrees"] },
  {
    name: "useMCPServersLive",
    path: "/api/mcp-servers",
    useHook: () => useMCPServersLive(),
    patterns: ["mcp.*", "mcp.tool_called"],
    own: ["mcp", "mcpCalls"],
  },
  { name: "useSessionsLive", path: "/api/sessions", useHook: () => useSessionsLive(), patterns: ["session.*", "hook.*"], own: [] },
];

describe.each(cases)("$name", ({ path, useHook, patterns, own }) => {
  it("subscribes to its events and refetches on them only", async () => {
    const { result } = renderHook(() => useHook(), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    await waitFor(() => expect(result.current.isStale).toBe(false));
    expect(env.socket.activeSubscriptions.sort()).toEqual([...patterns].sort());
    const gets = () => env.api.calls.filter((c) => c.path.startsWith(path)).length;
    for (const [family, emit] of Object.entries(emitters)) {
      const before = gets();
      const seqBefore = result.current.data?.seq ?? -1;
      act(() => emit(env));
      if (own.includes(family)) {
        await waitFor(() => expect(result.current.data?.seq).toBeGreaterThan(seqBefore));
        expect(gets()).toBe(before + 1);
      } else {
        // Others' events are not even delivered to this connection.
        expect(env.socket.lastSeq ?? 0).toBeLessThan(env.daemon.head);
        expect(gets()).toBe(before);
      }
    }
  });
});
