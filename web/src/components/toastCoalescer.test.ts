import { ToastCoalescer, type ToastSink, type ToastTone } from "./toastCoalescer";

class RecordingSink implements ToastSink {
  readonly onScreen = new Map<string, { tone: ToastTone; title: string; description?: string; onGone: () => void }>();
  shows = 0;
  show(id: string, tone: ToastTone, title: string, opts: { description?: string; onGone: () => void }): void {
    this.shows += 1;
    this.onScreen.set(id, { tone, title, description: opts.description, onGone: opts.onGone });
  }
  dismiss(id: string): void {
    this.onScreen.delete(id);
  }
  expire(id: string): void {
    const t = this.onScreen.get(id);
    this.onScreen.delete(id);
    t?.onGone();
  }
}

const created = (title: string) => ({
  kind: "task-created",
  tone: "success" as const,
  single: "Task created",
  plural: (n: number) => `${n} tasks created`,
  description: title,
});

test("a storm of one kind collapses into one toast that counts", () => {
  const sink = new RecordingSink();
  const c = new ToastCoalescer(sink, { updateEveryMs: 0 });
  for (let i = 0; i < 500; i++) c.notify(created(`t${i}`));
  expect(sink.onScreen.size).toBe(1);
  expect(sink.onScreen.get("tw-task-created")?.title).toBe("500 tasks created");
  expect(sink.onScreen.get("tw-task-created")?.description).toBe("Latest: t499");
});

test("after the toast expires the next notice starts a fresh single toast", () => {
  const sink = new RecordingSink();
  const c = new ToastCoalescer(sink, { updateEveryMs: 0 });
  c.notify(created("a"));
  c.notify(created("b"));
  sink.expire("tw-task-created");
  expect(c.onScreen).toBe(0);
  c.notify(created("c"));
  expect(sink.onScreen.get("tw-task-created")).toMatchObject({ title: "Task created", description: "c" });
});

test("an old toast's expiry does not reset a newer toast of the same kind", () => {
  const sink = new RecordingSink();
  const c = new ToastCoalescer(sink, { updateEveryMs: 0 });
  c.notify(created("a"));
  const staleOnGone = sink.onScreen.get("tw-task-created")!.onGone;
  sink.expire("tw-task-created");
  c.notify(created("b"));
  staleOnGone();
  c.notify(created("c"));
  expect(sink.onScreen.get("tw-task-created")?.title).toBe("2 tasks created");
});

test("kinds are independent and clear() removes one", () => {
  const sink = new RecordingSink();
  const c = new ToastCoalescer(sink, { updateEveryMs: 0 });
  c.notify(created("a"));
  c.notify({ kind: "connection", tone: "error", single: "Connection lost", plural: () => "Connection lost" });
  expect(sink.onScreen.size).toBe(2);
  c.clear("connection");
  expect([...sink.onScreen.keys()]).toEqual(["tw-task-created"]);
});

test("updates to an on-screen toast are throttled, and the last count always shows", () => {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const sink = new RecordingSink();
  const c = new ToastCoalescer(sink, {
    updateEveryMs: 250,
    now: () => now,
    setTimer: (fn, ms) => timers.push({ at: now + ms, fn }),
    clearTimer: () => undefined,
  });
  // 1,000 events over one second, one per millisecond.
  for (let i = 0; i < 1000; i++) {
    now = i;
    while (timers.length > 0 && timers[0]!.at <= now) timers.shift()!.fn();
    c.notify(created(`t${i}`));
  }
  now = 2000;
  while (timers.length > 0) timers.shift()!.fn();
  expect(sink.shows).toBeLessThanOrEqual(6);
  expect(sink.onScreen.get("tw-task-created")?.title).toBe("1000 tasks created");
});
