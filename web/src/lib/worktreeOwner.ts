/** The name the dashboard claims worktrees as, remembered in this browser. */
const KEY = "tidewire.worktreeOwner";
export const DEFAULT_OWNER = "dashboard";

export function savedOwner(): string {
  try {
    return window.localStorage.getItem(KEY) ?? DEFAULT_OWNER;
  } catch {
    // Storage can be refused (privacy settings); claiming still works with the default.
    return DEFAULT_OWNER;
  }
}

export function rememberOwner(owner: string): void {
  try {
    window.localStorage.setItem(KEY, owner);
  } catch {
    // Not remembered, nothing lost: the field keeps the name for this visit.
  }
}
