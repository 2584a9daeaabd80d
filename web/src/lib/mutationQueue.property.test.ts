/**
 * Model test of the mutation queue against an in-memory daemon with the REST idempotency
 * rules (docs/protocol.md): changes made while offline, on tasks still being created, then
 * replayed through lost requests (before the daemon applied them), lost replies (after), and
 * reloads of the page in the middle. The daemon must end with exactly the changes the user
 * made, each applied once, and no change may fail.
 */
import fc from "fast-check";
import { onlineManager, type QueryClient } from "@tanstack/react-query";
import { persistQueryClientRestore, persistQueryClientSave } from "@tanstack/react-query-persist-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskStatus } from "./api";
import { mutationKeys } from "./mutations";
import { newTempId, resolvePending, optimisticTask } from "./optimistic";
import { createPersistOptions, createQueryClient } from "./queryClient";
import { withKey } from "../hooks/useTaskMutations";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

class MemoryStorage implements Storage {
  #map = new Map<string, string>();
  get length() {
    return this.#map.size;
  }
  clear() {
    this.#map.clear();
  }
  getItem(k: string) {
    return this.#map.get(k) ?? null;
  }
  key(i: number) {
    return [...this.#map.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.#map.delete(k);
  }
  setItem(k: string, v: string) {
    this.#map.set(k, v);
  }
}

/** What happens to one request: answered, lost before the daemon ran it, lost after, or the page reloads while it is out. */
type Fault = "ok" | "before" | "after" | "reload";

/** The daemon's side: tasks, idempotency keys and their replies, and what it applied. */
class FakeDaemon {
  tasks = new Map<string, Task>();
  replies = new Map<string, { print: string; status: number; body: string }>();
  applied = 0;
  #next = 1;

  handle(method: string, path: string, body: string, key: string | null): { status: number; body: string } {
    const print = `${method} ${path} ${body}`;
    if (key !== null) {
      const stored = this.replies.get(key);
      if (stored !== undefined) {
        return stored.print === print ? stored : { status: 422, body: err("idempotency_key_reused") };
      }
    }
    const reply = this.#run(method, path, JSON.parse(body || "{}") as Record<string, unknown>);
    if (key !== null && reply.status < 300) this.replies.set(key, { print, ...reply });
    return reply;
  }

  #run(method: string, path: string, input: Record<string, unknown>): { status: number; body: string } {
    const parts = path.split("/").slice(3); // /api/tasks/...
    if (method === "POST" && parts.length === 0) {
      const id = `tsk_${this.#next++}`;
      const made = task(id, { title: String(input.title) });
      this.tasks.set(id, made);
      this.applied += 1;
      return { status: 201, body: JSON.stringify(made) };
    }
    const found = this.tasks.get(decodeURIComponent(parts[0] ?? ""));
    if (found === undefined) return { status: 404, body: err("not_found") };
    if (method === "PATCH") {
      this.applied += 1;
      const next = { ...found, status: input.status as TaskStatus };
      this.tasks.set(found.id, next);
      return { status: 200, body: JSON.stringify(next) };
    }
    if (parts[1] === "close") {
      if (found.status === "closed") return { status: 409, body: err("conflict") };
      this.applied += 1;
      const next = { ...found, status: "closed" as const };
      this.tasks.set(found.id, next);
      return { status: 200, body: JSON.stringify(next) };
    }
    return { status: 404, body: err("not_found") };
  }
}

function err(code: string): string {
  return JSON.stringify({ error: { code, message: code } });
}

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

/** The page: a client, its persisted cache, and the requests it has out. */
class Page {
  client!: QueryClient;
  generation = 0;
  errors: string[] = [];
  readonly storage = new MemoryStorage();
  readonly options = createPersistOptions(this.storage, 0);

  async open(): Promise<void> {
    this.generation += 1;
    this.client?.unmount();
    this.client = createQueryClient();
    this.client.mount(); // as QueryClientProvider does: paused changes resume when back online
    this.client.setDefaultOptions({
      ...this.client.getDefaultOptions(),
      mutations: { ...this.client.getDefaultOptions().mutations, retryDelay: 0 },
    });
    const generation = this.generation;
    this.client.getMutationCache().subscribe((event) => {
      if (generation !== this.generation) return;
      if (event.mutation?.state.status === "error") this.errors.push(String(event.mutation.state.error));
      void persistQueryClientSave({ ...this.options, queryClient: this.client }).then(() => this.options.persister.flush());
    });
    await persistQueryClientRestore({ ...this.options, queryClient: this.client });
  }

  async reload(): Promise<void> {
    await persistQueryClientSave({ ...this.options, queryClient: this.client });
    this.options.persister.flush();
    await this.open();
    void this.client.resumePausedMutations();
  }

  run(key: readonly string[], vars: object): void {
    void this.client
      .getMutationCache()
      .build(this.client, { mutationKey: key })
      .execute(withKey(vars as never))
      .catch(() => undefined);
  }

  pending(): number {
    return this.client.getMutationCache().getAll().filter((m) => m.state.status === "pending").length;
  }
}

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
          const daemon = new FakeDaemon();
          const page = new Page();
          const script = [...faults];
          vi.stubGlobal("fetch", (url: string, init: RequestInit) => {
            const generation = page.generation;
            const headers = init.headers as Record<string, string>;
            const path = new URL(url, "http://daemon").pathname;
            const body = typeof init.body === "string" ? init.body : "";
            const fault = script.shift() ?? "ok";
            const reply = () => {
              const r = daemon.handle(init.method ?? "GET", path, body, headers["Idempotency-Key"] ?? null);
              return new Response(r.body, { status: r.status, headers: { "X-Tidewire-Seq": "1" } });
            };
            if (fault === "before") return Promise.reject(new TypeError("connection reset"));
            if (fault === "after") {
              reply();
              return Promise.reject(new TypeError("connection reset"));
            }
            if (fault === "reload") {
              reply(); // applied; the page that sent it is gone before the reply arrives
              queueMicrotask(() => {
                if (page.generation === generation) void page.reload();
              });
              return new Promise<Response>(() => undefined);
            }
            return Promise.resolve(reply());
          });
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
          for (let i = 0; i < 400 && page.pending() > 0; i += 1) {
            await new Promise((r) => setTimeout(r, 0));
          }
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
