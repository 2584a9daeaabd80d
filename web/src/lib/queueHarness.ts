/**
 * Test setup for the mutation queue: an in-memory daemon with the REST idempotency rules
 * (docs/protocol.md, "Idempotent writes"), a page (client, persisted cache, requests out)
 * that can be reloaded, and a fetch that loses requests or replies as a script says.
 */
import { type QueryClient } from "@tanstack/react-query";
import { persistQueryClientRestore, persistQueryClientSave } from "@tanstack/react-query-persist-client";
import { vi } from "vitest";
import type { TaskStatus } from "./api";
import { createPersistOptions, createQueryClient } from "./queryClient";
import { withKey } from "../hooks/useTaskMutations";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

export class MemoryStorage implements Storage {
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
export type Fault = "ok" | "before" | "after" | "reload";

/** A title the daemon refuses (422), so a create can fail for good. */
export const REFUSED_PREFIX = "!";

/** The daemon's side: tasks, idempotency keys and their replies, and every change it applied, in order. */
export class QueueDaemon {
  tasks = new Map<string, Task>();
  replies = new Map<string, { print: string; status: number; body: string }>();
  /** Applied changes, `<task id> <what>`, in the order the daemon applied them. */
  readonly applied: string[] = [];
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

  #create(input: Record<string, unknown>): Task | string {
    const title = String(input.title);
    if (title.startsWith(REFUSED_PREFIX)) return "validation_error";
    const parent = typeof input.parent_id === "string" ? input.parent_id : null;
    if (parent !== null && !this.tasks.has(parent)) return "not_found";
    const id = `tsk_${this.#next++}`;
    const made = task(id, { title, parent_id: parent });
    this.tasks.set(id, made);
    this.applied.push(`${id} create`);
    return made;
  }

  #run(method: string, path: string, input: Record<string, unknown>): { status: number; body: string } {
    const parts = path.split("/").slice(3); // /api/tasks/...
    if (method === "POST" && parts.length === 0) {
      const made = this.#create(input);
      if (typeof made === "string") return { status: made === "not_found" ? 404 : 422, body: err(made) };
      return { status: 201, body: JSON.stringify(made) };
    }
    const found = this.tasks.get(decodeURIComponent(parts[0] ?? ""));
    if (found === undefined) return { status: 404, body: err("not_found") };
    if (method === "PATCH") {
      const next = { ...found, status: input.status as TaskStatus };
      this.tasks.set(found.id, next);
      this.applied.push(`${found.id} status ${next.status}`);
      return { status: 200, body: JSON.stringify(next) };
    }
    if (parts[1] === "close") {
      if (found.status === "closed") return { status: 409, body: err("conflict") };
      const next = { ...found, status: "closed" as const };
      this.tasks.set(found.id, next);
      this.applied.push(`${found.id} close`);
      return { status: 200, body: JSON.stringify(next) };
    }
    if (parts[1] === "expand") {
      const subtasks = (input.subtasks ?? []) as { title: string }[];
      const made = subtasks.map((sub) => this.#create({ title: sub.title, parent_id: found.id }) as Task);
      this.applied.push(`${found.id} expand ${made.length}`);
      return { status: 200, body: JSON.stringify({ task: found, subtasks: made }) };
    }
    return { status: 404, body: err("not_found") };
  }
}

function err(code: string): string {
  return JSON.stringify({ error: { code, message: code } });
}

/** The page: a client, its persisted cache, and the requests it has out. */
export class Page {
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
      if (event.type === "updated" && event.action.type === "error") this.errors.push(String(event.mutation.state.error));
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

  /** Lets the queue run until nothing is pending (or a generous number of turns passed). */
  async drain(): Promise<void> {
    for (let i = 0; i < 600 && this.pending() > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}

/** Stubs fetch with the daemon behind it; each request takes the next fault of the script (then "ok"). */
export function serveDaemon(daemon: QueueDaemon, page: Page, script: Fault[]): void {
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
}
