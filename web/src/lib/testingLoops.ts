/**
 * The fake daemon's autonomous loops (see testing.tsx): the loops, their finished iterations and
 * the agent runs they start, answered and announced as the daemon does (`autonomous.*`, `agent.*`).
 */
import type { FakeDaemon } from "./ws/testkit";
import { TS } from "./ws/testkit";
import type { AgentRun, AutonomousLoop, LoopCommit, LoopIteration } from "./ws/generated";

type Json = (status: number, payload: unknown) => Response;

export function loop(id: string, overrides: Partial<AutonomousLoop> = {}): AutonomousLoop {
  return {
    id,
    project_id: "prj_a",
    status: "running",
    iteration: 0,
    max_iterations: null,
    max_failures: 3,
    failures: 0,
    current_task_id: null,
    started_at: TS,
    stopped_at: null,
    stop_reason: null,
    ...overrides,
  };
}

export function agentRun(id: string, overrides: Partial<AgentRun> = {}): AgentRun {
  return {
    id,
    project_id: "prj_a",
    task_id: null,
    worktree_id: null,
    prompt: "Do the thing\n\nYou are working on task tsk_1 in a git worktree of its own.",
    command: ["agent"],
    cwd: "/data/worktrees/x",
    status: "running",
    pid: 1,
    exit_code: null,
    started_at: TS,
    ended_at: null,
    duration_ms: null,
    stderr_tail: [],
    loop_id: null,
    loop_iteration: null,
    ...overrides,
  };
}

const error = (json: Json, status: number, code: string, message: string) => json(status, { error: { code, message } });

export class FakeLoops {
  readonly loops = new Map<string, AutonomousLoop>();
  readonly iterations = new Map<string, LoopIteration[]>();
  readonly runs = new Map<string, AgentRun>();
  #next = 1;

  /** Undefined for paths that are not loops' (or agent runs' list, which this fake serves). */
  route(daemon: FakeDaemon, method: string, path: string, body: unknown, json: Json): Response | undefined {
    const list = (items: unknown[]) => json(200, { items, seq: daemon.head });
    if (method === "GET" && path === "/api/agents" && this.runs.size > 0) return list([...this.runs.values()]);
    if (path === "/api/autonomous") {
      if (method === "GET") return list([...this.loops.values()]);
      if (method !== "POST") return undefined;
      const input = body as { project_id: string; max_iterations?: number; max_failures?: number };
      const live = [...this.loops.values()].find((l) => l.project_id === input.project_id && l.status !== "stopped");
      if (live !== undefined) return error(json, 409, "conflict", `project ${input.project_id} already has a running loop (${live.id})`);
      const created = loop(`aut_${this.#next++}`, {
        project_id: input.project_id,
        max_iterations: input.max_iterations ?? null,
        max_failures: input.max_failures ?? 3,
      });
      this.loops.set(created.id, created);
      this.#announce(daemon, "autonomous.started", created, {});
      return json(201, created);
    }
    const m = /^\/api\/autonomous\/([^/]+)(?:\/(iterations|stop))?$/u.exec(path);
    if (m === null) return undefined;
    const id = decodeURIComponent(m[1] as string);
    const current = this.loops.get(id);
    if (current === undefined) return error(json, 404, "not_found", `no autonomous loop '${id}'`);
    if (method === "GET" && m[2] === undefined) return json(200, current);
    if (method === "GET" && m[2] === "iterations") return list(this.iterations.get(id) ?? []);
    if (method === "POST" && m[2] === "stop") {
      if (current.status === "stopped") return error(json, 409, "conflict", `autonomous loop ${id} is stopped`);
      const stopped = this.stop(daemon, id, "stop_requested");
      return json(200, stopped);
    }
    return undefined;
  }

  /** The loop takes a task: its run starts (`agent.started`). */
  begin(daemon: FakeDaemon, loopId: string, taskId: string): AgentRun {
    const l = this.loops.get(loopId) as AutonomousLoop;
    const next = { ...l, iteration: l.iteration + 1, current_task_id: taskId };
    this.loops.set(loopId, next);
    const run = agentRun(`agt_${loopId}_${next.iteration}`, { task_id: taskId, loop_id: loopId, loop_iteration: next.iteration });
    this.runs.set(run.id, run);
    daemon.emitData("agent.started", { agent_id: run.id, task_id: taskId, worktree_id: null, project_id: run.project_id, status: "running", agent: run });
    return run;
  }

  /** The iteration ends: its run ends (exit 0 unless `exitCode`), then `autonomous.iteration`. */
  finish(
    daemon: FakeDaemon,
    loopId: string,
    outcome: LoopIteration["outcome"],
    options: { detail?: string; commits?: LoopCommit[]; exitCode?: number } = {},
  ): LoopIteration {
    const l = this.loops.get(loopId) as AutonomousLoop;
    const run = [...this.runs.values()].find((r) => r.loop_id === loopId && r.loop_iteration === l.iteration) as AgentRun;
    const code = options.exitCode ?? 0;
    const ended = { ...run, status: code === 0 ? ("completed" as const) : ("failed" as const), exit_code: code, ended_at: TS, duration_ms: 1000 };
    this.runs.set(run.id, ended);
    daemon.emitData(code === 0 ? "agent.completed" : "agent.failed", {
      agent_id: run.id,
      task_id: run.task_id,
      worktree_id: null,
      project_id: run.project_id,
      status: ended.status,
      exit_code: code,
      agent: ended,
    });
    const it: LoopIteration = {
      loop_id: loopId,
      iteration: l.iteration,
      task_id: l.current_task_id as string,
      agent_id: run.id,
      outcome,
      detail: options.detail ?? null,
      commits: options.commits ?? [],
      ended_at: TS,
    };
    this.iterations.set(loopId, [...(this.iterations.get(loopId) ?? []), it]);
    const next = { ...l, current_task_id: null, failures: l.failures + (outcome === "failed" ? 1 : 0) };
    this.loops.set(loopId, next);
    this.#announce(daemon, "autonomous.iteration", next, {
      task_id: it.task_id,
      outcome,
      detail: it.detail,
      agent_id: run.id,
      commits: it.commits,
    });
    return it;
  }

  stop(daemon: FakeDaemon, loopId: string, reason: NonNullable<AutonomousLoop["stop_reason"]>): AutonomousLoop {
    const l = this.loops.get(loopId) as AutonomousLoop;
    const stopped = { ...l, status: "stopped" as const, stopped_at: TS, stop_reason: reason, current_task_id: null };
    this.loops.set(loopId, stopped);
    this.#announce(daemon, "autonomous.stopped", stopped, { reason });
    return stopped;
  }

  #announce(daemon: FakeDaemon, type: "autonomous.started" | "autonomous.iteration" | "autonomous.stopped", l: AutonomousLoop, extra: object): void {
    daemon.emitData(type, { loop_id: l.id, project_id: l.project_id, iteration: l.iteration, loop: l, ...extra });
  }
}
