/**
 * Connects a socket to a LiveSync: connection state drives confirmation, the
 * handshake's epoch and the daemon's resync / resumed frames drive refetches,
 * and every event becomes cache work. Attaching twice is harmless: the second
 * attach shares the first one's wiring.
 */
import type { LiveSync } from "./liveSync";
import type { TidewireSocket } from "./ws/client";

const attachments = new WeakMap<LiveSync, { socket: TidewireSocket; count: number; detach: () => void }>();

export function attachLiveSync(socket: TidewireSocket, sync: LiveSync): () => void {
  const existing = attachments.get(sync);
  if (existing !== undefined && existing.socket === socket) {
    existing.count += 1;
    return once(() => release(sync));
  }
  if (existing !== undefined) existing.detach();

  sync.setConnected(socket.state === "connected");
  if (socket.epoch !== null) sync.setEpoch(socket.epoch);
  const offs = [
    socket.on("state", (state) => {
      // The client has taken the handshake's epoch before it reports "connected"; adopting it
      // here, ahead of React Query going online, stamps the first fetches with the right epoch.
      if (state === "connected" && socket.epoch !== null) sync.setEpoch(socket.epoch);
      sync.setConnected(state === "connected");
    }),
    socket.on("event", (event) => sync.handleEvent(event)),
    socket.on("subscribed", ({ events, seq }) => sync.handleSubscribed(events, seq)),
    socket.on("resync", (notice) => void sync.handleResync(notice)),
    socket.on("resumed", () => void sync.handleResumed()),
  ];
  const detach = () => {
    for (const off of offs) off();
    attachments.delete(sync);
  };
  attachments.set(sync, { socket, count: 1, detach });
  return once(() => release(sync));
}

function release(sync: LiveSync): void {
  const entry = attachments.get(sync);
  if (entry === undefined) return;
  entry.count -= 1;
  if (entry.count <= 0) entry.detach();
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
