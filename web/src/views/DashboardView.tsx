import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { ActivityPulse } from "../components/ActivityPulse";
import { StatusBadge } from "../components/Badge";
import { ListCard, Stat } from "../components/Cards";
import { SkeletonRows } from "../components/Skeleton";
import { countByStatus } from "../components/taskTree";
import { RelativeTime } from "../components/RelativeTime";
import { collapseActivity } from "../lib/activitySentence";
import { tasksSearch } from "../lib/taskFilterParams";
import { useActivity, useAgentsData, useMcpServersData, useSessionsData, useTasksData, useWorktreesData } from "./data";

/** A figure, or a placeholder bar while the data it counts is still loading. */
function figure(pending: boolean, value: () => ReactNode): ReactNode {
  return pending ? <span className="skeleton" data-testid="skeleton" style={{ height: 26, width: 48 }} /> : value();
}

const FEED_LINES = 15;

export function DashboardView(): React.JSX.Element {
  const tasks = useTasksData();
  const agents = useAgentsData();
  const sessions = useSessionsData();
  const servers = useMcpServersData();
  const worktrees = useWorktreesData();
  const activity = useActivity();

  const counts = tasks.data ? countByStatus(tasks.data) : null;
  const running = agents.data?.filter((a) => a.status === "running") ?? [];
  // Agents at work: runs the daemon started and agent CLI sessions still live (not ended).
  const liveSessions = sessions.data?.filter((s) => s.status !== "ended").length ?? 0;
  const activeAgents = agents.isPending || sessions.isPending ? null : running.length + liveSessions;
  const feed = collapseActivity(activity.recent).slice(0, FEED_LINES);
  const dash = "–"; // a load that failed: no number is known

  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      <div className="grid" data-testid="dashboard-counts" aria-busy={tasks.isPending || agents.isPending}>
        <Stat label="unfinished tasks" to={`/tasks${tasksSearch({ status: "not_closed", text: "" })}`}>
          {figure(tasks.isPending, () => (counts ? counts.open + counts.in_progress + counts.blocked : dash))}
        </Stat>
        <Stat label="in progress" to={`/tasks${tasksSearch({ status: "in_progress", text: "" })}`} valueTestId="stat-in-progress">
          {figure(tasks.isPending, () => counts?.in_progress ?? dash)}
        </Stat>
        <Stat label="closed tasks" to={`/tasks${tasksSearch({ status: "closed", text: "" })}`}>
          {figure(tasks.isPending, () => counts?.closed ?? dash)}
        </Stat>
        <Stat label="running agents" to="/agents">
          {figure(agents.isPending, () => (agents.data ? running.length : dash))}
        </Stat>
        <Stat label="live sessions" to="/sessions">
          {figure(sessions.isPending, () => sessions.data?.filter((s) => s.status !== "ended").length ?? dash)}
        </Stat>
        <Stat label="MCP servers connected" to="/mcp">
          {figure(servers.isPending, () =>
            servers.data ? `${servers.data.filter((s) => s.state === "connected").length}/${servers.data.length}` : dash,
          )}
        </Stat>
        <Stat label="active worktrees" to="/worktrees">
          {figure(
            worktrees.isPending,
            () => worktrees.data?.filter((w) => w.status === "active" || w.status === "claimed").length ?? dash,
          )}
        </Stat>
      </div>
      <div className="cols">
        <div>
          <h2>Activity</h2>
          <ActivityPulse
            activeAgents={activeAgents}
            toolCalls={activity.toolCalls}
            eventTick={activity.eventTick}
          />
          <h2 style={{ marginTop: 20 }}>Active agents</h2>
          <div className="card">
            {agents.isPending ? (
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
          {!activity.historyLoaded && feed.length === 0 ? (
            <div className="card">
              <SkeletonRows rows={5} label="Loading recent activity" />
            </div>
          ) : (
            <ListCard items={feed} empty="Nothing yet: events appear here as they happen." testId="recent-activity">
              {(e) => (
                <li key={e.seq} data-testid="activity-line" data-type={e.type} data-seq={e.seq}>
                  {e.href ? <Link to={e.href}>{e.sentence}</Link> : <span>{e.sentence}</span>}
                  <span className="muted">
                    <RelativeTime iso={e.ts} />
                  </span>
                </li>
              )}
            </ListCard>
          )}
        </div>
      </div>
    </section>
  );
}
