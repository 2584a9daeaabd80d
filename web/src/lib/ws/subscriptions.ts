/**
 * Reference-counted subscription set shared by every component on one socket.
 *
 * Only the 0 -> 1 and 1 -> 0 transitions reach the wire, so two views that both
 * want `task.*` cost one `subscribe`, and the first one unmounting does not cut
 * the other off.
 */
export class SubscriptionRegistry {
  readonly #counts = new Map<string, number>();

  /** Adds one reference per name; returns the names that became active, in first-seen order. */
  add(names: readonly string[]): string[] {
    const added: string[] = [];
    for (const name of names) {
      const count = this.#counts.get(name) ?? 0;
      this.#counts.set(name, count + 1);
      if (count === 0) added.push(name);
    }
    return added;
  }

  /** Drops one reference per name; returns the names that became inactive. Unknown names are ignored. */
  remove(names: readonly string[]): string[] {
    const removed: string[] = [];
    for (const name of names) {
      const count = this.#counts.get(name);
      if (count === undefined) continue;
      if (count <= 1) {
        this.#counts.delete(name);
        removed.push(name);
      } else {
        this.#counts.set(name, count - 1);
      }
    }
    return removed;
  }

  /** The active set, in the order names first became active. */
  active(): string[] {
    return [...this.#counts.keys()];
  }

  has(name: string): boolean {
    return this.#counts.has(name);
  }

  refCount(name: string): number {
    return this.#counts.get(name) ?? 0;
  }
}

/** The schema's limits for one subscribe / unsubscribe frame. */
export const MAX_NAMES_PER_FRAME = 256;
export const MAX_NAME_LENGTH = 512;

/** Splits a name list into frames the daemon accepts (1..256 names each). */
export function chunkNames(names: readonly string[], size = MAX_NAMES_PER_FRAME): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += size) chunks.push(names.slice(i, i + size));
  return chunks;
}
