import { StatusBadge } from "../components/Badge";
import { QueryError } from "../components/QueryError";
import { RelativeTime } from "../components/RelativeTime";
import { SkeletonRows } from "../components/Skeleton";
import { useWorktreesData } from "./data";

export function WorktreesView(): React.JSX.Element {
  const worktrees = useWorktreesData();
  const list = worktrees.data ? [...worktrees.data].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1)) : undefined;
  return (
    <section aria-labelledby="wt-title">
      <h1 id="wt-title">Worktrees</h1>
      <div className="card">
        {list === undefined ? (
          worktrees.isError ? (
            <QueryError error={worktrees.error} what="worktrees" />
          ) : (
            <SkeletonRows label="Loading worktrees" />
          )
        ) : list.length === 0 ? (
          <div className="empty">No worktree yet.</div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Branch</th>
                <th>Status</th>
                <th>Owner</th>
                <th>Task</th>
                <th>Path</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr key={w.id} data-testid="worktree-row" data-worktree-id={w.id}>
                  <td className="mono">
                    {w.branch} <span className="muted">← {w.base_branch}</span>
                  </td>
                  <td>
                    <StatusBadge status={w.status} />
                    {w.merged_into ? <span className="muted"> into {w.merged_into}</span> : null}
                  </td>
                  <td>{w.owner ?? "–"}</td>
                  <td className="mono">{w.task_id ?? "–"}</td>
                  <td className="mono muted">{w.path}</td>
                  <td>
                    <RelativeTime iso={w.updated_at} />
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
