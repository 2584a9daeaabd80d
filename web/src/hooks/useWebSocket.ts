/**
 * WebSocketProvider owns the app's single TidewireSocket and the LiveSync that
 * turns its events into cache work; useWebSocket exposes the connection to views.
 *
 * Must be rendered inside a QueryClientProvider (or PersistQueryClientProvider).
 */
import {
  createElement,
  useCallback,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";
import { onlineManager, useQueryClient } from "@tanstack/react-query";
import { LiveSync, type LiveSyncOptions } from "../lib/liveSync";
import { appendSessionMessage } from "../lib/sessionMessages";
import { registerProjectPatches } from "../lib/projectEvents";
import { registerTaskPatches } from "../lib/taskEvents";
import { socketUrl } from "../lib/token";
import { TidewireSocket } from "../lib/ws/client";
import type { ConnectionSnapshot, ConnectionState, TidewireSocketOptions } from "../lib/ws/types";
import { DataContext, useDataContext } from "./context";
import { useEventHandler } from "./useEventHandler";

export interface WebSocketProviderProps {
  readonly children?: ReactNode;
  /** Use this client instead of creating one (tests, or an app that shares it). */
  readonly client?: TidewireSocket;
  /** Options for the client created here; `url` defaults to this page's /ws. */
  readonly options?: Partial<TidewireSocketOptions>;
  readonly liveSyncOptions?: LiveSyncOptions;
  /** Start connecting on mount (default true). */
  readonly autoStart?: boolean;
}

export function WebSocketProvider({
  children,
  client,
  options,
  liveSyncOptions,
  autoStart = true,
}: WebSocketProviderProps): ReactNode {
  const queryClient = useQueryClient();
  // Created once per provider: options are read at mount only, like a constructor.
  const [socket] = useState(() => {
    const created = client ?? new TidewireSocket({ url: () => socketUrl(), ...options });
    // React Query must be offline before any child renders: a query that fetches during render
    // (suspense, prefetch) or in an effect ahead of Bindings' would otherwise hit a daemon that is
    // not there and fail and retry instead of pausing. Bindings then keeps it following the socket.
    onlineManager.setOnline(created.state === "connected");
    return created;
  });
  const [liveSync] = useState(() => {
    // Attached in an effect below: React may call this initializer twice and drop one result.
    const sync = new LiveSync(queryClient, { ...liveSyncOptions, attach: false });
    sync.registerPatcher("session.message", appendSessionMessage);
    registerTaskPatches(sync);
    registerProjectPatches(sync);
    return sync;
  });

  useEffect(() => {
    if (!autoStart) return undefined;
    socket.start();
    return () => socket.stop();
  }, [socket, autoStart]);

  useEffect(() => {
    // The backoff may have grown long while the laptop slept or the network was gone; when the
    // browser says it is back (or the tab is looked at again), try at once instead of waiting.
    const retry = () => {
      if (socket.state === "reconnecting" && document.visibilityState === "visible") socket.reconnectNow();
    };
    window.addEventListener("online", retry);
    document.addEventListener("visibilitychange", retry);
    return () => {
      window.removeEventListener("online", retry);
      document.removeEventListener("visibilitychange", retry);
    };
  }, [socket]);

  const value = useMemo(() => ({ socket, liveSync }), [socket, liveSync]);
  // Bindings comes before the children: effects of earlier siblings run first, so the cache
  // wiring is in place when the children's queries mount.
  return createElement(DataContext.Provider, { value }, createElement(Bindings), children);
}

/** The provider's wiring, mounted ahead of the children. */
function Bindings(): null {
  const { socket, liveSync } = useDataContext();
  useEffect(() => {
    liveSync.attach();
    return () => liveSync.dispose();
  }, [liveSync]);
  useEventHandler();
  useEffect(() => {
    // React Query's idea of "online" is the daemon socket, not navigator.onLine: queries and
    // mutations pause while it is down and resume (in order) when it is back.
    onlineManager.setEventListener((setOnline) => {
      setOnline(socket.state === "connected");
      return socket.on("state", (state) => setOnline(state === "connected"));
    });
    return () => {
      onlineManager.setEventListener((setOnline) => {
        setOnline(true);
        return undefined;
      });
    };
  }, [socket]);
  return null;
}

/** Snapshot updates are delivered at most this often, except state changes, which are immediate. */
const SNAPSHOT_THROTTLE_MS = 200;

/**
 * The connection snapshot, re-rendering at most every 200 ms while events stream
 * in (lastSeq changes with every event) but at once when the state changes.
 */
export function useConnectionSnapshot(): ConnectionSnapshot {
  const { socket } = useDataContext();
  const subscribe = useMemo(() => throttledSubscribe(socket), [socket]);
  return useSyncExternalStore(subscribe, socket.getSnapshot, socket.getSnapshot);
}

/** Only the state: re-renders on state changes only (for headers and badges). */
export function useConnectionState(): ConnectionState {
  const { socket } = useDataContext();
  const subscribe = useCallback((listener: () => void) => socket.on("state", () => listener()), [socket]);
  const get = useCallback(() => socket.state, [socket]);
  return useSyncExternalStore(subscribe, get, get);
}

/** The connection snapshot plus what a view can do with the connection. */
export interface UseWebSocketResult extends ConnectionSnapshot {
  /** Adds a reference to each pattern; the first reference subscribes on the socket. */
  readonly subscribe: (events: readonly string[]) => void;
  /** Drops a reference; the last one unsubscribes on the socket. */
  readonly unsubscribe: (events: readonly string[]) => void;
  /** Skip the backoff wait and try now. */
  readonly reconnect: () => void;
  readonly client: TidewireSocket;
}

export function useWebSocket(): UseWebSocketResult {
  const { socket } = useDataContext();
  const snapshot = useConnectionSnapshot();
  const subscribe = useCallback((events: readonly string[]) => socket.subscribe(events), [socket]);
  const unsubscribe = useCallback((events: readonly string[]) => socket.unsubscribe(events), [socket]);
  const reconnect = useCallback(() => socket.reconnectNow(), [socket]);
  return { ...snapshot, subscribe, unsubscribe, reconnect, client: socket };
}

/**
 * Holds a reference on `events` while the component is mounted. The list is
 * compared by value, so an inline array literal does not resubscribe every render.
 */
export function useSubscription(events: readonly string[], enabled = true): void {
  const { socket } = useDataContext();
  const key = enabled ? JSON.stringify(events) : "[]";
  useEffect(() => {
    const names = JSON.parse(key) as string[];
    if (names.length === 0) return undefined;
    socket.subscribe(names);
    return () => socket.unsubscribe(names);
  }, [socket, key]);
}

function throttledSubscribe(socket: TidewireSocket): (listener: () => void) => () => void {
  return (listener) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastState = socket.state;
    const off = socket.subscribeSnapshot(() => {
      if (socket.state !== lastState) {
        lastState = socket.state;
        if (timer !== null) clearTimeout(timer);
        timer = null;
        listener();
        return;
      }
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        listener();
      }, SNAPSHOT_THROTTLE_MS);
    });
    return () => {
      off();
      if (timer !== null) clearTimeout(timer);
    };
  };
}
