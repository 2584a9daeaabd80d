import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { CopyButton } from "../components/CopyButton";
import { StatusBadge } from "../components/Badge";
import { ProjectName } from "../components/ProjectFilter";
import { QueryError } from "../components/QueryError";
import { RelativeTime } from "../components/RelativeTime";
import { SkeletonRows } from "../components/Skeleton";
import { StopLoopDialog } from "../components/StopLoopDialog";
import { loopTimeline, ofLimit, type TimelineEntry } from "../lib/loopTimeline";
import {
  useAgentsData,
  useLoopActions,
  useLoopData,
  useLoopIterationsData,
  useProjectsList,
  useTasksData,
  type AutonomousLoop,
  type Task,
} from "./data";

function Iteration({ entry, tasks }: { entry: TimelineEntry; tasks: ReadonlyMap<string, Task> }): React.JSX.Element {
  const title = entry.taskId ? tasks.get(entry.taskId)?.title : undefined;
  return (
    <li className="card stack" data-testid="loop-iteration" data-iteration={entry.iteration} data-outcome={entry.outcome}>
      <div className="toolbar">
        <strong>Iteration {entry.iteration}</strong>
        <StatusBadge status={entry.outcome} />
        <span className="spacer" />
        {entry.at ? <RelativeTime iso={entry.at} /> : null}
      </div>
      <div>
        Task:{" "}
        {entry.taskId ? (
          <Link to={`/tasks/${encodeURIComponent(entry.taskId)}`}>{title ?? <span className="mono">{entry.taskId}</span>}</Link>
        ) : (
          <span className="muted">–</span>
        )}
      </div>
      <div>
        Run:{" "}
        {entry.agentId ? (
          <>
            <Link to={`/agents/${encodeURIComponent(entry.agentId)}`} className="mono">
              {entry.agentId}
            </Link>
            {entry.run ? (
              <>
                {" "}
                <StatusBadge status={entry.run.status} />
                {typeof entry.run.exit_code === "number" ? <span className="muted"> exit code {entry.run.exit_code}</span> : null}
              </>
            ) : null}
          </>
        ) : (
          <span className="muted">{entry.outcome === "running" ? "starting…" : "none started"}</span>
        )}
      </div>
      {entry.outcome === "running" ? null : entry.commits.length > 0 ? (
        <div>
          {entry.outcome === "succeeded" ? "Commits (merged):" : "Commits (discarded):"}
          <ul className="commits">
            {entry.commits.map((c) => (
              <li key={c.sha}>
                <span className="mono" title={c.sha}>
                  {c.sha.slice(0, 7)}
                </span>{" "}
                {c.subject}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <div className="muted">No commits.</div>
      )}
      {entry.detail && entry.outcome !== "succeeded" ? (
        <div className="error-text" data-testid="iteration-failure">
          {entry.detail}
        </div>
      ) : null}
    </li>
  );
}

function Summary({ loop, onStop }: { loop: AutonomousLoop; onStop: () => void }): React.JSX.Element {
  const projects = useProjectsList();
  return (
    <div className="toolbar" data-testid="loop-summary">
      <StatusBadge status={loop.status} />
      <span>
        Project <ProjectName id={loop.project_id} projects={projects} />
      </span>
      <span>Iterations {ofLimit(loop.iteration, loop.max_iterations)}</span>
      <span>Failures {ofLimit(loop.failures, loop.max_failures)}</span>
      <span className="muted">
        started <RelativeTime iso={loop.started_at} />
        {loop.stopped_at ? (
          <>
            , stopped <RelativeTime iso={loop.stopped_at} />
          </>
        ) : null}
      </span>
      {loop.stop_reason ? <span data-testid="stop-reason">stopped: {loop.stop_reason.replace(/_/g, " ")}</span> : null}
      <span className="spacer" />
      {loop.status === "running" ? (
        <button className="danger" onClick={onStop}>
          Stop loop
        </button>
      ) : null}
    </div>
  );
}

export function LoopDetailView(): React.JSX.Element {
  const { id = "" } = useParams();
  const loop = useLoopData(id);
  const iterations = useLoopIterationsData(id);
  const agents = useAgentsData();
  const tasks = useTasksData();
  const actions = useLoopActions();
  const [confirming, setConfirming] = useState(false);
  const taskMap = new Map((tasks.data ?? []).map((t) => [t.id, t]));
  const timeline = loop.data && iterations.data ? loopTimeline(loop.data, iterations.data, agents.data ?? []) : null;
  return (
    <section aria-labelledby="loop-title">
      <p>
        <Link to="/loops">← Loops</Link>
      </p>
      <h1 id="loop-title">
        Loop <span className="mono">{id}</span>
      </h1>
      <p>
        <CopyButton text={id} what="loop id" />
        {loop.stale && loop.data ? (
          <span className="muted" data-testid="loop-stale">
            {" "}
            (not live: showing what was last received)
          </span>
        ) : null}
      </p>
      {loop.data ? (
        <Summary loop={loop.data} onStop={() => setConfirming(true)} />
      ) : loop.isError ? (
        <QueryError error={loop.error} what="this loop" />
      ) : (
        <SkeletonRows label="Loading the loop" />
      )}
      <h2>Iterations</h2>
      {timeline !== null ? (
        timeline.length === 0 ? (
          <div className="empty">No iteration yet; they appear here live.</div>
        ) : (
          <ol className="stack timeline" aria-label="Iterations">
            {timeline.map((entry) => (
              <Iteration key={entry.iteration} entry={entry} tasks={taskMap} />
            ))}
          </ol>
        )
      ) : iterations.isError && !loop.isError ? (
        <QueryError error={iterations.error} what="the iterations" />
      ) : loop.isError ? null : (
        <SkeletonRows label="Loading iterations" />
      )}
      {confirming && loop.data ? (
        <StopLoopDialog
          loop={loop.data}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            if (loop.data) actions.stop(loop.data);
            setConfirming(false);
          }}
        />
      ) : null}
    </section>
  );
}
