import { useState } from "react";
import { StatusBadge } from "../components/Badge";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { newestFirst, QueryContent, Table } from "../components/QueryContent";
import { RelativeTime } from "../components/RelativeTime";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { useAddressState } from "../hooks/useAddressState";
import { withKey } from "../hooks/useTaskMutations";
import { useClaimWorktree, useDeleteWorktree, useMergeWorktree, useReleaseWorktree } from "../hooks/useWorktreeMutations";
import { filterByProject } from "../lib/projectFilter";
import { rememberOwner, savedOwner } from "../lib/worktreeOwner";
import type { Worktree } from "../lib/ws/generated";
import { useProjectsList, useWorktreesData } from "./data";

/** `?deleted=1`: deleted worktrees are history, hidden unless asked for. */
const DELETED_PARAM = "deleted";
const readShowDeleted = (params: URLSearchParams): boolean => params.get(DELETED_PARAM) === "1";
function writeShowDeleted(prev: URLSearchParams, on: boolean): URLSearchParams {
  const next = new URLSearchParams(prev);
  if (on) next.set(DELETED_PARAM, "1");
  else next.delete(DELETED_PARAM);
  return next;
}

type Asking = { readonly kind: "merge" | "delete"; readonly worktree: Worktree };

function StatusCell({ w }: { w: Worktree }): React.JSX.Element {
  return (
    <>
      <StatusBadge status={w.status} />
      {/* A deleted worktree keeps the merge it had, but its status is the deletion. */}
      {w.status === "merged" && w.merged_into ? <span className="muted"> into {w.merged_into}</span> : null}
    </>
  );
}

export function WorktreesView(): React.JSX.Element {
  const worktrees = useWorktreesData();
  const projects = useProjectsList();
  const [project, setProject] = useProjectFilter();
  const [showDeleted, setShowDeleted] = useAddressState(readShowDeleted, writeShowDeleted);
  const [owner, setOwner] = useState(savedOwner);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [force, setForce] = useState(false);
  const [merging, setMerging] = useState<ReadonlySet<string>>(new Set());
  const claim = useClaimWorktree();
  const release = useReleaseWorktree();
  const merge = useMergeWorktree();
  const remove = useDeleteWorktree();
  const who = owner.trim();

  const startMerge = (w: Worktree) => {
    setMerging((s) => new Set(s).add(w.id));
    // Through the change's own promise: mutate's callbacks reach only the latest change.
    merge
      .mutateAsync(withKey({ id: w.id, branch: w.branch }))
      .catch(() => undefined)
      .finally(() =>
        setMerging((s) => {
          const next = new Set(s);
          next.delete(w.id);
          return next;
        }),
      );
  };

  const actions = (w: Worktree): React.JSX.Element | null => {
    if (w.status === "deleted") return null;
    const live = w.status === "active" || w.status === "claimed";
    const busy = merging.has(w.id);
    return (
      <span className="row-actions">
        {w.status === "active" ? (
          <button
            type="button"
            disabled={!who}
            onClick={() => {
              rememberOwner(who);
              claim.mutate({ id: w.id, branch: w.branch, owner: who });
            }}
            aria-label={`Claim ${w.branch}`}
          >
            Claim
          </button>
        ) : null}
        {w.status === "claimed" ? (
          <button type="button" onClick={() => release.mutate({ id: w.id, branch: w.branch })} aria-label={`Release ${w.branch}`}>
            Release
          </button>
        ) : null}
        {live ? (
          <button
            type="button"
            disabled={busy}
            aria-busy={busy}
            onClick={() => setAsking({ kind: "merge", worktree: w })}
            aria-label={`Merge ${w.branch}`}
          >
            {busy ? "Merging…" : "Merge"}
          </button>
        ) : null}
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            setForce(false);
            setAsking({ kind: "delete", worktree: w });
          }}
          aria-label={`Delete ${w.branch}`}
        >
          Delete
        </button>
      </span>
    );
  };

  return (
    <section aria-labelledby="wt-title">
      <h1 id="wt-title">Worktrees</h1>
      <div className="toolbar">
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
        <label className="row-actions">
          <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} />
          Show deleted
        </label>
        <span className="spacer" />
        <label className="row-actions">
          Claim as
          <input
            aria-label="Claim as"
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
            placeholder="your name"
            style={{ width: 140 }}
          />
        </label>
      </div>
      <div className="card">
        <QueryContent query={worktrees} what="worktrees" empty="No worktree yet.">
          {(all) => {
            const list = filterByProject(all, project).filter((w) => showDeleted || w.status !== "deleted");
            const hidden = filterByProject(all, project).length - list.length;
            if (list.length === 0) {
              return (
                <div className="empty">
                  {hidden > 0 ? `No worktree to show; ${hidden} deleted (tick "Show deleted").` : "No worktree yet."}
                </div>
              );
            }
            return (
              <Table label="Worktrees table" head={["Branch", "Project", "Status", "Owner", "Task", "Path", "Updated", ""]}>
                {newestFirst(list, (w) => w.updated_at).map((w) => (
                  <tr key={w.id} data-testid="worktree-row" data-worktree-id={w.id} data-status={w.status}>
                    <td className="mono wrap">
                      {w.branch} <span className="muted">← {w.base_branch}</span>
                    </td>
                    <td>
                      <ProjectName id={w.project_id} projects={projects} />
                    </td>
                    <td>
                      <StatusCell w={w} />
                    </td>
                    <td>{w.owner ?? "–"}</td>
                    <td className="mono wrap">{w.task_id ?? "–"}</td>
                    <td className="mono muted wrap">{w.path}</td>
                    <td>
                      <RelativeTime iso={w.updated_at} />
                    </td>
                    <td>{actions(w)}</td>
                  </tr>
                ))}
              </Table>
            );
          }}
        </QueryContent>
      </div>
      {asking?.kind === "merge" ? (
        <ConfirmDialog
          title={`Merge ${asking.worktree.branch} into ${asking.worktree.base_branch}?`}
          confirmLabel="Merge"
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            startMerge(asking.worktree);
            setAsking(null);
          }}
        >
          <p>
            The branch's commits are merged into <span className="mono">{asking.worktree.base_branch}</span> in the
            project's repository. On a conflict nothing changes and you are told which files conflict.
          </p>
        </ConfirmDialog>
      ) : null}
      {asking?.kind === "delete" ? (
        <ConfirmDialog
          title={`Delete ${asking.worktree.branch}?`}
          confirmLabel={force ? "Delete anyway" : "Delete"}
          danger
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            remove.mutate({ id: asking.worktree.id, branch: asking.worktree.branch, force });
            setAsking(null);
          }}
        >
          <p>
            The checkout at <span className="mono">{asking.worktree.path}</span> is removed. Its branch is deleted too
            when that loses no commit; otherwise the branch stays.
          </p>
          {asking.worktree.status === "claimed" ? <p>It is claimed by {asking.worktree.owner}.</p> : null}
          <label className="row-actions">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
            Force: also if claimed or with uncommitted changes, and delete the branch even if unmerged
          </label>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
