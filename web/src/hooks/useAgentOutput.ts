/**
 * useAgentOutput(agentId, running): an agent run's output, the kept log read over REST and then
 * followed live through `agent.output:agent_id=ID` (high volume: only that exact pattern gets it).
 *
 * The subscription is taken first and the log read after; chunks that arrive meanwhile wait and
 * are then put in by offset (lib/agentOutput/buffer.ts): a repeat is dropped, a gap (a chunk
 * missed while the socket was away) reads the log again from where the text ends. When the run
 * ends, when the subscription is confirmed, or when the socket comes back, the log is read once
 * more from there, so its last bytes are there even if their events never reached this page.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "../lib/api";
import { applyPiece, EMPTY, type OutputBuffer, type OutputPiece } from "../lib/agentOutput/buffer";
import type { AgentOutputData } from "../lib/ws/generated";
import { useDataContext } from "./context";
import { useEvents } from "./useEvents";

export interface AgentOutput {
  readonly buffer: OutputBuffer;
  /** The first read of the log has finished. */
  readonly loaded: boolean;
  readonly error: string | null;
}

const MAX_PAGES_PER_READ = 64;

export function useAgentOutput(agentId: string, running: boolean): AgentOutput {
  const { socket } = useDataContext();
  const [state, setState] = useState<AgentOutput>({ buffer: EMPTY, loaded: false, error: null });
  const bufferRef = useRef<OutputBuffer>(EMPTY);
  const pending = useRef<OutputPiece[]>([]);
  const reading = useRef(false);
  const again = useRef(false);
  const loadedRef = useRef(false);

  const publish = useCallback((error: string | null = null) => {
    setState({ buffer: bufferRef.current, loaded: loadedRef.current, error });
  }, []);

  const put = useCallback((piece: OutputPiece): boolean => {
    const [next, applied] = applyPiece(bufferRef.current, piece);
    bufferRef.current = next;
    return applied !== "gap";
  }, []);

  const read = useCallback(async (): Promise<void> => {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    try {
      do {
        again.current = false;
        for (let i = 0; i < MAX_PAGES_PER_READ; i++) {
          const { data } = await api.agentOutput(agentId, bufferRef.current.next);
          if (data.offset === bufferRef.current.next && data.next_offset > data.offset) {
            put({ offset: data.offset, size: data.next_offset - data.offset, text: data.text });
          }
          if (data.next_offset >= data.size || data.next_offset === data.offset) break;
        }
        loadedRef.current = true;
        const waiting = pending.current;
        pending.current = [];
        if (!waiting.every(put)) again.current = true;
        publish();
      } while (again.current);
    } catch (err) {
      loadedRef.current = true;
      publish(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      reading.current = false;
    }
  }, [agentId, put, publish]);

  const pattern = `agent.output:agent_id=${agentId}`;
  useEvents([pattern], (event) => {
    const data = event.data as AgentOutputData;
    const piece = { offset: data.offset, size: data.size, text: data.text };
    if (!loadedRef.current || reading.current) {
      pending.current.push(piece);
      return;
    }
    if (put(piece)) publish();
    else void read();
  });

  useEffect(() => {
    bufferRef.current = EMPTY;
    pending.current = [];
    loadedRef.current = false;
    // A turn later, so the subscription above is on its way before the log is read.
    const timer = setTimeout(() => void read(), 0);
    return () => clearTimeout(timer);
  }, [agentId, read]);

  // The run ended: what it printed last is in the log whatever reached the socket.
  useEffect(() => {
    if (!running && loadedRef.current) void read();
  }, [running, read]);

  // The subscription took effect: a chunk committed after the log was read but before then
  // never comes as an event, so read the log once more from where the text ends.
  useEffect(
    () =>
      socket.on("subscribed", ({ events }) => {
        if (events.includes(pattern)) void read();
      }),
    [socket, read, pattern],
  );

  useEffect(
    () =>
      socket.on("state", (s) => {
        if (s === "connected" && loadedRef.current) void read();
      }),
    [socket, read],
  );

  return state;
}
