import type { Session, Worktree } from "../views/data";

/**
 * Sessions working on a task: those running in one of its worktrees (their cwd is the worktree's
 * path or inside it). Sessions carry no task id of their own, so the worktree is the link.
 */
export function linkedSessions(sessions: readonly Session[], worktrees: readonly Worktree[]): Session[] {
  const roots = worktrees.map((w) => w.path.replace(/\/+$/u, ""));
  return sessions.filter((s) => {
    const cwd = s.cwd;
    return typeof cwd === "string" && roots.some((root) => cwd === root || cwd.startsWith(`${root}/`));
  });
}
