/**
 * Idempotency keys for writes (docs/protocol.md, "Idempotent writes"): one per change, minted
 * when the change is made and kept with it (persisted with a queued mutation) until the daemon
 * has answered, so every retry, replay after a reload and replay after a daemon restart sends
 * the same key and the daemon applies the change once.
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  // randomUUID needs a secure context; a dashboard opened over plain http on a LAN name has none.
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
