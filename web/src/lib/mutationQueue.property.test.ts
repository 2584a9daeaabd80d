/**
 * Model test of the mutation queue against an in-memory daemon with the REST idempotency
 * rules (docs/protocol.md): changes made while offline, on tasks still being created, then
 * replayed through lost requests (before the daemon applied them), lost replies (after), and
 * reloads of the page in the middle. The daemon must end with exactly the changes the user
 * made, each applied once, and no change may fail.
 */
import fc from "fast-check";
import { onlineManager } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskStatus } from "./api";
import { mutationKeys } from "./mutations";
import { newTempId, resolvePending, optimisticTask } from "./optimistic";
import { Page, QueueDaemon, serveDaemon, type Fault } from "./queueHarness";
import { task } from "./ws/testkit";

type Action =
  | { readonly kind: "create" }
  | { readonly kind: "status"; readonly target: number; readonly status: "open" | "in_progress" | "blocked" }
  | { readonly kind: "close"; readonly target: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ kind: "create" as const }),
  fc.record({
    kind: fc.constant("status" as const),
    target: fc.nat(5),
    status: fc.constantFrom("open" as const, "in_progress" as const, "blocked" as const),
  }),
  fc.record({ kind: fc.constant("close" as const), target: fc.nat(5) }),
);

describe("the mutation queue", () => {
  beforeEach(() => onlineManager.setOnline(false));
  afterEach(() => {
    onlineManager.setOnline(true);
    vi.unstubAllGlobals();
  });

  it("applies every change once, in order, through lost requests, lost replies and reloads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(actionArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom<Fault>("ok", "before", "after", "reload"), { maxLength: 12 }),
        fc.boolean(),
        async (actions, faults, reloadOffline) => {
          const daemon = new QueueDaemon();
          const page = new Page();
          serveDaemon(daemon, page, [...faults]);
          await page.open();

          // The user's changes, made offline: targets name tasks by the placeholder they saw.
          const temps: string[] = [];
          const expected = new Map<string, TaskStatus>();
          for (const action of actions) {
            if (action.kind === "create") {
              const tempId = newTempId();
              temps.push(tempId);
              expected.set(tempId, "open");
              page.run(mutationKeys.createTask, { input: { title: `t${temps.length}` }, tempId });
              continue;
            }
            const id = temps[action.target % Math.max(temps.length, 1)];
            if (id === undefined) continue;
            if (action.kind === "status") {
              expected.set(id, action.status);
              page.run(mutationKeys.updateTaskStatus, { id, status: action.status });
            } else if (expected.get(id) !== "closed") {
              expected.set(id, "closed");
              page.run(mutationKeys.closeTask, { id });
            }
          }
          if (reloadOffline) await page.reload();
          onlineManager.setOnline(true);
          await page.drain();
          expect(page.pending()).toBe(0);
          expect(page.errors).toEqual([]);
          // Exactly the tasks the user made, each with the last status the user gave it.
          const byTitle = [...daemon.tasks.values()].map((t) => [t.title, t.status]).sort();
          const wanted = temps.map((tmp, i) => [`t${i + 1}`, expected.get(tmp)]).sort();
          expect(byTitle).toEqual(wanted);
          onlineManager.setOnline(false);
          page.client.unmount();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a task being created shows as one row", () => {
  it("whether its event or its reply comes first", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.constantFrom<TaskStatus | undefined>(undefined, "blocked"), (eventFirst, inList, status) => {
        const tempId = newTempId();
        const placeholder = optimisticTask(tempId, { title: "Write docs" }, new Date("2026-11-26T06:00:00Z"));
        const real = task("tsk_9", { title: "Write docs", created_at: "2026-11-26T06:00:00Z" });
        const older = task("tsk_1", { title: "Write docs", created_at: "2026-11-20T06:00:00Z" });
        const items = [older, ...(inList ? [placeholder] : []), ...(eventFirst ? [real] : [])];
        const pending = [
          { id: tempId, create: placeholder },
          ...(status ? [{ id: tempId, status }] : []),
        ];
        const { tasks, pendingIds } = resolvePending(items, pending);
        // The older task of the same title stays; the new one shows once, with the user's pending change.
        expect(tasks.filter((t) => t.title === "Write docs")).toHaveLength(2);
        const shown = tasks.find((t) => t.id !== "tsk_1")!;
        expect(shown.id).toBe(eventFirst ? "tsk_9" : tempId);
        expect(shown.status).toBe(status ?? "open");
        expect(pendingIds.has(shown.id)).toBe(true);
      }),
    );
  });
});
