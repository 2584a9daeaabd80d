// Headless Chromium on the dashboard, instrumented from the first script that runs in the page:
// socket frame arrival, task rows appearing in the DOM, every fetch the app makes, long tasks.
// Driven over stdin/stdout by bench/browser.py, one JSON object a line.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, "..", "..", "web");
// playwright-core lives in the dashboard's node_modules; resolve it from there.
const { chromium } = createRequire(join(webDir, "package.json"))("playwright-core");

const config = JSON.parse(process.argv[2]);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

function instrument() {
  const b = (window.__bench = { ws: {}, dom: {}, fetches: [], longTasks: [] });
  const now = () => performance.timeOrigin + performance.now();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      // Added before the app's own listener, so it sees each frame first.
      this.addEventListener("message", (ev) => {
        if (typeof ev.data === "string" && ev.data.includes('"task.created"')) {
          try {
            const frame = JSON.parse(ev.data);
            if (frame.type === "task.created" && !(frame.data.task_id in b.ws)) b.ws[frame.data.task_id] = now();
          } catch {
            // not a frame this benchmark cares about
          }
        }
      });
    }
  };
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    b.fetches.push([now(), String(url)]);
    return nativeFetch(input, init);
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // no long-task timing in this browser
  }
  const seen = (el) => {
    const id = el.getAttribute("data-task-id");
    if (id && !(id in b.dom)) b.dom[id] = now();
  };
  const scan = (node) => {
    if (node.nodeType !== 1) return;
    if (node.matches('[data-testid="task-row"]')) seen(node);
    node.querySelectorAll('[data-testid="task-row"]').forEach(seen);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      m.addedNodes.forEach(scan);
      if (m.type === "attributes") scan(m.target);
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-task-id"] });
}

const profile = mkdtempSync(join(tmpdir(), "tidewire-bench-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: config.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.addInitScript(instrument);
  await page.goto(config.url, { timeout: 60_000 });
  await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="task-row"]').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
  print({ ready: true, clock: Date.now() });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === "collect") {
      print({ result: await page.evaluate(() => window.__bench) });
    } else {
      break;
    }
  }
} catch (err) {
  print({ error: String(err && err.stack ? err.stack : err) });
} finally {
  if (context) await context.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
}
