/**
 * What needs the user now, live (lib/attention.ts says what counts), with dismissal
 * remembered in localStorage; and optional desktop notifications for new items.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import {
  addDismissed,
  attentionItems,
  browserStorage,
  DISMISSED_KEY,
  newItems,
  NOTIFY_KEY,
  pruneDismissed,
  readDismissed,
  writeDismissed,
  type AttentionItem,
} from "../lib/attention";
import { useAgentsLive } from "./useAgentsLive";
import { useFailedIterations } from "./useFailedIterations";
import { useSessionsLive } from "./useSessionsLive";

export interface Attention {
  readonly items: readonly AttentionItem[];
  /** False until sessions and runs have loaded (or failed to): nothing is known to need the user yet. */
  readonly ready: boolean;
  readonly dismiss: (keys: readonly string[]) => void;
}

const NONE = new Set<string>();

export function useAttention(): Attention {
  const sessions = useSessionsLive();
  const agents = useAgentsLive();
  const iterations = useFailedIterations();
  const [dismissed, setDismissed] = useState<readonly string[]>(() => readDismissed(browserStorage()));

  const sessionList = sessions.data?.items;
  const waitingKeys = useMemo(
    () => new Set(attentionItems(sessionList ?? [], [], [], NONE).map((i) => i.key)),
    [sessionList],
  );
  // A dismissed wait that is over is forgotten, so the session's next wait shows again.
  // Adjusted while rendering, when the session list changes (React's pattern for state
  // derived from changing data), not in an effect that would render twice.
  const [prunedFor, setPrunedFor] = useState<unknown>(null);
  if (sessionList !== prunedFor) {
    setPrunedFor(sessionList);
    if (sessionList !== undefined) {
      const pruned = pruneDismissed(dismissed, waitingKeys);
      if (pruned.length !== dismissed.length) setDismissed(pruned);
    }
  }
  useEffect(() => writeDismissed(browserStorage(), dismissed), [dismissed]);
  // Dismissed in another tab of the dashboard: gone here too.
  useEffect(() => {
    const onStorage = (e: StorageEvent): void => {
      if (e.key === DISMISSED_KEY) setDismissed(readDismissed(browserStorage()));
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);

  const dismissedSet = useMemo(() => new Set(dismissed), [dismissed]);
  const items = useMemo(
    () => attentionItems(sessions.sessions, agents.agents, iterations, dismissedSet),
    [sessions.sessions, agents.agents, iterations, dismissedSet],
  );
  const dismiss = useCallback((keys: readonly string[]) => {
    setDismissed((prev) => addDismissed(prev, keys));
  }, []);
  const ready = !sessions.isPending && !agents.isPending;
  return { items, ready, dismiss };
}

// Desktop notifications: the user's choice (off unless turned on) in localStorage, shared
// by every component that shows the control.

export type NotifyState = "unsupported" | "denied" | "off" | "on";

const listeners = new Set<() => void>();

function notificationApi(): typeof Notification | undefined {
  return typeof globalThis.Notification === "function" ? globalThis.Notification : undefined;
}

function readNotifyState(): NotifyState {
  const api = notificationApi();
  if (api === undefined) return "unsupported";
  if (api.permission === "denied") return "denied";
  let on = false;
  try {
    on = browserStorage()?.getItem(NOTIFY_KEY) === "on";
  } catch {
    on = false;
  }
  return on && api.permission === "granted" ? "on" : "off";
}

function setNotifyPreference(on: boolean): void {
  try {
    browserStorage()?.setItem(NOTIFY_KEY, on ? "on" : "off");
  } catch {
    // disabled storage: the choice lasts until the page is closed
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface NotifySetting {
  readonly state: NotifyState;
  /** Asks the browser's permission (only if it was never answered), then turns notifications on. */
  readonly enable: () => Promise<void>;
  readonly disable: () => void;
}

export function useNotifySetting(): NotifySetting {
  const state = useSyncExternalStore(subscribe, readNotifyState, readNotifyState);
  const enable = useCallback(async () => {
    const api = notificationApi();
    if (api === undefined) return;
    const permission = api.permission === "default" ? await api.requestPermission() : api.permission;
    setNotifyPreference(permission === "granted");
  }, []);
  const disable = useCallback(() => setNotifyPreference(false), []);
  return { state, enable, disable };
}

/**
 * One desktop notification per item that appears after the page has loaded its data (items
 * already there at load are what the user sees on opening the page). Clicking it focuses
 * the page and opens the item.
 */
export function useDesktopNotifications(
  attention: Attention,
  state: NotifyState,
  open: (href: string) => void,
): void {
  const seen = useRef<Set<string> | null>(null);
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  });
  useEffect(() => {
    if (!attention.ready) return;
    if (seen.current === null) {
      seen.current = new Set(attention.items.map((i) => i.key));
      return;
    }
    const fresh = newItems(attention.items, seen.current);
    for (const item of fresh) seen.current.add(item.key);
    const api = notificationApi();
    if (state !== "on" || api === undefined) return;
    for (const item of fresh) {
      const n = new api(item.title, { body: item.detail ?? undefined, tag: item.key });
      n.onclick = () => {
        window.focus();
        openRef.current(item.href);
        n.close();
      };
    }
  }, [attention.items, attention.ready, state]);
}
