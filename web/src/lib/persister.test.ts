import type { PersistedClient } from "@tanstack/react-query-persist-client";
import { describe, expect, it } from "vitest";
import { createFlushingPersister } from "./persister";
import { ManualClock } from "./ws/testkit";

function recordingStorage() {
  const writes: string[] = [];
  const storage = {
    value: null as string | null,
    getItem: () => storage.value,
    setItem: (_key: string, value: string) => {
      writes.push(value);
      storage.value = value;
    },
    removeItem: () => {
      storage.value = null;
    },
  };
  return { storage, writes };
}

const state = (queries: number, mutations: unknown[] = []): PersistedClient =>
  ({
    timestamp: 1,
    buster: "b",
    clientState: {
      queries: Array.from({ length: queries }, (_, i) => ({ queryHash: `q${i}`, state: { dataUpdatedAt: i } })),
      mutations,
    },
  }) as unknown as PersistedClient;

describe("flushing persister", () => {
  it("throttles the bulk cache, writes a change of the queued mutations at once, flushes what waits", () => {
    const clock = new ManualClock();
    const { storage, writes } = recordingStorage();
    const persister = createFlushingPersister({ storage, key: "k", throttleMs: 500, timers: clock });

    for (let i = 1; i <= 100; i += 1) void persister.persistClient(state(i));
    expect(writes).toHaveLength(0);
    clock.advance(500);
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0] as string).clientState.queries).toHaveLength(100);

    void persister.persistClient(state(101, [{ mutationKey: ["tasks", "close"] }]));
    expect(writes).toHaveLength(2);
    // The same queue again is bulk traffic: it waits for the throttle, or for a flush.
    void persister.persistClient(state(102, [{ mutationKey: ["tasks", "close"] }]));
    expect(writes).toHaveLength(2);
    persister.flush();
    expect(writes).toHaveLength(3);
    persister.flush();
    clock.advance(500);
    expect(writes).toHaveLength(3);
    // The queue emptied (the change was applied): written at once, so a reload cannot replay it.
    void persister.persistClient(state(102));
    expect(writes).toHaveLength(4);
    expect(persister.restoreClient()).toMatchObject({ clientState: { mutations: [] } });
  });

  it("a full storage drops the oldest queries but keeps the queued mutations", () => {
    const { storage, writes } = recordingStorage();
    const setItem = storage.setItem;
    storage.setItem = (key, value) => {
      if (JSON.parse(value).clientState.queries.length > 1) throw new DOMException("full", "QuotaExceededError");
      setItem(key, value);
    };
    const persister = createFlushingPersister({ storage, key: "k", throttleMs: 500 });
    void persister.persistClient(state(3, [{ mutationKey: ["tasks", "close"] }]));
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0] as string).clientState).toMatchObject({
      mutations: [{ mutationKey: ["tasks", "close"] }],
    });
  });
});
