import { onlineManager } from "@tanstack/react-query";
import {
  persistQueryClientRestore,
  persistQueryClientSave,
  persistQueryClientSubscribe,
} from "@tanstack/react-query-persist-client";
import { afterEach, describe, expect, it } from "vitest";
import { task } from "./ws/testkit";
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

describe("persisted cache", () => {
  it("round-trips live data through storage", async () => {
    const storage = new MemoryStorage();
    const options = createPersistOptions(storage, 0);
    const a = createQueryClient();
    a.setQueryData(["tasks", "list", {}], { items: [1], seq: 4, epoch: "e" });
    a.setQueryData(["health"], { status: "ok" });
    a.getQueryCache().find({ queryKey: ["health"] })!.options.meta = { persist: false };
    await persistQueryClientSave({ ...options, queryClient: a });
    await written(storage);
    expect(storage.getItem(CACHE_STORAGE_KEY)).toContain(CACHE_BUSTER);

    const b = createQueryClient();
    await persistQueryClientRestore({ ...options, queryClient: b });
    expect(b.getQueryData(["tasks", "list", {}])).toEqual({ items: [1], seq: 4, epoch: "e" });
    expect(b.getQueryData(["health"])).toBeUndefined();
  });

  it("discards a cache written by another version (buster) or too old (maxAge)", async () => {
    const storage = new MemoryStorage();
    const options = createPersistOptions(storage, 0);
    const a = createQueryClient();
    a.setQueryData(["tasks", "list", {}], { items: [1], seq: 4, epoch: "e" });
    await persistQueryClientSave({ ...options, queryClient: a });
    await written(storage);

    const b = createQueryClient();
    await persistQueryClientRestore({ ...options, buster: "another-version", queryClient: b });
    expect(b.getQueryData(["tasks", "list", {}])).toBeUndefined();

    await persistQueryClientSave({ ...options, queryClient: a });
    await written(storage);
    const c = createQueryClient();
    await persistQueryClientRestore({ ...options, maxAge: -1, queryClient: c });
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

describe("writes that cannot wait for the throttle", () => {
  afterEach(() => onlineManager.setOnline(true));

  it("a change queued while the daemon is down is stored at once, with the rows it changed", () => {
    const storage = new MemoryStorage();
    // A throttle no test outlives: anything stored below was stored without waiting for it.
    const options = createPersistOptions(storage, 3_600_000);
    const client = createQueryClient();
    const stop = persistQueryClientSubscribe({ ...options, queryClient: client });
    client.setQueryData(["tasks", "list", {}], { items: [task("t1")], seq: 1, epoch: "e" });
    expect(storage.getItem(CACHE_STORAGE_KEY)).toBeNull();

    onlineManager.setOnline(false);
    void client
      .getMutationCache()
      .build(client, { mutationKey: mutationKeys.updateTaskStatus })
      .execute({ id: "t1", status: "blocked", title: "t1" });
    const raw = storage.getItem(CACHE_STORAGE_KEY) ?? "";
    expect(raw).toContain('"update-status"');
    expect(raw).toContain('"t1"');
    stop();
  });

  it("what waits for the throttle is written when the page is hidden or left", () => {
    const storage = new MemoryStorage();
    const options = createPersistOptions(storage, 3_600_000);
    const client = createQueryClient();
    const stop = persistQueryClientSubscribe({ ...options, queryClient: client });
    const unbind = options.persister.bindPageLifecycle();

    client.setQueryData(["tasks", "list", {}], { items: [task("t1", { title: "first" })], seq: 1, epoch: "e" });
    expect(storage.getItem(CACHE_STORAGE_KEY)).toBeNull();
    window.dispatchEvent(new Event("pagehide"));
    expect(storage.getItem(CACHE_STORAGE_KEY)).toContain("first");

    client.setQueryData(["tasks", "list", {}], { items: [task("t1", { title: "second" })], seq: 2, epoch: "e" });
    expect(storage.getItem(CACHE_STORAGE_KEY)).not.toContain("second");
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
    Reflect.deleteProperty(document, "visibilityState");
    expect(storage.getItem(CACHE_STORAGE_KEY)).toContain("second");

    unbind();
    stop();
  });
});
