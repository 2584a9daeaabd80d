/**
 * Keeps an event storm from stacking hundreds of toasts: every kind of notice owns one
 * toast id. While that toast is on screen, further notices of the kind update it in place
 * ("12 tasks created") instead of adding toasts; once it is dismissed or expires the next
 * notice starts a fresh one. So at most one toast per kind exists at any time.
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

export class ToastCoalescer {
  readonly #sink: ToastSink;
  readonly #live = new Map<string, { count: number; generation: number }>();
  #generation = 0;

  constructor(sink: ToastSink) {
    this.#sink = sink;
  }

  notify(notice: Notice): void {
    const current = this.#live.get(notice.kind);
    const count = (current?.count ?? 0) + 1;
    // A generation per toast instance, so the expiry callback of an old toast cannot
    // reset the counter of a newer one with the same id.
    const generation = current?.generation ?? ++this.#generation;
    this.#live.set(notice.kind, { count, generation });
    const title = count === 1 ? notice.single : notice.plural(count);
    const description = count === 1 ? notice.description : notice.description ? `Latest: ${notice.description}` : undefined;
    this.#sink.show(`tw-${notice.kind}`, notice.tone, title, {
      description,
      duration: notice.duration,
      onGone: () => {
        if (this.#live.get(notice.kind)?.generation === generation) this.#live.delete(notice.kind);
      },
    });
  }

  /** Remove a kind's toast now (e.g. "connection lost" once it is restored). */
  clear(kind: string): void {
    if (this.#live.delete(kind)) this.#sink.dismiss(`tw-${kind}`);
  }

  /** Number of kinds with a toast on screen; never more than the number of kinds. */
  get onScreen(): number {
    return this.#live.size;
  }
}
