import { StatusBadge } from "../components/Badge";
import { newestFirst, QueryContent, Table } from "../components/QueryContent";
import { RelativeTime } from "../components/RelativeTime";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { filterByProject } from "../lib/projectFilter";
import { useProjectsList, useWorktreesData } from "./data";

export function WorktreesView(): React.JSX.Element {
  const worktrees = useWorktreesData();
  const projects = useProjectsList();
  const [project, setProject] = useProjectFilter();
  return (
    <section aria-labelledby="wt-title">
      <h1 id="wt-title">Worktrees</h1>
      <div className="toolbar">
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
      </div>
      <div className="card">
        <QueryContent query={worktrees} what="worktrees" empty="No worktree yet.">
          {(list) => (
            <Table label="Worktrees table" head={["Branch", "Project", "Status", "Owner", "Task", "Path", "Updated"]}>
              {newestFirst(filterByProject(list, project), (w) => w.updated_at).map((w) => (
                <tr key={w.id} data-testid="worktree-row" data-worktree-id={w.id}>
                  <td className="mono wrap">
                    {w.branch} <span className="muted">← {w.base_branch}</span>
                  </td>
                  <td>
                    <ProjectName id={w.project_id} projects={projects} />
                  </td>
                  <td>
                    <StatusBadge status={w.status} />
                    {w.merged_into ? <span className="muted"> into {w.merged_into}</span> : null}
                  </td>
                  <td>{w.owner ?? "–"}</td>
                  <td className="mono wrap">{w.task_id ?? "–"}</td>
                  <td className="mono muted wrap">{w.path}</td>
                  <td>
                    <RelativeTime iso={w.updated_at} />
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
