import { QueryClient } from "@tanstack/react-query";
import { persistQueryClientRestore, persistQueryClientSave } from "@tanstack/react-query-persist-client";
import { describe, expect, it } from "vitest";
import { CACHE_BUSTER, CACHE_STORAGE_KEY, createPersistOptions, createQueryClient } from "./queryClient";
import { mutationKeys } from "./mutations";

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

/** The persister writes on a later turn even unthrottled. */
async function written(storage: Storage): Promise<void> {
  for (let i = 0; i < 50 && storage.getItem(CACHE_STORAGE_KEY) === null; i += 1) {
    await new Promise((r) => setTimeout(r, 0));
  }
}

// The persister packages carry their own query-core copy; the client is the same object at runtime.
type CoreClient = Parameters<typeof persistQueryClientSave>[0]["queryClient"];
const core = (c: QueryClient) => c as unknown as CoreClient;

describe("persisted cache", () => {
  it("round-trips live data through storage", async () => {
    const storage = new MemoryStorage();
    const options = createPersistOptions(storage, 0);
    const a = createQueryClient();
    a.setQueryData(["tasks", "list", {}], { items: [1], seq: 4, epoch: "e" });
    a.setQueryData(["health"], { status: "ok" });
    a.getQueryCache().find({ queryKey: ["health"] })!.options.meta = { persist: false };
    await persistQueryClientSave({ ...options, queryClient: core(a) });
    await written(storage);
    expect(storage.getItem(CACHE_STORAGE_KEY)).toContain(CACHE_BUSTER);

    const b = createQueryClient();
    await persistQueryClientRestore({ ...options, queryClient: core(b) });
    expect(b.getQueryData(["tasks", "list", {}])).toEqual({ items: [1], seq: 4, epoch: "e" });
    expect(b.getQueryData(["health"])).toBeUndefined();
  });

  it("discards a cache written by another version (buster) or too old (maxAge)", async () => {
    const storage = new MemoryStorage();
    const options = createPersistOptions(storage, 0);
    const a = createQueryClient();
    a.setQueryData(["tasks", "list", {}], { items: [1], seq: 4, epoch: "e" });
    await persistQueryClientSave({ ...options, queryClient: core(a) });
    await written(storage);

    const b = createQueryClient();
    await persistQueryClientRestore({ ...options, buster: "another-version", queryClient: core(b) });
    expect(b.getQueryData(["tasks", "list", {}])).toBeUndefined();

    await persistQueryClientSave({ ...options, queryClient: core(a) });
    await written(storage);
    const c = createQueryClient();
    await persistQueryClientRestore({ ...options, maxAge: -1, queryClient: core(c) });
    expect(c.getQueryData(["tasks", "list", {}])).toBeUndefined();
  });

  it("registers a mutation function for every key, so restored paused mutations can run", () => {
    const client = createQueryClient();
    for (const key of Object.values(mutationKeys)) {
      expect(typeof client.getMutationDefaults(key).mutationFn).toBe("function");
      expect(client.getMutationDefaults(key).scope).toBeUndefined();
    }
    expect(client.getDefaultOptions().mutations?.scope?.id).toBeTruthy();
    expect(client.getDefaultOptions().mutations?.networkMode).toBe("online");
  });
});
