import { useState } from "react";
import { Link } from "react-router-dom";
import { ActivityPulse } from "../components/ActivityPulse";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { StatusBadge } from "../components/Badge";
import { newestFirst, QueryContent, Table } from "../components/QueryContent";
import { RelativeTime } from "../components/RelativeTime";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { ProjectSelect, useFormProject } from "../components/ProjectPicker";
import { rememberProject } from "../lib/lastProject";
import { loopIdsOf, loopRunInfo } from "../lib/loopTimeline";
import { filterByProject } from "../lib/projectFilter";
import {
  useActivity,
  useAgentActions,
  useAgentsData,
  useIterationsByLoop,
  useProjectsList,
  useTasksData,
  useWorktreesData,
  type AgentActions,
  type AgentRun,
  type Project,
} from "./data";

function duration(run: AgentRun): string {
  if (run.duration_ms == null) return run.status === "running" ? "running" : "–";
  const s = run.duration_ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * Start an agent run. The prompt stays in the form until the daemon has started the run, so
 * a refused start (a bad task id, an ambiguous project) leaves it there to fix and resend.
 */
function StartAgentForm({
  onStart,
  projects,
}: {
  onStart: AgentActions["start"];
  projects: readonly Project[];
}): React.JSX.Element {
  const [prompt, setPrompt] = useState("");
  const [taskId, setTaskId] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [worktreeId, setWorktreeId] = useState("");
  const [projectId, setChosen] = useFormProject(projects);
  const tasks = useTasksData().data ?? [];
  const worktrees = useWorktreesData().data ?? [];
  // The pickers offer the chosen project's open work; the task box still takes any id typed.
  const openTasks = tasks.filter((t) => t.status !== "closed" && (!projectId || t.project_id === projectId));
  const usable = worktrees.filter((w) => w.status === "active" && (!projectId || w.project_id === projectId));
  // A worktree of another project (the project changed after it was picked) is not sent.
  const pickedWorktree = usable.some((w) => w.id === worktreeId) ? worktreeId : "";
  return (
    <form
      className="card form stack"
      aria-label="Start an agent"
      onSubmit={(e) => {
        e.preventDefault();
        if (!prompt.trim() || sending) return;
        const sent = prompt;
        if (projectId) rememberProject(projectId);
        setSending(true);
        setError(null);
        onStart(
          {
            prompt: sent.trim(),
            taskId: taskId.trim() || null,
            projectId: projectId || null,
            worktreeId: pickedWorktree || null,
          },
          {
            onSuccess: () => {
              setSending(false);
              setPrompt((current) => (current === sent ? "" : current));
            },
            onError: (err) => {
              setSending(false);
              setError(err.message);
            },
          },
        );
      }}
    >
      <label className="field">
        Prompt
        <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} aria-label="Agent prompt" />
      </label>
      {projects.length > 0 ? (
        <label className="field">
          Project
          <ProjectSelect label="Agent project" projects={projects} value={projectId} onChange={setChosen} />
        </label>
      ) : null}
      <label className="field">
        Task (optional)
        <input value={taskId} onChange={(e) => setTaskId(e.target.value)} aria-label="Task id" list="agent-task-options" />
        {/* Capped: a datalist of thousands of options makes every keystroke in the box slow. */}
        <datalist id="agent-task-options" data-testid="agent-task-options">
          {openTasks.slice(0, 500).map((t) => (
            <option key={t.id} value={t.id} label={t.title} />
          ))}
        </datalist>
      </label>
      <label className="field">
        Worktree
        <select aria-label="Agent worktree" value={pickedWorktree} onChange={(e) => setWorktreeId(e.target.value)}>
          <option value="">A new worktree of its own</option>
          {usable.map((w) => (
            <option key={w.id} value={w.id}>
              {w.branch}
            </option>
          ))}
        </select>
      </label>
      {error !== null ? (
        <div className="error-text" role="alert">
          {error}
        </div>
      ) : null}
      <div>
        <button className="primary" type="submit" disabled={!prompt.trim() || sending}>
          {sending ? "Starting…" : "Start agent"}
        </button>
      </div>
    </form>
  );
}

