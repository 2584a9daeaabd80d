// What needs the user now, from data the dashboard already holds: sessions waiting for them,
// failed agent runs, failed autonomous loop iterations. Pure: no React, no storage access
// except through the small store functions below, which take the storage as an argument.
import type { AgentRun, Session } from "./ws/generated";

export type { AgentRun, Session };

export type AttentionKind = "session" | "run" | "loop";

export interface AttentionItem {
  /** Stable for as long as the item is the same thing needing the user (dismissal, notifications). */
  readonly key: string;
  readonly kind: AttentionKind;
  readonly title: string;
  readonly detail: string | null;
  readonly href: string;
  /** When it happened (RFC 3339), newest items first. */
  readonly at: string;
}

/** One failed `autonomous.iteration`, as its event says. */
export interface FailedIteration {
  readonly loopId: string;
  readonly iteration: number;
  readonly taskId: string | null;
  readonly detail: string | null;
  readonly ts: string;
}

const short = (id: string): string => id.slice(0, 8);

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function sessionItem(s: Session): AttentionItem {
  const reason = s.waiting_reason ?? null;
  return {
    // The reason is part of the key: a dismissed wait that is asked again for something else shows again.
    key: `session:${s.id}:${reason ?? ""}`,
    kind: "session",
    title: `Session ${short(s.id)} is waiting`,
    detail: reason,
    href: `/sessions/${encodeURIComponent(s.id)}`,
    at: s.updated_at,
  };
}

function runItem(r: AgentRun): AttentionItem {
  const exit = typeof r.exit_code === "number" ? ` (exit code ${r.exit_code})` : "";
  if (r.loop_id) {
    // A loop's run is named by its iteration, not by the loop's boilerplate prompt, and leads to the loop.
    return {
      key: `run:${r.id}`,
      kind: "run",
      title: `Loop ${short(r.loop_id)}: the agent run of iteration ${r.loop_iteration ?? "?"} failed${exit}`,
      detail: r.stderr_tail?.at(-1) ?? null,
      href: `/loops/${encodeURIComponent(r.loop_id)}`,
      at: r.ended_at ?? r.started_at,
    };
  }
  return {
    key: `run:${r.id}`,
    kind: "run",
    // The prompt names the run: two failed runs must not read (or be dismissed) alike.
    title: `Agent run “${clip(r.prompt, 60)}” failed${exit}`,
    detail: r.stderr_tail?.at(-1) ?? null,
    href: "/agents",
    at: r.ended_at ?? r.started_at,
  };
}

function iterationItem(f: FailedIteration): AttentionItem {
  return {
    key: `loop:${f.loopId}:${f.iteration}`,
    kind: "loop",
    title: `Loop ${short(f.loopId)}: iteration ${f.iteration} failed`,
    detail: f.detail,
    // The loop's page shows the iteration with its task, run, commits and failure reason.
    href: `/loops/${encodeURIComponent(f.loopId)}`,
    at: f.ts,
  };
}

/**
 * Everything needing the user that they have not dismissed, newest first. Waiting sessions
 * come first of all: they are blocked on the user right now.
 */
export function attentionItems(
  sessions: readonly Session[],
  runs: readonly AgentRun[],
  iterations: readonly FailedIteration[],
  dismissed: ReadonlySet<string>,
): AttentionItem[] {
  const byTime = (a: AttentionItem, b: AttentionItem): number => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);
  const waiting = sessions.filter((s) => s.status === "waiting").map(sessionItem).sort(byTime);
  const failed = [
    ...runs.filter((r) => r.status === "failed").map(runItem),
    ...iterations.map(iterationItem),
  ].sort(byTime);
  return [...waiting, ...failed].filter((item) => !dismissed.has(item.key));
}

/** An `autonomous.iteration` event's data as a failed iteration, or null when it did not fail. */
export function failedIteration(data: unknown, ts: string): FailedIteration | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.outcome !== "failed" || typeof d.loop_id !== "string" || typeof d.iteration !== "number") return null;
  return {
    loopId: d.loop_id,
    iteration: d.iteration,
    taskId: typeof d.task_id === "string" ? d.task_id : null,
    detail: typeof d.detail === "string" && d.detail ? d.detail : null,
    ts,
  };
}

/** The tab's title: the count of items first, so it shows in a narrow tab. */
export function titleText(count: number, page: string | null): string {
  const base = page ? `Tidewire — ${page}` : "Tidewire";
  return count > 0 ? `(${count}) ${base}` : base;
}

// Dismissals, remembered in localStorage so a dismissed failure stays dismissed.

export const DISMISSED_KEY = "tidewire.attention.dismissed";
export const NOTIFY_KEY = "tidewire.attention.notify";
// A bound on what is remembered: the oldest dismissals go first.
const DISMISSED_MAX = 500;

type Store = Pick<Storage, "getItem" | "setItem">;

export function browserStorage(): Store | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // storage disabled: dismissals last until the page is closed
  }
}

export function readDismissed(store: Store | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(DISMISSED_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** The dismissed keys after dismissing `keys`: the newest last, the oldest forgotten past the bound. */
export function addDismissed(previous: readonly string[], keys: readonly string[]): string[] {
  const next = [...previous.filter((k) => !keys.includes(k)), ...keys];
  return next.slice(Math.max(0, next.length - DISMISSED_MAX));
}

/**
 * Drops dismissed session waits that are over (only the ones still in `waitingKeys` stay),
 * so the next time that session waits it shows again.
 */
export function pruneDismissed(dismissed: readonly string[], waitingKeys: ReadonlySet<string>): string[] {
  return dismissed.filter((k) => !k.startsWith("session:") || waitingKeys.has(k));
}

export function writeDismissed(store: Store | undefined, keys: readonly string[]): void {
  try {
    store?.setItem(DISMISSED_KEY, JSON.stringify(keys));
  } catch {
    // full or disabled storage: the dismissal lasts for this page only
  }
}

/** Items to notify about: those not seen before (`seen` holds every key shown so far). */
export function newItems(items: readonly AttentionItem[], seen: ReadonlySet<string>): AttentionItem[] {
  return items.filter((item) => !seen.has(item.key));
}
