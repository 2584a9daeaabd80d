import { Fragment, useState } from "react";
import { StatusBadge } from "../components/Badge";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { QueryContent, Table } from "../components/QueryContent";
import { relative } from "../components/RelativeTime";
import { useNow } from "../components/useNow";
import { useReconnectMcpServer, useRemoveMcpServer } from "../hooks/useMcpMutations";
import type { McpServer } from "../lib/ws/generated";
import { useActivity, useMcpServersData } from "./data";

/** Why a server is not connected and when it is tried again, as the daemon announced it. */
function RetryNote({ server, now }: { server: McpServer; now: number }): React.JSX.Element | null {
  if (server.state !== "disconnected" && server.state !== "failed") return null;
  const attempts = server.attempts ?? 0;
  const next = server.next_attempt_at ?? null;
  return (
    <div className="muted" data-testid="mcp-retry">
      {attempts > 0 ? `${attempts} failed attempt${attempts === 1 ? "" : "s"}; ` : ""}
      {next !== null ? (
        <>
          retrying <time dateTime={next}>{relative(next, now)}</time>
        </>
      ) : (
        "retrying"
      )}
    </div>
  );
}

function ToolList({ server }: { server: McpServer }): React.JSX.Element {
  const tools = server.tool_details ?? server.tools.map((name) => ({ name, description: null }));
  if (tools.length === 0) return <p className="muted">No tools listed{server.state === "connected" ? "" : " (not connected)"}.</p>;
  return (
    <ul className="tool-list" aria-label={`Tools of ${server.name}`} data-testid="mcp-tools">
      {tools.map((t) => (
        <li key={t.name}>
          <span className="mono">{t.name}</span>
          {t.description ? <span className="muted"> — {t.description}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function McpView(): React.JSX.Element {
  const servers = useMcpServersData();
  const activity = useActivity();
  const reconnect = useReconnectMcpServer();
  const remove = useRemoveMcpServer();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [removing, setRemoving] = useState<McpServer | null>(null);
  // Only while some server waits for a retry: the countdown has something to count.
  const waiting = (servers.data ?? []).some((s) => s.next_attempt_at != null);
  const now = useNow(1000, waiting);
  const toggle = (name: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  return (
    <section aria-labelledby="mcp-title">
      <h1 id="mcp-title">MCP servers</h1>
      <div className="card">
        <QueryContent query={servers} what="MCP servers" empty="No downstream MCP server is configured.">
          {(list) => (
            <Table label="MCP servers table" head={["Server", "Transport", "State", "Tools", "Calls", "Live calls", "Last error", ""]}>
              {list.map((s) => {
                const expanded = open.has(s.name);
                const fromConfig = s.origin === "config";
                return (
                  <Fragment key={s.name}>
                    <tr data-testid="mcp-row" data-server={s.name} data-state={s.state}>
                      <td className="mono">{s.name}</td>
                      <td>{s.transport}</td>
                      <td>
                        <StatusBadge status={s.state} />
                        <RetryNote server={s} now={now} />
                      </td>
                      <td>
                        <button
                          type="button"
                          className="link-button"
                          aria-expanded={expanded}
                          aria-controls={`mcp-tools-${s.name}`}
                          onClick={() => toggle(s.name)}
                        >
                          {s.tool_count} tool{s.tool_count === 1 ? "" : "s"}
                          <span className="visually-hidden"> of {s.name}</span>
                        </button>
                      </td>
                      <td>{s.calls}</td>
                      <td data-testid="mcp-live-calls">{activity.callsByServer[s.name] ?? 0}</td>
                      <td className="error-text">{s.last_error ?? ""}</td>
                      <td>
                        <span className="row-actions">
                          <button
                            type="button"
                            onClick={() => reconnect.mutate({ name: s.name })}
                            disabled={s.state === "connecting"}
                            aria-label={`Reconnect ${s.name}`}
                          >
                            Reconnect
                          </button>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => setRemoving(s)}
                            disabled={fromConfig}
                            title={fromConfig ? "Defined in the config file: remove it there" : undefined}
                            aria-label={`Remove ${s.name}`}
                          >
                            Remove
                          </button>
                        </span>
                      </td>
                    </tr>
                    {expanded ? (
                      <tr id={`mcp-tools-${s.name}`} data-testid="mcp-tools-row">
                        <td colSpan={8}>
                          <ToolList server={s} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </Table>
          )}
        </QueryContent>
      </div>
      {removing !== null ? (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            remove.mutate({ name: removing.name });
            setRemoving(null);
          }}
        >
          <p>
            The daemon stops the server and forgets it; its tools are no longer offered. Add it again to bring it
            back.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
