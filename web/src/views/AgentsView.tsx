import { useState } from "react";
import { ActivityPulse } from "../components/ActivityPulse";
import { StatusBadge } from "../components/Badge";
import { newestFirst, QueryContent, Table } from "../components/QueryContent";
import { RelativeTime } from "../components/RelativeTime";
import { useActivity, useAgentActions, useAgentsData, type AgentRun } from "./data";

function duration(run: AgentRun): string {
  if (run.duration_ms == null) return run.status === "running" ? "running" : "–";
  const s = run.duration_ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function StartAgentForm({ onStart }: { onStart: (prompt: string, taskId: string | null) => void }): React.JSX.Element {
  const [prompt, setPrompt] = useState("");
  const [taskId, setTaskId] = useState("");
  return (
    <form
      className="card form stack"
      aria-label="Start an agent"
      onSubmit={(e) => {
        e.preventDefault();
        if (!prompt.trim()) return;
        onStart(prompt.trim(), taskId.trim() || null);
        setPrompt("");
      }}
    >
      <label className="field">
        Prompt
        <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} aria-label="Agent prompt" />
      </label>
      <label className="field">
        Task id (optional)
        <input value={taskId} onChange={(e) => setTaskId(e.target.value)} aria-label="Task id" />
      </label>
      <div>
        <button className="primary" type="submit" disabled={!prompt.trim()}>
          Start agent
        </button>
      </div>
    </form>
  );
}

export function AgentsView(): React.JSX.Element {
  const agents = useAgentsData();
  const actions = useAgentActions();
  const activity = useActivity();
  const running = agents.data?.filter((r) => r.status === "running").length ?? 0;
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      <div className="cols" style={{ marginTop: 0 }}>
        <div>
          <ActivityPulse activeAgents={running} toolCalls={activity.toolCalls} eventTick={activity.eventTick} />
        </div>
        <StartAgentForm onStart={actions.start} />
      </div>
      <h2 style={{ marginTop: 20 }}>Runs</h2>
      <div className="card">
        <QueryContent query={agents} what="agent runs" empty="No agent has run yet.">
          {(runs) => (
            <Table label="Agent runs table" head={["State", "Prompt", "Task", "Started", "Duration", "Exit", ""]}>
              {newestFirst(runs, (r) => r.started_at).map((r) => (
                <tr key={r.id} data-testid="agent-row" data-agent-id={r.id} data-status={r.status}>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td title={r.prompt}>
                    {r.prompt.length > 90 ? `${r.prompt.slice(0, 90)}…` : r.prompt}
                    {r.status === "failed" && r.stderr_tail && r.stderr_tail.length > 0 ? (
                      <div className="error-text mono">{r.stderr_tail.slice(-1)[0]}</div>
                    ) : null}
                  </td>
                  <td className="mono">{r.task_id ?? "–"}</td>
                  <td>
                    <RelativeTime iso={r.started_at} />
                  </td>
                  <td>{duration(r)}</td>
                  <td>{r.exit_code ?? "–"}</td>
                  <td>
                    {r.status === "running" ? (
                      <button className="danger" onClick={() => actions.cancel(r)}>
                        Cancel
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </QueryContent>
      </div>
    </section>
  );
}
