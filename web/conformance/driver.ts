/**
 * The conformance driver of the web client's TidewireSocket, run under node: it plays a small
 * application the way the dashboard does (refetch over REST on every resync, then apply only
 * events above the refetch's X-Tidewire-Seq) and reports on stdout, one JSON line each, every
 * event it applies and every refetch (docs/conformance.md, "Checking a client").
 *
 *   node_modules/.bin/rolldown conformance/driver.ts --platform node --format esm -o build/driver.mjs
 *   tidewire conformance client -- node --experimental-websocket build/driver.mjs
 *
 * (Node 22 and later have a global WebSocket without the flag.)
 */
import { TidewireSocket } from "../src/lib/ws/client";
import type { EventFrame } from "../src/lib/ws/types";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    process.stderr.write(`driver: ${name} is not set (run me under tidewire conformance client)\n`);
    process.exit(2);
  }
  return value;
}

function report(kind: "event" | "refetch", fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ tidewire: kind, ...fields })}\n`);
}

const base = required("TIDEWIRE_URL");
const wsUrl = required("TIDEWIRE_WS_URL");
const token = required("TIDEWIRE_TOKEN");
const patterns = JSON.parse(required("TIDEWIRE_EVENTS")) as string[];

if (typeof globalThis.WebSocket !== "function") {
  process.stderr.write("driver: this node has no global WebSocket; run it with --experimental-websocket\n");
  process.exit(2);
}

// Events at or below this seq are already in the refetched state.
let skipThrough = -1;
// While a refetch runs, events wait here and are applied after it with the same rule.
const pending: EventFrame[] = [];
let refetches = 0;
let chain: Promise<void> = Promise.resolve();

function apply(frame: EventFrame): void {
  if (frame.seq <= skipThrough) return;
  report("event", { seq: frame.seq, type: frame.type });
}

async function fetchState(): Promise<void> {
  const reply = await fetch(`${base}/api/tasks`, { headers: { Authorization: `Bearer ${token}` } });
  if (!reply.ok) throw new Error(`GET /api/tasks: HTTP ${reply.status}`);
  await reply.json();
  const seq = Number(reply.headers.get("X-Tidewire-Seq"));
  if (!Number.isSafeInteger(seq)) throw new Error("GET /api/tasks: no X-Tidewire-Seq");
  skipThrough = seq;
  report("refetch", { seq });
}

function refetch(): void {
  refetches += 1;
  chain = chain
    .then(fetchState)
    .catch((err: unknown) => {
      process.stderr.write(`driver: refetch failed: ${String(err)}\n`);
    })
    .finally(() => {
      refetches -= 1;
      if (refetches === 0) for (const frame of pending.splice(0)) apply(frame);
    });
}

const socket = new TidewireSocket({
  url: `${wsUrl}?token=${encodeURIComponent(token)}`,
  logger: (message, detail) => {
    process.stderr.write(`tidewire ws: ${message} ${detail === undefined ? "" : JSON.stringify(detail)}\n`);
  },
});
socket.on("event", (frame) => {
  if (refetches > 0) pending.push(frame);
  else apply(frame);
});
// "fresh" (the first connection) is the initial load; every other reason means events were lost.
socket.on("resync", () => refetch());
socket.subscribe(patterns);
socket.start();
