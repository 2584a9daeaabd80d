import { StatusBadge } from "../components/Badge";
import { QueryError } from "../components/QueryError";
import { SkeletonRows } from "../components/Skeleton";
import { useActivity, useMcpServersData } from "./data";

export function McpView(): React.JSX.Element {
  const servers = useMcpServersData();
  const activity = useActivity();
  return (
    <section aria-labelledby="mcp-title">
      <h1 id="mcp-title">MCP servers</h1>
      <div className="card">
        {servers.data === undefined ? (
          servers.isError ? (
            <QueryError error={servers.error} what="MCP servers" />
          ) : (
            <SkeletonRows label="Loading MCP servers" />
          )
        ) : servers.data.length === 0 ? (
          <div className="empty">No downstream MCP server is configured.</div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Server</th>
                <th>Transport</th>
                <th>State</th>
                <th>Tools</th>
                <th>Calls</th>
                <th>Live calls</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {servers.data.map((s) => (
                <tr key={s.name} data-testid="mcp-row" data-server={s.name}>
                  <td className="mono">{s.name}</td>
                  <td>{s.transport}</td>
                  <td>
                    <StatusBadge status={s.state} />
                  </td>
                  <td>{s.tool_count}</td>
                  <td>{s.calls}</td>
                  <td data-testid="mcp-live-calls">{activity.callsByServer[s.name] ?? 0}</td>
                  <td className="error-text">{s.last_error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
