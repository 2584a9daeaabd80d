/**
 * The Events page's memory: the last `capacity` frames received, and what the list shows.
 *
 * Live, the list shows the newest `capacity` frames. Paused, it keeps showing exactly what it
 * showed (nothing scrolls away from under the reader), while new frames are still taken and
 * counted; resuming shows the newest `capacity` again, so nothing is lost unless more than
 * `capacity` arrived during the pause. Memory stays bounded: at most twice `capacity` live
 * frames (the front is trimmed in batches) plus, while paused, a copy of the rows on screen.
 *
 * Positions are absolute (the n-th frame received), so a snapshot can tell the list how many
 * rows left its top since the previous one, and a scroll position can be kept.
 */
export interface FrameLogSnapshot<T> {
  /** Absolute position of the first row shown (frames dropped from the top before it). */
  readonly start: number;
  /** How many rows are shown. */
  readonly length: number;
  /** The row at 0-based position `index` of those shown, oldest first. */
  readonly at: (index: number) => T | undefined;
  readonly paused: boolean;
  /** Frames received since the pause, not shown yet. */
  readonly pending: number;
  /** Of those, how many will not be shown on resume, the bound having dropped them. */
  readonly overflowed: number;
  /** Frames received in all. */
  readonly received: number;
  readonly capacity: number;
}

export const DEFAULT_CAPACITY = 5_000;

export class FrameLog<T> {
  readonly capacity: number;
  /** Frames from absolute position `#base` on; the front is trimmed in batches. */
  #store: T[] = [];
  #base = 0;
  #received = 0;
  /** While paused: the window shown at the pause, [start, end), and its rows. */
  #frozen: { start: number; end: number; rows: readonly T[] } | null = null;
  #snapshot: FrameLogSnapshot<T> | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(capacity: number = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`FrameLog capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  push(frame: T): void {
    this.#store.push(frame);
    this.#received += 1;
    this.#trim();
    this.#changed();
  }

  pause(): void {
    if (this.#frozen !== null) return;
    const start = this.#liveStart();
    // A copy, once: the live store goes on trimming its front during the pause.
    this.#frozen = { start, end: this.#received, rows: this.#store.slice(start - this.#base) };
    this.#changed();
  }

  resume(): void {
    if (this.#frozen === null) return;
    this.#frozen = null;
    this.#changed();
  }

  /** Forgets every frame (the pause, if any, stays, over an empty list). */
  clear(): void {
    this.#base = this.#received;
    this.#store = [];
    if (this.#frozen !== null) this.#frozen = { start: this.#received, end: this.#received, rows: [] };
    this.#changed();
  }

  /** Immutable until the next change; the same object while nothing changed. */
  getSnapshot = (): FrameLogSnapshot<T> => {
    if (this.#snapshot === null) {
      const frozen = this.#frozen;
      const start = frozen?.start ?? this.#liveStart();
      const end = frozen?.end ?? this.#received;
      const pending = frozen === null ? 0 : this.#received - frozen.end;
      // Bound to this snapshot's rows: a later trim replaces the store's array, so an old
      // snapshot keeps reading the rows it described.
      const rows = frozen?.rows ?? this.#store;
      const offset = frozen === null ? start - this.#base : 0;
      this.#snapshot = {
        start,
        length: end - start,
        at: (index) => (index < 0 || index >= end - start ? undefined : rows[offset + index]),
        paused: frozen !== null,
        pending,
        overflowed: Math.max(0, pending - this.capacity),
        received: this.#received,
        capacity: this.capacity,
      };
    }
    return this.#snapshot;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  #liveStart(): number {
    // Never before #base: a clear() forgets everything received until then.
    return Math.max(this.#base, this.#received - this.capacity);
  }

  /** Drops what the live window no longer holds, once that is a whole capacity's worth (amortised O(1)). */
  #trim(): void {
    const keepFrom = this.#liveStart();
    if (keepFrom - this.#base >= this.capacity) {
      // A new array rather than splice: snapshots handed out keep the old one intact.
      this.#store = this.#store.slice(keepFrom - this.#base);
      this.#base = keepFrom;
    }
  }

  #changed(): void {
    this.#snapshot = null;
    for (const listener of [...this.#listeners]) listener();
  }
}
