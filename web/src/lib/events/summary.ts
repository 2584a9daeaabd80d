/**
 * One line per event, the same words `tidewire tail` prints (server/tidewire/tail.py), so the
 * terminal and the browser read alike.
 */
export const SUMMARY_WIDTH = 100;

type Data = Record<string, unknown>;

const str = (v: unknown): string => (v === undefined || v === null ? "None" : typeof v === "string" ? v : JSON.stringify(v));
const obj = (v: unknown): Data => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Data) : {});
const quoted = (v: unknown): string => (typeof v === "string" ? `'${v}'` : str(v));

/** `412 ms`, `3.16 s`, `2 min 5 s`, `1 h 3 min`, as tail writes durations. */
export function duration(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "?";
  if (ms < 1000) return ms >= 10 || Number.isInteger(ms) ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return seconds < 10 ? `${Number(seconds.toPrecision(3))} s` : `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function task(type: string, d: Data): string {
  const t = obj(d.task);
  let text = `${str(d.task_id)} [${str(t.status)}] ${quoted(t.title)}`;
  if (Array.isArray(d.changed) && d.changed.length > 0) text += ` changed ${d.changed.map(str).join(",")}`;
  if (type === "task.expanded") text += ` +${Array.isArray(d.subtask_ids) ? d.subtask_ids.length : 0} subtasks`;
  if (type === "task.closed" && t.closed_reason) text += ` (${str(t.closed_reason)})`;
  return text;
}

function worktree(_type: string, d: Data): string {
  const wt = obj(d.worktree);
  let text = `${str(d.worktree_id)} ${str(wt.branch)} [${str(wt.status)}]`;
  if (d.action) text += ` ${str(d.action)}`;
  if (wt.owner) text += ` by ${str(wt.owner)}`;
  return text;
}

function project(_type: string, d: Data): string {
  const p = obj(d.project);
  return `${str(d.project_id)} ${quoted(p.name)} ${str(p.path)}`;
}

function mcp(type: string, d: Data): string {
  if (type === "mcp.tool_called") {
    const outcome = d.ok ? "ok" : `failed: ${str(d.error)}`;
    return `${str(d.server_name)}.${str(d.tool_name)} ${duration(d.duration_ms)} ${outcome}`;
  }
  if (type === "mcp.server_connected") return `${str(d.server_name)} (${str(d.transport)}, ${str(d.tool_count)} tools)`;
  return `${str(d.server_name)}: ${str(d.reason)}`;
}

function session(type: string, d: Data): string {
  if (type === "session.message") {
    const blocks = Array.isArray(d.content) ? d.content : [];
    const first = blocks.map(obj).find((b) => typeof b.text === "string" && b.text !== "");
    return `${str(d.session_id)} #${str(d.index)} ${str(d.role)}: ${first ? str(first.text) : ""}`;
  }
  const s = obj(d.session);
  return `${str(d.session_id)} [${str(s.status)}] ${str(s.source)} ${typeof s.cwd === "string" ? s.cwd : ""}`;
}

function agent(_type: string, d: Data): string {
  let text = `${str(d.agent_id)} [${str(d.status)}] task=${str(d.task_id)}`;
  if (d.exit_code !== undefined && d.exit_code !== null) text += ` exit=${str(d.exit_code)}`;
  if (d.duration_ms !== undefined && d.duration_ms !== null) text += ` ${duration(d.duration_ms)}`;
  return text;
}

function autonomous(_type: string, d: Data): string {
  let text = `${str(d.loop_id)} iteration ${str(d.iteration)}`;
  if (d.task_id) text += ` task=${str(d.task_id)}`;
  for (const key of ["outcome", "reason", "detail"]) if (d[key]) text += ` ${str(d[key])}`;
  return text;
}

function hook(_type: string, d: Data): string {
  let text = `${str(d.session_id)} ${str(d.source)} ${str(d.hook_type)}`;
  const summary = typeof d.summary === "string" ? d.summary : "";
  if (d.tool_name && !summary.includes(str(d.tool_name))) text += ` ${str(d.tool_name)}`;
  if (summary && summary !== d.hook_type) text += `: ${summary}`;
  return text;
}

function generic(_type: string, d: Data): string {
  return Object.entries(d)
    .filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))
    .slice(0, 6)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

const BY_FAMILY: Record<string, (type: string, d: Data) => string> = {
  task,
  worktree,
  project,
  mcp,
  session,
  agent,
  autonomous,
  hook,
};

/** The event's one-line summary, whitespace collapsed, cut at SUMMARY_WIDTH with an ellipsis. */
export function summarize(type: string, data: unknown): string {
  const d = obj(data);
  const family = type.split(".", 1)[0] ?? "";
  let text: string;
  try {
    text = (BY_FAMILY[family] ?? generic)(type, d);
  } catch {
    // An odd payload still gets a line.
    text = generic(type, d);
  }
  text = text.split(/\s+/u).filter(Boolean).join(" ");
  return text.length <= SUMMARY_WIDTH ? text : `${text.slice(0, SUMMARY_WIDTH - 1)}…`;
}

/** The event's time as local `HH:MM:SS.mmm`, with the date when it is not today. */
export function clock(ts: string, now: Date = new Date()): string {
  const when = new Date(ts);
  if (Number.isNaN(when.getTime())) return ts;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const time = `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}.${pad(when.getMilliseconds(), 3)}`;
  const sameDay = when.toDateString() === now.toDateString();
  return sameDay ? time : `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ${time}`;
}
