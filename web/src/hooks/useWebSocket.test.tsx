import { StrictMode, Suspense, type ReactNode } from "react";
import { act, render, renderHook, waitFor } from "@testing-library/react";
import { onlineManager, useSuspenseQuery } from "@tanstack/react-query";
import { beforeEach, describe, expect, it } from "vitest";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { useConnectionState, useSubscription, useWebSocket } from "./useWebSocket";
import { useEvents } from "./useEvents";
import { useTasksLive } from "./useTasksLive";
import type { EventFrame } from "../lib/ws/types";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

function subscribeFrames(): { type: string; events: string[] }[] {
  return env.sockets.flatMap((s) =>
    s.sent.filter((f) => f.type === "subscribe" || f.type === "unsubscribe").map((f) => ({
      type: f.type,
      events: "events" in f ? f.events : [],
    })),
  );
}

describe("useWebSocket", () => {
  it("exposes the connection and follows its state", async () => {
    const { result } = renderHook(() => useWebSocket(), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.state).toBe("connected"));
    expect(result.current.epoch).toBe("ep_1");
    expect(result.current.client).toBe(env.socket);
    expect(result.current.log.some((e) => e.kind === "welcome")).toBe(true);
    act(() => env.stopDaemon());
    await waitFor(() => expect(result.current.state).toBe("reconnecting"));
    act(() => env.startDaemon());
    await waitFor(() => expect(result.current.state).toBe("connected"));
  });

  it("React Query's online state follows the daemon socket, not navigator.onLine", async () => {
    const { result } = renderHook(() => useConnectionState(), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current).toBe("connected"));
    expect(onlineManager.isOnline()).toBe(true);
    act(() => env.stopDaemon());
    await waitFor(() => expect(result.current).toBe("reconnecting"));
    expect(onlineManager.isOnline()).toBe(false);
    expect(navigator.onLine).toBe(true);
    act(() => env.startDaemon());
    await waitFor(() => expect(onlineManager.isOnline()).toBe(true));
  });

  it("reference-counts subscriptions across components and re-sends the set after a reconnect", async () => {
    function Sub({ names }: { names: string[] }) {
      useSubscription(names);
      return null;
    }
    const { result } = renderHook(() => useWebSocket(), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.state).toBe("connected"));
    const view = render(
      <>
        <Sub names={["task.*"]} />
        <Sub names={["task.*", "agent.*"]} />
      </>,
      { wrapper: env.wrapper },
    );
    await waitFor(() => expect(env.socket.activeSubscriptions.sort()).toEqual(["agent.*", "task.*"]));
    view.rerender(
      <>
        <Sub names={["task.*"]} />
      </>,
    );
    await waitFor(() => expect(env.socket.activeSubscriptions).toEqual(["task.*"]));
    expect(subscribeFrames()).toEqual([
      { type: "subscribe", events: ["task.*"] },
      { type: "subscribe", events: ["agent.*"] },
      { type: "unsubscribe", events: ["agent.*"] },
    ]);
    act(() => env.stopDaemon());
    act(() => env.startDaemon());
    await waitFor(() => expect(env.sockets.length).toBeGreaterThan(1));
    await waitFor(() => expect(result.current.state).toBe("connected"));
    const last = env.sockets[env.sockets.length - 1];
    expect(last?.sent.map((f) => f.type)).toEqual(["resume", "subscribe"]);
    expect(last?.sent[1]).toMatchObject({ events: ["task.*"] });
    view.unmount();
    await waitFor(() => expect(env.socket.activeSubscriptions).toEqual([]));
  });
});

describe("reconnect hints", () => {
  it("the browser coming back online skips the remaining backoff", async () => {
    env = serveFetch(createTestEnv({ backoff: { initialMs: 600_000, maxMs: 600_000, factor: 2 } }));
    const { result } = renderHook(() => useConnectionState(), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current).toBe("connected"));
    act(() => env.stopDaemon());
    await waitFor(() => expect(result.current).toBe("reconnecting"));
    // Let the daemon come back without the test env's own reconnect nudge.
    env.daemonDown = false;
    env.api.down = false;
    const sockets = env.sockets.length;
    act(() => {
      window.dispatchEvent(new Event("online"));
    });
    await waitFor(() => expect(result.current).toBe("connected"));
    expect(env.sockets.length).toBeGreaterThan(sockets);
  });
});

