import { act, renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { MESSAGE_PAGE } from "../lib/api";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { useSessionMessagesLive } from "./useSessionsLive";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

const transcriptGets = () => env.api.calls.filter((c) => c.path.includes("/messages")).length;

describe("useSessionMessagesLive", () => {
  it("streams new messages into the transcript without refetching it", async () => {
    env.api.addMessage("s1", "first");
    const { result } = renderHook(() => useSessionMessagesLive("s1"), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.messages).toHaveLength(1));
    await waitFor(() => expect(env.socket.activeSubscriptions).toEqual(["session.message:session_id=s1"]));
    await waitFor(() => expect(result.current.isStale).toBe(false));
    const gets = transcriptGets();
    act(() => {
      env.api.addMessage("s2", "other session");
      for (let i = 0; i < 20; i += 1) env.api.addMessage("s1", `m${i}`);
    });
    await waitFor(() => expect(result.current.messages).toHaveLength(21));
    expect(result.current.messages.map((m) => m.index)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(transcriptGets()).toBe(gets);
  });

  it("a gap in the indices makes it refetch the transcript", async () => {
    env.api.addMessage("s1");
    const { result } = renderHook(() => useSessionMessagesLive("s1"), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.messages).toHaveLength(1));
    await waitFor(() => expect(env.socket.activeSubscriptions).toHaveLength(1));
    const gets = transcriptGets();
    act(() => {
      // Index 1 is stored but its event never reaches this client; index 2's does.
      env.daemon.autoDeliver = false;
      env.api.addMessage("s1", "lost");
      env.daemon.connections[0]?.outbox.splice(0);
      env.daemon.autoDeliver = true;
      env.api.addMessage("s1", "seen");
    });
    await waitFor(() => expect(result.current.messages.map((m) => m.index)).toEqual([0, 1, 2]));
    expect(transcriptGets()).toBeGreaterThan(gets);
  });

  it("loads a transcript longer than one page", async () => {
    env.daemon.autoDeliver = false;
    for (let i = 0; i < MESSAGE_PAGE + 5; i += 1) env.api.addMessage("s1", `m${i}`);
    env.daemon.autoDeliver = true;
    const { result } = renderHook(() => useSessionMessagesLive("s1"), { wrapper: env.wrapper });
    await waitFor(() => expect(result.current.messages).toHaveLength(MESSAGE_PAGE + 5));
    expect(result.current.messages.at(-1)?.index).toBe(MESSAGE_PAGE + 4);
  });
});
