import { useState } from "react";
import { Link } from "react-router-dom";
import { StatusBadge } from "../components/Badge";
import { newestFirst, QueryContent, Table } from "../components/QueryContent";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { ProjectSelect, useFormProject } from "../components/ProjectPicker";
import { RelativeTime } from "../components/RelativeTime";
import { StopLoopDialog } from "../components/StopLoopDialog";
import { rememberProject } from "../lib/lastProject";
import { ofLimit, parseLimit } from "../lib/loopTimeline";
import { isTempId } from "../lib/optimistic";
import { filterByProject } from "../lib/projectFilter";
import { useLoopActions, useLoopsData, useProjectsList, type AutonomousLoop, type LoopActions, type Project } from "./data";

/**
 * Start a loop in a project. What the user typed stays in the form whatever the daemon says:
 * a refused start (the project already has a running loop) leaves it there to change and resend.
 */
function StartLoopForm({ onStart, projects }: { onStart: LoopActions["start"]; projects: readonly Project[] }): React.JSX.Element {
  const [maxIterations, setMaxIterations] = useState("");
  const [maxFailures, setMaxFailures] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<AutonomousLoop | null>(null);
  const [projectId, setChosen] = useFormProject(projects);
  if (projects.length === 0) {
    return (
      <div className="card">
        A loop works through a project’s ready tasks: <Link to="/projects">register a project</Link> first.
      </div>
    );
  }
  return (
    <form
      className="card form stack"
      aria-label="Start a loop"
      onSubmit={(e) => {
        e.preventDefault();
        if (!projectId || sending) return;
        const iterations = parseLimit(maxIterations, "Max iterations");
        const failures = parseLimit(maxFailures, "Max failures");
        const invalid = iterations.error ?? failures.error;
        if (invalid !== null) {
          setError(invalid);
          return;
        }
        rememberProject(projectId);
        setSending(true);
        setError(null);
        setStarted(null);
        onStart(
          {
            projectId,
            projectName: projects.find((p) => p.id === projectId)?.name,
            maxIterations: iterations.value,
            maxFailures: failures.value,
          },
          {
            onSuccess: (loop) => {
              setSending(false);
              setStarted(loop);
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
        Project
        <ProjectSelect label="Loop project" projects={projects} value={projectId} onChange={setChosen} />
      </label>
      <label className="field">
        Max iterations (empty: no limit)
        <input inputMode="numeric" value={maxIterations} onChange={(e) => setMaxIterations(e.target.value)} aria-label="Max iterations" />
      </label>
      <label className="field">
        Max failures (empty: 3)
        <input inputMode="numeric" value={maxFailures} onChange={(e) => setMaxFailures(e.target.value)} aria-label="Max failures" />
      </label>
      {error !== null ? (
        <div className="error-text" role="alert">
          {error}
        </div>
      ) : null}
      {started !== null ? (
        <div role="status" data-testid="loop-started">
          Started <Link to={`/loops/${encodeURIComponent(started.id)}`}>loop {started.id}</Link>.
        </div>
      ) : null}
      <div>
        <button className="primary" type="submit" disabled={!projectId || sending}>
          {sending ? "Starting…" : "Start loop"}
        </button>
      </div>
    </form>
  );
}

export function LoopsView(): React.JSX.Element {
  const loops = useLoopsData();
  const actions = useLoopActions();
  const projects = useProjectsList();
  const [project, setProject] = useProjectFilter();
  const [stopping, setStopping] = useState<AutonomousLoop | null>(null);
  return (
    <section aria-labelledby="loops-title">
      <h1 id="loops-title">Loops</h1>
      <p className="muted">
        A loop takes a project’s ready tasks one by one, runs an agent on each in a worktree of its own, and merges what
        it commits.
      </p>
      <StartLoopForm onStart={actions.start} projects={projects} />
      <div className="toolbar" style={{ marginTop: 20 }}>
        <h2 style={{ margin: 0 }}>All loops</h2>
        <span className="spacer" />
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
      </div>
      <div className="card">
        <QueryContent query={loops} what="loops" empty="No loop has run yet.">
          {(items) => (
            <Table label="Loops table" head={["State", "Loop", "Project", "Iterations", "Failures", "Started", "Stopped because", ""]}>
              {newestFirst(filterByProject(items, project), (l) => l.started_at).map((l) => {
                const pending = isTempId(l.id);
                return (
                  <tr key={l.id} data-testid="loop-row" data-loop-id={l.id} data-status={l.status}>
                    <td>
                      <StatusBadge status={l.status} />
                    </td>
                    <td className="mono">
                      {pending ? <span className="muted">starting…</span> : <Link to={`/loops/${encodeURIComponent(l.id)}`}>{l.id}</Link>}
                    </td>
                    <td>
                      <ProjectName id={l.project_id} projects={projects} />
                    </td>
                    <td>{ofLimit(l.iteration, l.max_iterations)}</td>
                    <td>{ofLimit(l.failures, l.max_failures)}</td>
                    <td>
                      <RelativeTime iso={l.started_at} />
                    </td>
                    <td>{l.stop_reason ? l.stop_reason.replace(/_/g, " ") : "–"}</td>
                    <td>
                      {l.status === "running" && !pending ? (
                        <button className="danger" aria-label={`Stop loop ${l.id}`} onClick={() => setStopping(l)}>
                          Stop
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
      {stopping !== null ? (
        <StopLoopDialog
          loop={stopping}
          onCancel={() => setStopping(null)}
          onConfirm={() => {
            actions.stop(stopping);
            setStopping(null);
          }}
        />
      ) : null}
    </section>
  );
}
