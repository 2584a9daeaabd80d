// Shared plumbing for the browser tests and the screenshot script: a real daemon in a
// subprocess, a real MCP client call, and one headless Chromium.
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

const execFileP = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const webDir = resolve(here, "..");
export const repoDir = resolve(webDir, "..");
const venvBin = join(repoDir, ".venv", "bin");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** A port the OS says is free right now on loopback. */
export async function freePort() {
  return await new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolvePort(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start `tidewire serve` on the given port and data dir and wait until /api/health answers.
 * Returns a handle whose stop() sends SIGTERM and waits for the process to exit.
 */
export async function startDaemon({ port, dataDir, extraArgs = [] }) {
  if (!existsSync(join(webDir, "dist", "index.html"))) {
    throw new Error("web/dist is missing: run `npm run build` before the browser tests");
  }
  const exe = join(venvBin, "tidewire");
  const proc = spawn(exe, ["serve", "--port", String(port), "--data-dir", dataDir, ...extraArgs], {
    cwd: repoDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  let output = "";
  proc.stdout.on("data", (d) => (output += d));
  proc.stderr.on("data", (d) => (output += d));
  const exited = new Promise((r) => proc.once("exit", (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  let alive = true;
  exited.then(() => (alive = false));
  for (let i = 0; i < 300; i++) {
    if (!alive) throw new Error(`daemon exited during startup:\n${output}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i === 299) {
      proc.kill("SIGKILL");
      throw new Error(`daemon did not become healthy:\n${output}`);
    }
    await sleep(100);
  }
  return {
    base,
    port,
    proc,
    output: () => output,
    async stop() {
      if (alive) proc.kill("SIGTERM");
      const timer = setTimeout(() => alive && proc.kill("SIGKILL"), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Call an MCP tool over the daemon's streamable HTTP endpoint with the Python SDK client. */
export async function mcpCall(base, tool, args) {
  const python = join(venvBin, "python");
  try {
    const { stdout } = await execFileP(python, [join(here, "mcp_call.py"), `${base}/mcp`, tool, JSON.stringify(args)], {
      timeout: 60000,
    });
    return JSON.parse(stdout);
  } catch (err) {
    throw new Error(`MCP ${tool} failed: ${err.stderr ?? err.message}`);
  }
}

export async function rest(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** One Chromium per run with a fresh profile; closing it removes the profile. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (make test-deps)`);
  }
  const profile = tempDir("tidewire-chromium-");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 860 },
    colorScheme: "dark",
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
