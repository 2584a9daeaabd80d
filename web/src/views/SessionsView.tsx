import { CopyButton } from "../components/CopyButton";
import { Link } from "react-router-dom";
import { StatusBadge } from "../components/Badge";
import { newestFirst, QueryContent, Table } from "../components/QueryContent";
import { RelativeTime } from "../components/RelativeTime";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { filterByProject } from "../lib/projectFilter";
import { useProjectsList, useSessionsData } from "./data";

export function SessionsView(): React.JSX.Element {
  const sessions = useSessionsData();
  const projects = useProjectsList();
  const [project, setProject] = useProjectFilter();
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      <div className="toolbar">
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
      </div>
      <div className="card">
        <QueryContent
          query={sessions}
          what="sessions"
          empty="No agent CLI session yet. Install the hooks with `tidewire install-hooks`."
        >
          {(list) => (
            <Table
              label="Sessions table"
              head={["Session", "Project", "Source", "Status", "Branch", "Messages", "Tools", "Updated"]}
            >
              {newestFirst(filterByProject(list, project), (s) => s.updated_at).map((s) => (
                <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
                  <td>
                    <Link to={`/sessions/${encodeURIComponent(s.id)}`} className="mono" title={s.id}>
                      {s.id.slice(0, 12)}
                    </Link>{" "}
                    <CopyButton text={s.id} what="session id" />
                    {s.cwd ? <div className="muted mono">{s.cwd}</div> : null}
                  </td>
                  <td>
                    <ProjectName id={s.project_id} projects={projects} />
                  </td>
                  <td>{s.source}</td>
                  <td>
                    <StatusBadge status={s.status} />
                    {s.status === "waiting" && s.waiting_reason ? (
                      <div className="muted" data-testid="waiting-reason">
                        {s.waiting_reason}
                      </div>
                    ) : null}
                  </td>
                  <td className="mono">{s.git_branch ?? "–"}</td>
                  <td>{s.message_count}</td>
                  <td>{s.tool_count}</td>
                  <td>
                    <RelativeTime iso={s.updated_at} />
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
