import { Link, useParams } from "react-router-dom";
import { AgentLog } from "../components/AgentLog";
import { StatusBadge } from "../components/Badge";
import { CopyButton } from "../components/CopyButton";
import { RelativeTime } from "../components/RelativeTime";
import { useAgentOutput } from "../hooks/useAgentOutput";
import { useAgentsData } from "./data";

/** One agent run: what it is, and its output (kept log, then live). */
export function AgentRunView(): React.JSX.Element {
  const { id = "" } = useParams();
  const agents = useAgentsData();
  const run = agents.data?.find((r) => r.id === id);
  const output = useAgentOutput(id, run === undefined ? true : run.status === "running");
  return (
    <section aria-labelledby="agent-run-title">
      <p>
        <Link to="/agents">← Agents</Link>
      </p>
      <h1 id="agent-run-title">
        Agent run <span className="mono">{id}</span>
      </h1>
      <p>
        <CopyButton text={id} what="agent run id" />
      </p>
      {run ? (
        <div className="toolbar" data-testid="agent-run-summary">
          <StatusBadge status={run.status} />
          <RelativeTime iso={run.started_at} />
          {run.exit_code != null ? <span className="muted">exit {run.exit_code}</span> : null}
          <span className="mono muted" title={run.cwd}>
            {run.cwd}
          </span>
        </div>
      ) : null}
      {run ? (
        <p className="muted" title={run.prompt}>
          {run.prompt.length > 200 ? `${run.prompt.slice(0, 200)}…` : run.prompt}
        </p>
      ) : null}
      <h2>Output</h2>
      {output.error !== null ? (
        <div className="error-text" role="alert">
          Could not read the output: {output.error}
        </div>
      ) : null}
      <AgentLog buffer={output.buffer} loaded={output.loaded} />
    </section>
  );
}
