/**
 * Property test of LiveSync with fetch responses resolved in an order chosen by
 * fc.scheduler: whatever the interleaving of events, clock and responses, the
 * cached seq never goes backwards, refetches stay within the coalescing bound,
 * and once things settle the data reflects the last event.
 */
import fc from "fast-check";
import { QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { LiveList } from "./liveData";
import { queryKeys } from "./queryKeys";
import { createSyncHarness } from "./syncHarness";

const WINDOW = 100;

type Step =
  | { kind: "event"; count: number }
  | { kind: "advance"; ms: number }
  | { kind: "refetch" }
  | { kind: "respond" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map((count) => ({ kind: "event" as const, count })),
  fc.integer({ min: 0, max: 250 }).map((ms) => ({ kind: "advance" as const, ms })),
  fc.constant({ kind: "refetch" as const }),
  fc.constant({ kind: "respond" as const }),
);

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("LiveSync (property)", () => {
  it("never lets data go back, bounds refetches, and converges", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(step, { minLength: 1, maxLength: 40 }), async (s, steps) => {
        const { client, clock, sync } = createSyncHarness({ windowMs: WINDOW });
        let head = 0;
        let fetches = 0;
        const key = queryKeys.tasks.list();
        const observer = new QueryObserver(client, {
          queryKey: key,
          queryFn: () => {
            fetches += 1;
            const body = { items: [head], seq: head };
            return sync.stamp(s.schedule(Promise.resolve(body), `response@${head}`));
          },
        });
        const seen: number[] = [];
        const off = observer.subscribe((r) => {
          if (r.data !== undefined) seen.push((r.data as LiveList<number>).seq);
        });
        try {
          await s.waitAll();
          const start = clock.now;
          let manual = 0;
          for (const st of steps) {
            if (st.kind === "event") {
              for (let i = 0; i < st.count; i += 1) {
                head += 1;
                sync.handleEvent({ type: "task.updated", seq: head, data: {} });
              }
            } else if (st.kind === "advance") {
              clock.advance(st.ms);
            } else if (st.kind === "refetch") {
              manual += 1;
              void observer.refetch({ cancelRefetch: false });
            } else if (s.count() > 0) {
              // One response lands (the scheduler picks which); others stay in flight.
              await s.waitOne();
            }
            await tick();
          }
          // Settle: responses land, pending flushes run, until nothing is left to do.
          for (let round = 0; round < 20; round += 1) {
            await s.waitAll();
            await tick();
            clock.advance(WINDOW);
            await tick();
          }
          await s.waitAll();
          const data = client.getQueryData<LiveList<number>>(key);
          expect(data?.seq).toBe(head);
          for (let i = 1; i < seen.length; i += 1) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
          // Event-driven refetches: at most one per window of clock time, plus the trailing ones.
          const elapsed = clock.now - start;
          expect(fetches - 1 - manual).toBeLessThanOrEqual(Math.ceil(elapsed / WINDOW) + 2);
        } finally {
          off();
          sync.dispose();
          client.clear();
        }
      }),
      { numRuns: 60 },
    );
  });
});
