import { Link, useParams } from "react-router-dom";
import { CopyButton } from "../components/CopyButton";
import { StatusBadge } from "../components/Badge";
import { QueryError } from "../components/QueryError";
import { QueryContent } from "../components/QueryContent";
import { TranscriptMessage } from "../components/TranscriptMessage";
import { useSessionData, useSessionMessages } from "./data";

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
              <TranscriptMessage key={m.index} message={m} />
            ))}
          </div>
        )}
      </QueryContent>
    </section>
  );
}
