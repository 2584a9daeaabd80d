/**
 * Model test of changes that depend on a task still being created: status changes, closes
 * and expands made on a placeholder (`tmp_…`), and creates of subtasks under one, queued while
 * offline and replayed through lost requests, lost replies and reloads. Some creates are
 * refused by the daemon, so whatever depends on them (directly or through a subtask chain)
 * has nowhere to go.
 *
 * The model says, from the user's actions alone, which tasks come to exist and what the
 * daemon must apply: every change to an existing task once, sent to its real id, in the
 * order the user made them (one queue), and exactly one failure for each change that cannot
 * be applied -- the refused create itself and everything naming it.
 */
import fc from "fast-check";
import { onlineManager } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskStatus } from "./api";
import { mutationKeys } from "./mutations";
import { createdIds, newTempId } from "./optimistic";
import { Page, QueueDaemon, REFUSED_PREFIX, serveDaemon, type Fault } from "./queueHarness";

type Action =
  | { readonly kind: "create"; readonly parent: number | null; readonly refused: boolean }
  | { readonly kind: "status"; readonly target: number; readonly status: "open" | "in_progress" | "blocked" }
  | { readonly kind: "close"; readonly target: number }
  | { readonly kind: "expand"; readonly target: number; readonly count: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      parent: fc.option(fc.nat(5), { nil: null }),
      refused: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("status" as const),
      target: fc.nat(5),
      status: fc.constantFrom("open" as const, "in_progress" as const, "blocked" as const),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant("close" as const), target: fc.nat(5) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("expand" as const), target: fc.nat(5), count: fc.integer({ min: 1, max: 2 }) }), weight: 1 },
);

/** One task as the user made it. */
interface Made {
  readonly tempId: string;
  readonly title: string;
  readonly parent: Made | null;
  readonly exists: boolean;
  status: TaskStatus;
}

/** What the daemon must have done, in its words: `<title> <what>`, in order, and the failures. */
interface Expectation {
  readonly made: Made[];
  readonly applied: string[];
  readonly failures: ("refused" | "not_created")[];
}

function plan(actions: readonly Action[], page: Page): Expectation {
  const made: Made[] = [];
  const applied: string[] = [];
  const failures: Expectation["failures"] = [];
  for (const action of actions) {
    if (action.kind === "create") {
      const parent = action.parent === null || made.length === 0 ? null : (made[action.parent % made.length] as Made);
      const title = `${action.refused ? REFUSED_PREFIX : ""}t${made.length + 1}`;
      // A create under a task that never came to be fails before it is sent; a refused one at the daemon.
      const exists = !action.refused && (parent === null || parent.exists);
      const m: Made = { tempId: newTempId(), title, parent, exists, status: "open" };
      made.push(m);
      if (exists) applied.push(`${title} create`);
      else failures.push(parent !== null && !parent.exists ? "not_created" : "refused");
      page.run(mutationKeys.createTask, {
        input: { title, ...(parent === null ? {} : { parent_id: parent.tempId }) },
        tempId: m.tempId,
      });
      continue;
    }
    const target = made[action.target % Math.max(made.length, 1)];
    if (target === undefined) continue;
    if (action.kind === "close" && target.exists && target.status === "closed") continue; // a second close is a 409
    if (!target.exists) failures.push("not_created");
    if (action.kind === "status") {
      if (target.exists) {
        target.status = action.status;
        applied.push(`${target.title} status ${action.status}`);
      }
      page.run(mutationKeys.updateTaskStatus, { id: target.tempId, status: action.status, title: target.title });
    } else if (action.kind === "close") {
      if (target.exists) {
        target.status = "closed";
        applied.push(`${target.title} close`);
      }
      page.run(mutationKeys.closeTask, { id: target.tempId, title: target.title });
    } else {
      const subtasks = Array.from({ length: action.count }, (_, k) => ({ title: `${target.title}.${made.length}.${k}` }));
      if (target.exists) {
        applied.push(...subtasks.map((s) => `${s.title} create`), `${target.title} expand ${subtasks.length}`);
      }
      page.run(mutationKeys.expandTask, { id: target.tempId, subtasks, title: target.title });
    }
  }
  return { made, applied, failures };
}

function kindOf(error: string): string {
  if (error.includes("never created")) return "not_created";
  if (error.includes("validation_error")) return "refused";
  return error;
}

describe("changes on tasks still being created", () => {
  beforeEach(() => onlineManager.setOnline(false));
  afterEach(() => {
    onlineManager.setOnline(true);
    vi.unstubAllGlobals();
  });

  it("reach the real task once and in order, and fail once when it never came to be", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(actionArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.constantFrom<Fault>("ok", "ok", "before", "after", "reload"), { maxLength: 12 }),
        fc.boolean(),
        async (actions, faults, reloadOffline) => {
          const daemon = new QueueDaemon();
          const page = new Page();
          serveDaemon(daemon, page, [...faults]);
          await page.open();
          const expected = plan(actions, page);
          if (reloadOffline) await page.reload();
          onlineManager.setOnline(true);
          await page.drain();
          expect(page.pending()).toBe(0);

          // The daemon applied exactly the user's changes, in the user's order, each once.
          const titleOf = new Map([...daemon.tasks.values()].map((t) => [t.id, t.title]));
          const applied = daemon.applied.map((line) => {
            const [id, ...rest] = line.split(" ");
            return [titleOf.get(id ?? "") ?? id, ...rest].join(" ");
          });
          expect(applied).toEqual(expected.applied);
          expect(page.errors.map(kindOf).sort()).toEqual([...expected.failures].sort());

          // Each task that came to be: its status, its parent's real id, and its placeholder's record.
          const idOf = new Map([...daemon.tasks.values()].map((t) => [t.title, t.id]));
          const created = createdIds(page.client);
          for (const m of expected.made) {
            const id = idOf.get(m.title);
            if (!m.exists) {
              expect(id).toBeUndefined();
              continue;
            }
            const row = daemon.tasks.get(id ?? "");
            expect(row?.status).toBe(m.status);
            expect(row?.parent_id).toBe(m.parent === null ? null : idOf.get(m.parent.title));
            expect(created.get(m.tempId)).toBe(id);
          }
          onlineManager.setOnline(false);
          page.client.unmount();
        },
      ),
      { numRuns: 60 },
    );
  });
});
