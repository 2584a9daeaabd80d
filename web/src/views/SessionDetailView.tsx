import { Link, useParams } from "react-router-dom";
import { CopyButton } from "../components/CopyButton";
import { StatusBadge } from "../components/Badge";
import { QueryError } from "../components/QueryError";
import { QueryContent } from "../components/QueryContent";
import { useSessionData, useSessionMessages, type SessionMessage } from "./data";

function messageText(m: SessionMessage): string {
  const parts: string[] = [];
  for (const block of m.content) {
    if (block.text) parts.push(block.text);
    else if (block.tool_name) parts.push(`[${block.type}: ${block.tool_name}]`);
    else parts.push(`[${block.type}]`);
  }
  return parts.join("\n");
}

export function SessionDetailView(): React.JSX.Element {
  const { id = "" } = useParams();
  const session = useSessionData(id);
  const messages = useSessionMessages(id);
  return (
    <section aria-labelledby="session-title">
      <p>
        <Link to="/sessions">← Sessions</Link>
      </p>
      <h1 id="session-title">
        Session <span className="mono">{id}</span>
      </h1>
      <p>
        <CopyButton text={id} what="session id" />
      </p>
      {session.data ? (
        <div className="toolbar">
          <StatusBadge status={session.data.status} />
          {session.data.status === "waiting" && session.data.waiting_reason ? (
            <span data-testid="waiting-reason">{session.data.waiting_reason}</span>
          ) : null}
          <span className="muted">{session.data.source}</span>
          {session.data.cwd ? <span className="mono muted">{session.data.cwd}</span> : null}
          {session.data.git_branch ? <span className="mono">{session.data.git_branch}</span> : null}
          <span className="muted">
            {session.data.message_count} messages · {session.data.tool_count} tool calls
          </span>
        </div>
      ) : session.isError ? (
        <QueryError error={session.error} what="this session" />
      ) : null}
      <QueryContent query={messages} what="messages" empty="No messages yet; new ones stream in live.">
        {(list) => (
          <div className="messages" data-testid="session-messages">
            {list.map((m) => (
              <article key={m.index} className="message" data-role={m.role} data-index={m.index}>
                <div className="meta">
                  #{m.index} · {m.role}
                  {m.tool_name ? ` · ${m.tool_name}` : ""}
                </div>
                {messageText(m)}
              </article>
            ))}
          </div>
        )}
      </QueryContent>
    </section>
  );
}
