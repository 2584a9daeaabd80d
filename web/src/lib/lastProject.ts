/**
 * The project the user last chose in a form (creating a task, starting an agent,
 * registering a repository), remembered in localStorage so the next form starts on it.
 */
export const LAST_PROJECT_KEY = "tidewire.lastProject";

type Store = Pick<Storage, "getItem" | "setItem">;

function storage(): Store | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // storage disabled (privacy mode): nothing is remembered
  }
}

export function readLastProject(store: Store | undefined = storage()): string | null {
  try {
    return store?.getItem(LAST_PROJECT_KEY) || null;
  } catch {
    return null;
  }
}

export function rememberProject(id: string, store: Store | undefined = storage()): void {
  try {
    store?.setItem(LAST_PROJECT_KEY, id);
  } catch {
    // full or disabled storage: forgetting the choice is harmless
  }
}

/**
 * The project a create form starts on: the remembered one while it is still registered,
 * else the first. With any project registered a task or run without one is either put in
 * the only project or refused (several), so "no project" is offered only when there are none.
 */
export function initialProject(projects: readonly { readonly id: string }[], remembered: string | null): string {
  if (remembered !== null && projects.some((p) => p.id === remembered)) return remembered;
  return projects[0]?.id ?? "";
}
