import { Link } from "react-router-dom";
import { StatusBadge } from "../components/Badge";
import { QueryError } from "../components/QueryError";
import { RelativeTime } from "../components/RelativeTime";
import { SkeletonRows } from "../components/Skeleton";
import { useSessionsData } from "./data";

export function SessionsView(): React.JSX.Element {
  const sessions = useSessionsData();
  const list = sessions.data ? [...sessions.data].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1)) : undefined;
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      <div className="card">
        {list === undefined ? (
          sessions.isError ? (
            <QueryError error={sessions.error} what="sessions" />
          ) : (
            <SkeletonRows label="Loading sessions" />
          )
        ) : list.length === 0 ? (
          <div className="empty">No agent CLI session yet. Install the hooks with `tidewire install-hooks`.</div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Session</th>
                <th>Source</th>
                <th>Status</th>
                <th>Branch</th>
                <th>Messages</th>
                <th>Tools</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
                  <td>
                    <Link to={`/sessions/${encodeURIComponent(s.id)}`} className="mono">
                      {s.id.slice(0, 12)}
                    </Link>
                    {s.cwd ? <div className="muted mono">{s.cwd}</div> : null}
                  </td>
                  <td>{s.source}</td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td className="mono">{s.git_branch ?? "–"}</td>
                  <td>{s.message_count}</td>
                  <td>{s.tool_count}</td>
                  <td>
                    <RelativeTime iso={s.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
