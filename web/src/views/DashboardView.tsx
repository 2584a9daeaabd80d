import { Link } from "react-router-dom";
import { ActivityPulse } from "../components/ActivityPulse";
import { StatusBadge } from "../components/Badge";
import { SkeletonCards, SkeletonRows } from "../components/Skeleton";
import { countByStatus } from "../components/taskTree";
import { RelativeTime } from "../components/RelativeTime";
import { useActivity, useAgentsData, useMcpServersData, useSessionsData, useTasksData, useWorktreesData } from "./data";

function Stat({ label, value, to }: { label: string; value: number | string; to: string }): React.JSX.Element {
  return (
    <Link to={to} className="card stat" style={{ color: "inherit" }}>
      <div className="value">{value}</div>
      <div className="label">{label}</div>
    </Link>
  );
}

export function DashboardView(): React.JSX.Element {
  const tasks = useTasksData();
  const agents = useAgentsData();
  const sessions = useSessionsData();
  const servers = useMcpServersData();
  const worktrees = useWorktreesData();
  const activity = useActivity();

  const counts = tasks.data ? countByStatus(tasks.data) : null;
  const running = agents.data?.filter((a) => a.status === "running") ?? [];
  const activeSessions = sessions.data?.filter((s) => s.status !== "ended").length;
  const connectedServers = servers.data?.filter((s) => s.state === "connected").length;
  const loading = !tasks.data && !agents.data && !sessions.data;

  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      {loading ? (
        <SkeletonCards count={6} />
      ) : (
        <div className="grid" data-testid="dashboard-counts">
          <Stat label="unfinished tasks" value={counts ? counts.open + counts.in_progress + counts.blocked : "–"} to="/tasks" />
          <Stat label="in progress" value={counts?.in_progress ?? "–"} to="/tasks" />
          <Stat label="closed tasks" value={counts?.closed ?? "–"} to="/tasks" />
          <Stat label="running agents" value={agents.data ? running.length : "–"} to="/agents" />
          <Stat label="live sessions" value={activeSessions ?? "–"} to="/sessions" />
          <Stat
            label="MCP servers connected"
            value={servers.data ? `${connectedServers}/${servers.data.length}` : "–"}
            to="/mcp"
          />
          <Stat
            label="active worktrees"
            value={worktrees.data?.filter((w) => w.status === "active" || w.status === "claimed").length ?? "–"}
            to="/worktrees"
          />
        </div>
      )}
      <div className="cols">
        <div>
          <h2>Activity</h2>
          <ActivityPulse activeAgents={running.length} toolCalls={activity.toolCalls} eventTick={activity.eventTick} />
          <h2 style={{ marginTop: 20 }}>Active agents</h2>
          <div className="card">
            {!agents.data ? (
              <SkeletonRows rows={3} label="Loading agents" />
            ) : running.length === 0 ? (
              <div className="empty">No agent is running.</div>
            ) : (
              <ul className="list">
                {running.map((a) => (
                  <li key={a.id}>
                    <StatusBadge status={a.status} />
                    <span>{a.prompt.slice(0, 80)}</span>
                    <span className="muted">
                      <RelativeTime iso={a.started_at} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <div>
          <h2>Recent activity</h2>
          <div className="card">
            {activity.recent.length === 0 ? (
              <div className="empty">Nothing yet: events appear here as they happen.</div>
            ) : (
              <ul className="list" data-testid="recent-activity">
                {activity.recent.slice(0, 15).map((e) => (
                  <li key={e.seq}>
                    <code className="muted">{e.type}</code>
                    <span>{e.summary}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