describe("useEvents", () => {
  it("calls back for matching events only, each once, with the latest callback", async () => {
    const seen: string[] = [];
    const { result, rerender } = renderHook(
      ({ tag }: { tag: string }) => {
        useEvents(["task.*"], (e: EventFrame) => seen.push(`${tag}:${e.type}:${e.seq}`));
        return useConnectionState();
      },
      { wrapper: env.wrapper, initialProps: { tag: "a" } },
    );
    await waitFor(() => expect(result.current).toBe("connected"));
    await waitFor(() => expect(env.socket.activeSubscriptions).toEqual(["task.*"]));
    act(() => {
      env.daemon.emit("task.created");
      env.daemon.emit("worktree.created");
    });
    rerender({ tag: "b" });
    act(() => {
      env.daemon.emit("task.closed");
      env.daemon.emit("mcp.tool_called");
    });
    expect(seen).toEqual(["a:task.created:1", "b:task.closed:3"]);
  });

  it("matches filtered high-volume subscriptions by field", async () => {
    const seen: number[] = [];
    const { result } = renderHook(
      () => {
        useEvents(["session.message:session_id=s1"], (e) => seen.push(e.seq));
        return useConnectionState();
      },
      { wrapper: env.wrapper },
    );
    await waitFor(() => expect(result.current).toBe("connected"));
    await waitFor(() => expect(env.socket.activeSubscriptions).toHaveLength(1));
    act(() => {
      env.daemon.emit("session.message", { id: "s1", index: 0 });
      env.daemon.emit("session.message", { id: "s2", index: 0 });
      env.daemon.emit("session.message", { id: "s1", index: 1 });
    });
    expect(seen).toEqual([1, 3]);
  });
});

describe("cold load with the daemon down", () => {
  it("queries pause from the first render instead of failing and retrying", async () => {
    // A fresh page: React Query still believes navigator.onLine, and there is no cache.
    onlineManager.setOnline(true);
    window.localStorage.clear();
    env = serveFetch(createTestEnv({ storage: window.localStorage }));
    env.daemonDown = true;
    env.api.down = true;
    const { result } = renderHook(
      () => ({ state: useConnectionState(), tasks: useTasksLive() }),
      { wrapper: ({ children }: { children?: ReactNode }) => <StrictMode>{env.wrapper({ children })}</StrictMode> },
    );
    await waitFor(() => expect(result.current.state).toBe("reconnecting"));
    await waitFor(() => expect(env.sockets.length).toBeGreaterThan(2));
    expect(result.current.tasks.fetchStatus).toBe("paused");
    expect(result.current.tasks.failureCount).toBe(0);
    expect(env.api.calls.filter((c) => c.path.startsWith("/api/tasks"))).toEqual([]);

    act(() => env.startDaemon());
    await waitFor(() => expect(result.current.tasks.isSuccess).toBe(true));
    expect(env.api.calls.filter((c) => c.path.startsWith("/api/tasks"))).toHaveLength(1);
  });

  it("React Query is offline before any child renders, so a query fetched while rendering pauses too", async () => {
    onlineManager.setOnline(true);
    env.daemonDown = true;
    env.api.down = true;
    // useSuspenseQuery starts its fetch during render, ahead of every effect.
    function Suspended() {
      useSuspenseQuery({ queryKey: ["health"], queryFn: () => fetch("/api/health").then((r) => r.json()) });
      return <p>loaded</p>;
    }
    const view = render(
      <Suspense fallback={<p>waiting</p>}>
        <Suspended />
      </Suspense>,
      { wrapper: env.wrapper },
    );
    await waitFor(() => expect(env.socket.state).toBe("reconnecting"));
    await waitFor(() => expect(env.sockets.length).toBeGreaterThan(2));
    expect(view.getByText("waiting")).toBeTruthy();
    expect(env.api.calls).toEqual([]);
    act(() => env.startDaemon());
    await waitFor(() => expect(env.api.calls).toHaveLength(1));
    view.unmount();
  });
});

