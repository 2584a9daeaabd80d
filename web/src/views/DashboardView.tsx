import { ActivityPulse } from "../components/ActivityPulse";
import { StatusBadge } from "../components/Badge";
import { ListCard, Stat } from "../components/Cards";
import { SkeletonCards, SkeletonRows } from "../components/Skeleton";
import { countByStatus } from "../components/taskTree";
import { RelativeTime } from "../components/RelativeTime";
import { useActivity, useAgentsData, useMcpServersData, useSessionsData, useTasksData, useWorktreesData } from "./data";

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
          <Stat label="unfinished tasks" to="/tasks">
            {counts ? counts.open + counts.in_progress + counts.blocked : "–"}
          </Stat>
          <Stat label="in progress" to="/tasks">
            {counts?.in_progress ?? "–"}
          </Stat>
          <Stat label="closed tasks" to="/tasks">
            {counts?.closed ?? "–"}
          </Stat>
          <Stat label="running agents" to="/agents">
            {agents.data ? running.length : "–"}
          </Stat>
          <Stat label="live sessions" to="/sessions">
            {activeSessions ?? "–"}
          </Stat>
          <Stat label="MCP servers connected" to="/mcp">
            {servers.data ? `${connectedServers}/${servers.data.length}` : "–"}
          </Stat>
          <Stat label="active worktrees" to="/worktrees">
            {worktrees.data?.filter((w) => w.status === "active" || w.status === "claimed").length ?? "–"}
          </Stat>
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
          <ListCard
            items={activity.recent.slice(0, 15)}
            empty="Nothing yet: events appear here as they happen."
            testId="recent-activity"
          >
            {(e) => (
              <li key={e.seq}>
                <code className="muted">{e.type}</code>
                <span>{e.summary}</span>
              </li>
            )}
          </ListCard>
        </div>
      </div>
    </section>
  );
}
