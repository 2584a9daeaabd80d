import { StatusBadge } from "../components/Badge";
import { QueryContent, Table } from "../components/QueryContent";
import { useActivity, useMcpServersData } from "./data";

export function McpView(): React.JSX.Element {
  const servers = useMcpServersData();
  const activity = useActivity();
  return (
    <section aria-labelledby="mcp-title">
      <h1 id="mcp-title">MCP servers</h1>
      <div className="card">
        <QueryContent query={servers} what="MCP servers" empty="No downstream MCP server is configured.">
          {(list) => (
            <Table label="MCP servers table" head={["Server", "Transport", "State", "Tools", "Calls", "Live calls", "Last error"]}>
              {list.map((s) => (
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
            </Table>
          )}
        </QueryContent>
      </div>
    </section>
  );
}
