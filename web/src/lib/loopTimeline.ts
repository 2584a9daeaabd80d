// A loop's iterations as the dashboard shows them, from the data it already holds: the finished
// iterations the daemon keeps (`GET /api/autonomous/{id}/iterations`), the loop itself (its
// current task) and the agent runs, which name their loop and iteration. Pure: no React.
import type { AgentRun, AutonomousLoop, LoopCommit, LoopIteration } from "./ws/generated";

export type IterationOutcome = LoopIteration["outcome"] | "running";

export interface TimelineEntry {
  readonly iteration: number;
  readonly taskId: string | null;
  readonly agentId: string | null;
  readonly run: AgentRun | undefined;
  readonly outcome: IterationOutcome;
  /** Why it failed, as the daemon put it (e.g. "agent … made no commits"). */
  readonly detail: string | null;
  readonly commits: readonly LoopCommit[];
  /** When it ended, or when its run started while it is still going. */
  readonly at: string | null;
}

const shortId = (id: string): string => id.slice(0, 8);

/** The loop's iterations, first to last: the finished ones, then the one still going (if any). */
export function loopTimeline(
  loop: AutonomousLoop,
  iterations: readonly LoopIteration[],
  runs: readonly AgentRun[],
): TimelineEntry[] {
  const own = runs.filter((r) => r.loop_id === loop.id);
  const runOf = (iteration: number, agentId: string | null) =>
    own.find((r) => (agentId !== null ? r.id === agentId : r.loop_iteration === iteration));
  const entries = new Map<number, TimelineEntry>();
  for (const it of iterations) {
    if (it.loop_id !== loop.id) continue;
    entries.set(it.iteration, {
      iteration: it.iteration,
      taskId: it.task_id,
      agentId: it.agent_id ?? null,
      run: runOf(it.iteration, it.agent_id ?? null),
      outcome: it.outcome,
      detail: it.detail ?? null,
      commits: it.commits,
      at: it.ended_at,
    });
  }
  // Still going: the loop's current iteration, and any run whose outcome is not recorded yet
  // (its `autonomous.iteration` is on its way).
  const going = new Set<number>(own.flatMap((r) => (typeof r.loop_iteration === "number" ? [r.loop_iteration] : [])));
  if (loop.status !== "stopped" && loop.current_task_id && loop.iteration > 0) going.add(loop.iteration);
  for (const n of going) {
    if (entries.has(n)) continue;
    const run = runOf(n, null);
    const current = n === loop.iteration && loop.status !== "stopped";
    if (!current && run === undefined) continue;
    entries.set(n, {
      iteration: n,
      taskId: run?.task_id ?? (current ? (loop.current_task_id ?? null) : null),
      agentId: run?.id ?? null,
      run,
      outcome: "running",
      detail: null,
      commits: [],
      at: run?.started_at ?? null,
    });
  }
  return [...entries.values()].sort((a, b) => a.iteration - b.iteration);
}

/** What the Agents view shows for a run a loop started, in place of the loop's boilerplate prompt. */
export interface LoopRunInfo {
  readonly label: string;
  readonly href: string;
  /** The iteration's outcome once recorded; null while it runs or loads. */
  readonly outcome: LoopIteration["outcome"] | null;
  readonly detail: string | null;
  /**
   * The status to show: a run whose agent exited 0 but whose iteration failed (no commits,
   * a merge conflict) is not a success.
   */
  readonly status: string;
}

export function loopRunInfo(
  run: AgentRun,
  iterationsByLoop: ReadonlyMap<string, readonly LoopIteration[]>,
): LoopRunInfo | null {
  if (!run.loop_id) return null;
  const n = run.loop_iteration ?? null;
  const iteration = iterationsByLoop
    .get(run.loop_id)
    ?.find((it) => (it.agent_id ? it.agent_id === run.id : it.iteration === n));
  const outcome = iteration?.outcome ?? null;
  const failed = outcome === "failed" && run.status === "completed";
  return {
    label: `loop ${shortId(run.loop_id)}, iteration ${n ?? "?"}`,
    href: `/loops/${encodeURIComponent(run.loop_id)}`,
    outcome,
    detail: iteration?.detail ?? null,
    status: failed ? "iteration_failed" : run.status,
  };
}

/** The distinct loops a list of runs belongs to, in first-seen order. */
export function loopIdsOf(runs: readonly AgentRun[]): string[] {
  return [...new Set(runs.flatMap((r) => (r.loop_id ? [r.loop_id] : [])))];
}

/** "3 / 10" or "3" (no limit). */
export function ofLimit(count: number, limit: number | null | undefined): string {
  return typeof limit === "number" ? `${count} / ${limit}` : `${count}`;
}

/** A limit typed into a form: null for empty (the daemon's default), a number, or an error. */
export function parseLimit(text: string, name: string): { value: number | null; error: string | null } {
  const t = text.trim();
  if (t === "") return { value: null, error: null };
  if (!/^\d+$/u.test(t) || Number(t) < 1 || !Number.isSafeInteger(Number(t))) {
    return { value: null, error: `${name} must be a whole number of at least 1` };
  }
  return { value: Number(t), error: null };
}