export function AgentsView(): React.JSX.Element {
  const agents = useAgentsData();
  const actions = useAgentActions();
  const activity = useActivity();
  const projects = useProjectsList();
  const [project, setProject] = useProjectFilter();
  const running = agents.data?.filter((r) => r.status === "running").length ?? 0;
  // A cancel stops an agent part-way through its work, so it is asked for first.
  const [cancelling, setCancelling] = useState<AgentRun | null>(null);
  // A loop's runs are labelled as its iterations, with the iteration's outcome (lib/loopTimeline.ts).
  const loopIterations = useIterationsByLoop(loopIdsOf(agents.data ?? []));
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      <div className="cols" style={{ marginTop: 0 }}>
        <div>
          <ActivityPulse activeAgents={running} toolCalls={activity.toolCalls} eventTick={activity.eventTick} />
        </div>
        <StartAgentForm onStart={actions.start} projects={projects} />
      </div>
      <div className="toolbar" style={{ marginTop: 20 }}>
        <h2 style={{ margin: 0 }}>Runs</h2>
        <span className="spacer" />
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
      </div>
      <div className="card">
        <QueryContent query={agents} what="agent runs" empty="No agent has run yet.">
          {(runs) => (
            <Table label="Agent runs table" head={["State", "Prompt", "Project", "Task", "Started", "Duration", "Exit", ""]}>
              {newestFirst(filterByProject(runs, project), (r) => r.started_at).map((r) => {
                const loop = loopRunInfo(r, loopIterations);
                return (
                <tr key={r.id} data-testid="agent-row" data-agent-id={r.id} data-status={r.status}>
                  <td>
                    <StatusBadge status={loop?.status ?? r.status} />
                  </td>
                  <td title={r.prompt}>
                    {loop !== null ? (
                      <Link to={loop.href} data-testid="loop-run-label">
                        {loop.label}
                      </Link>
                    ) : r.prompt.length > 90 ? (
                      `${r.prompt.slice(0, 90)}…`
                    ) : (
                      r.prompt
                    )}
                    {loop?.outcome === "failed" && loop.detail ? <div className="error-text">{loop.detail}</div> : null}
                    {r.status === "failed" && r.stderr_tail && r.stderr_tail.length > 0 ? (
                      <div className="error-text mono">{r.stderr_tail.slice(-1)[0]}</div>
                    ) : null}
                  </td>
                  <td>
                    <ProjectName id={r.project_id} projects={projects} />
                  </td>
                  <td className="mono">{r.task_id ?? "–"}</td>
                  <td>
                    <RelativeTime iso={r.started_at} />
                  </td>
                  <td>{duration(r)}</td>
                  <td>{r.exit_code ?? "–"}</td>
                  <td>
                    <Link to={`/agents/${encodeURIComponent(r.id)}`} aria-label={`Output of run ${r.prompt.slice(0, 60)}`}>
                      Output
                    </Link>{" "}
                    {r.status === "running" ? (
                      <button className="danger" aria-label={`Cancel run ${r.prompt.slice(0, 60)}`} onClick={() => setCancelling(r)}>
                        Cancel
                      </button>
                    ) : null}
                  </td>
                </tr>
                );
              })}
            </Table>
          )}
        </QueryContent>
      </div>
      {cancelling !== null ? (
        <ConfirmDialog
          title="Cancel this run?"
          confirmLabel="Cancel run"
          danger
          onCancel={() => setCancelling(null)}
          onConfirm={() => {
            actions.cancel(cancelling);
            setCancelling(null);
          }}
        >
          <p>
            The agent working on “{cancelling.prompt.length > 90 ? `${cancelling.prompt.slice(0, 90)}…` : cancelling.prompt}” is
            stopped (SIGTERM, then SIGKILL after the grace period). What it already wrote stays in its worktree.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
