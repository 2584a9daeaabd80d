/**
 * Keeps an event storm from stacking hundreds of toasts: every kind of notice owns one
 * toast id. While that toast is on screen, further notices of the kind update it in place
 * ("12 tasks created") instead of adding toasts; once it is dismissed or expires the next
 * notice starts a fresh one. So at most one toast per kind exists at any time, and updates
 * to it are throttled (trailing) so a storm of thousands of events per second re-renders
 * the toast a few times per second, not once per event.
 */
export type ToastTone = "success" | "error" | "info" | "warning";

export interface ToastSink {
  show(
    id: string,
    tone: ToastTone,
    title: string,
    opts: { description?: string; duration?: number; onGone: () => void },
  ): void;
  dismiss(id: string): void;
}

export interface Notice {
  /** Notices with the same kind collapse into one toast. */
  kind: string;
  tone: ToastTone;
  /** Title when this is the only notice of its kind on screen. */
  single: string;
  /** Title for n > 1 notices of the kind, e.g. (n) => `${n} tasks created`. */
  plural: (n: number) => string;
  description?: string;
  duration?: number;
}

export interface CoalescerOptions {
  /** Minimum spacing of updates to one on-screen toast (ms). */
  readonly updateEveryMs?: number;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

interface Live {
  count: number;
  generation: number;
  latest: Notice;
  shownAt: number;
  timer: unknown;
}

export class ToastCoalescer {
  readonly #sink: ToastSink;
  readonly #live = new Map<string, Live>();
  #generation = 0;
  readonly #every: number;
  readonly #now: () => number;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;

  constructor(sink: ToastSink, options: CoalescerOptions = {}) {
    this.#sink = sink;
    this.#every = options.updateEveryMs ?? 250;
    this.#now = options.now ?? (() => Date.now());
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  notify(notice: Notice): void {
    const live = this.#live.get(notice.kind);
    if (live === undefined) {
      const fresh: Live = { count: 1, generation: ++this.#generation, latest: notice, shownAt: 0, timer: null };
      this.#live.set(notice.kind, fresh);
      this.#show(notice.kind, fresh);
      return;
    }
    live.count += 1;
    live.latest = notice;
    if (live.timer !== null) return; // a trailing update is already due and will show this one
    const wait = live.shownAt + this.#every - this.#now();
    if (wait <= 0) {
      this.#show(notice.kind, live);
      return;
    }
    live.timer = this.#setTimer(() => {
      live.timer = null;
      if (this.#live.get(notice.kind) === live) this.#show(notice.kind, live);
    }, wait);
  }

  #show(kind: string, live: Live): void {
    const { latest: notice, count, generation } = live;
    live.shownAt = this.#now();
    const title = count === 1 ? notice.single : notice.plural(count);
    const description = count === 1 ? notice.description : notice.description ? `Latest: ${notice.description}` : undefined;
    this.#sink.show(`tw-${kind}`, notice.tone, title, {
      description,
      duration: notice.duration,
      onGone: () => {
        // A generation per toast instance, so the expiry callback of an old toast cannot
        // end a newer one of the same kind.
        const current = this.#live.get(kind);
        if (current?.generation !== generation) return;
        if (current.timer !== null) this.#clearTimer(current.timer);
        this.#live.delete(kind);
      },
    });
  }

  /** Remove a kind's toast now (e.g. "connection lost" once it is restored). */
  clear(kind: string): void {
    const live = this.#live.get(kind);
    if (live === undefined) return;
    if (live.timer !== null) this.#clearTimer(live.timer);
    this.#live.delete(kind);
    this.#sink.dismiss(`tw-${kind}`);
  }

  /** Number of kinds with a toast on screen; never more than the number of kinds. */
  get onScreen(): number {
    return this.#live.size;
  }

  dispose(): void {
    for (const live of this.#live.values()) if (live.timer !== null) this.#clearTimer(live.timer);
  }
}
