/**
 * TidewireSocket against the real daemon (a `tidewire serve` subprocess), over a
 * real WebSocket: delivery in order, a daemon restart resumed without loss or
 * repeats, and a new epoch reported as a resync.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TidewireSocket } from "./client";
import { api, ApiError, setApiBase } from "../api";
import type { ResyncNotice } from "./types";

const TIDEWIRE = resolve(__dirname, "../../../../.venv/bin/tidewire");
const ORIGIN = window.location.origin;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => done(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

class Daemon {
  proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    public dataDir: string,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn(
      TIDEWIRE,
      ["serve", "--port", String(this.port), "--data-dir", this.dataDir, "--allow-test-events", "--allow-origin", ORIGIN, "--log-level", "warning"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    this.proc = proc;
    await until(`daemon on ${this.port} (${stderr})`, async () => {
      if (proc.exitCode !== null) throw new Error(`daemon exited: ${stderr}`);
      try {
        const res = await fetch(`${this.base}/api/health`);
        return res.ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 900); // a cold Python start on a loaded machine can take many seconds
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }

  async emit(count: number): Promise<number[]> {
    const events = Array.from({ length: count }, (_, i) => ({
      type: "mcp.tool_called",
      data: { server_name: "fs", tool_name: `t${i}`, duration_ms: 1, ok: true },
    }));
    const res = await fetch(`${this.base}/api/test-events`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 201) throw new Error(`test-events: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { seqs: number[] }).seqs;
  }
}

const dirs: string[] = [];
const daemons: Daemon[] = [];
const clients: TidewireSocket[] = [];

async function startDaemon(): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), "tidewire-client-"));
  dirs.push(dir);
  const daemon = new Daemon(await freePort(), dir);
  daemons.push(daemon);
  await daemon.start();
  return daemon;
}

function connect(daemon: Daemon) {
  const client = new TidewireSocket({
    url: `ws://127.0.0.1:${daemon.port}/ws`,
    backoff: { initialMs: 50, maxMs: 300, factor: 2 },
    logger: () => undefined,
  });
  clients.push(client);
  const seqs: number[] = [];
  const resyncs: ResyncNotice[] = [];
  let resumed = 0;
  client.on("event", (e) => seqs.push(e.seq));
  client.on("resync", (r) => resyncs.push(r));
  client.on("resumed", () => (resumed += 1));
  client.subscribe(["mcp.tool_called"]);
  client.start();
  return { client, seqs, resyncs, resumedCount: () => resumed };
}

afterEach(() => {
  for (const c of clients.splice(0)) c.stop();
});

afterAll(async () => {
  for (const d of daemons) await d.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Starting the Python daemon takes a few seconds on a loaded machine; one daemon serves the file.
const SLOW = 60_000;
let shared: Daemon;

beforeAll(async () => {
  shared = await startDaemon();
}, SLOW);

describe("TidewireSocket against the daemon", () => {
  it("receives subscribed events in order, each once", async () => {
    const daemon = shared;
    const c = connect(daemon);
    await until("subscribed", () => (c.client.state === "connected" ? true : undefined));
    // The subscribe round trip: wait until an event emitted now is seen.
    const first = await daemon.emit(1);
    await until("first event", () => (c.seqs.includes(first[0] as number) ? true : undefined));
    const posted = [...(await daemon.emit(50)), ...(await daemon.emit(50))];
    await until("all events", () => (c.seqs.length >= 101 ? true : undefined));
    expect(c.seqs).toEqual([...first, ...posted]);
    expect(c.resyncs.map((r) => r.reason)).toEqual(["fresh"]);
  }, SLOW);

  it("every pattern the client accepts, the daemon accepts too", async () => {
    const c = connect(shared);
    const errors: string[] = [];
    c.client.on("error", (e) => errors.push(`${e.code}: ${e.message}`));
    const patterns = ["*", "task.*", "task.created", "a.b.c", "hook.*", "session.message:session_id=9f1c-2d3e", "*:ok=true", "task.*:task.status=open"];
    c.client.subscribe(patterns);
    await until("connected", () => (c.client.state === "connected" ? true : undefined));
    const seen = await shared.emit(1);
    await until("event after subscribe", () => (c.seqs.includes(seen[0] as number) ? true : undefined));
    expect(errors).toEqual([]);
  }, SLOW);

  it("REST calls return the seq they reflect and the daemon's errors as ApiError", async () => {
    setApiBase(shared.base);
    try {
      const created = await api.createTask({ title: "from the client test", priority: 1 });
      expect(created.data.title).toBe("from the client test");
      expect(created.seq).toEqual(expect.any(Number));
      const listed = await api.listTasks();
      expect(listed.seq).toBeGreaterThanOrEqual(created.seq ?? Number.NaN);
      expect(listed.items.map((t) => t.id)).toContain(created.data.id);
      const missing = await api.getTask("tsk_missing").catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ApiError);
      expect(missing).toMatchObject({ status: 404, code: "not_found" });
      const invalid = await api.createTask({ title: "" }).catch((e: unknown) => e);
      expect(invalid).toMatchObject({ status: 422 });
    } finally {
      setApiBase("");
    }
  }, SLOW);

  it("a daemon restart (same data, same epoch) is resumed without loss or repeats", async () => {
    const daemon = shared;
    const c = connect(daemon);
    await until("connected", () => (c.client.state === "connected" ? true : undefined));
    const before = await daemon.emit(1);
    await until("first event", () => (c.seqs.length === 1 ? true : undefined));
    const epoch = c.client.epoch;
    await daemon.stop();
    await until("reconnecting", () => (c.client.state === "reconnecting" ? true : undefined));
    await daemon.start();
    // Committed while the client has not reconnected yet (its backoff is still running).
    const missed = await daemon.emit(20);
    await until("reconnected and resumed", () => (c.resumedCount() > 0 ? true : undefined));
    const live = await daemon.emit(5);
    await until("all events", () => (c.seqs.length >= 26 ? true : undefined));
    expect(c.seqs).toEqual([...before, ...missed, ...live]);
    expect(c.client.epoch).toBe(epoch);
    expect(c.resyncs.map((r) => r.reason)).toEqual(["fresh"]);
  }, SLOW);

  it("a daemon with a new event log (new epoch) is reported as a resync", async () => {
    const daemon = shared;
    const c = connect(daemon);
    await until("connected", () => (c.client.state === "connected" ? true : undefined));
    const seen = await daemon.emit(3);
    await until("events", () => (c.seqs.length === 3 ? true : undefined));
    expect(c.seqs).toEqual(seen);
    const oldEpoch = c.client.epoch;
    await daemon.stop();
    daemon.dataDir = mkdtempSync(join(tmpdir(), "tidewire-client-"));
    dirs.push(daemon.dataDir);
    await daemon.start();
    await until("resync", () => (c.resyncs.length === 2 ? true : undefined));
    expect(c.resyncs[1]?.reason).toBe("epoch_changed");
    expect(c.client.epoch).not.toBe(oldEpoch);
    const fresh = await daemon.emit(2);
    await until("new epoch events", () => (c.seqs.length === 5 ? true : undefined));
    expect(c.seqs.slice(3)).toEqual(fresh);
  }, SLOW);
});
