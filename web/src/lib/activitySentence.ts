// The dashboard's activity feed in words: each event becomes one sentence and a link to the
// record it is about, and the several events one hook call emits become one line.
// Pure: no React, no fetches, tested on plain frames.

export interface ActivityEventInput {
  readonly seq: number;
  readonly type: string;
  readonly data: unknown;
}

export interface ActivityLine {
  readonly seq: number;
  readonly type: string;
  readonly sentence: string;
  /** Where the record the sentence is about is shown; null when no view shows it. */
  readonly href: string | null;
  /** The agent CLI session the event belongs to, for merging a hook with its session change. */
  readonly sessionId: string | null;
}

type Data = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

function obj(v: unknown): Data {
  return typeof v === "object" && v !== null ? (v as Data) : {};
}

/** Status words as the views show them: `in_progress` reads "in progress". */
export function statusWords(status: string): string {
  return status.replaceAll("_", " ");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function quoted(text: string): string {
  return `“${clip(text, 60)}”`;
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

const tasksHref = (id: string | null): string => (id ? `/tasks?q=${encodeURIComponent(id)}` : "/tasks");
const sessionHref = (id: string | null): string => (id ? `/sessions/${encodeURIComponent(id)}` : "/sessions");

function taskLine(type: string, d: Data): Pick<ActivityLine, "sentence" | "href"> {
  const task = obj(d.task);
  const id = str(d.task_id) ?? str(task.id);
  const name = `Task ${quoted(str(task.title) ?? (id ? shortId(id) : "untitled"))}`;
  const href = tasksHref(id);
  switch (type) {
    case "task.created":
      return { sentence: `${name} created`, href };
    case "task.closed": {
      const reason = str(task.closed_reason);
      return { sentence: `${name} closed${reason ? `: ${clip(reason, 80)}` : ""}`, href };
    }
    case "task.expanded": {
      const n = Array.isArray(d.subtask_ids) ? d.subtask_ids.length : 0;
      return { sentence: `${name} split into ${n} ${n === 1 ? "subtask" : "subtasks"}`, href };
    }
    case "task.updated": {
      const changed = Array.isArray(d.changed) ? d.changed.filter((c): c is string => typeof c === "string") : [];
      const status = str(task.status);
      if (changed.includes("status") && status) return { sentence: `${name} moved to ${statusWords(status)}`, href };
      return { sentence: changed.length ? `${name} updated (${changed.join(", ")})` : `${name} updated`, href };
    }
    default:
      return { sentence: `${name} changed`, href };
  }
}

function agentLine(type: string, d: Data): Pick<ActivityLine, "sentence" | "href"> {
  const agent = obj(d.agent);
  const prompt = str(agent.prompt);
  const name = prompt ? `Agent ${quoted(prompt)}` : `Agent ${shortId(str(d.agent_id) ?? "")}`.trimEnd();
  const href = "/agents";
  switch (type) {
    case "agent.started":
      return { sentence: `${name} started`, href };
    case "agent.completed":
      return { sentence: `${name} finished`, href };
    case "agent.failed":
      return {
        sentence: `${name} failed${typeof d.exit_code === "number" ? ` with exit code ${d.exit_code}` : ""}`,
        href,
      };
    case "agent.cancelled":
      return { sentence: `${name} was cancelled`, href };
    default:
      return { sentence: `${name} changed`, href };
  }
}

function worktreeLine(type: string, d: Data): Pick<ActivityLine, "sentence" | "href"> {
  const wt = obj(d.worktree);
  const name = `Worktree ${str(wt.branch) ?? shortId(str(d.worktree_id) ?? "")}`.trimEnd();
  const href = "/worktrees";
  switch (type) {
    case "worktree.created":
      return { sentence: `${name} created`, href };
    case "worktree.deleted":
      return { sentence: `${name} removed`, href };
    case "worktree.merged": {
      const into = str(wt.merged_into);
      return { sentence: `${name} merged${into ? ` into ${into}` : ""}`, href };
    }
    default: {
      const owner = str(wt.owner);
      const status = str(wt.status);
      if (str(d.action) === "claim" || (status === "claimed" && owner)) {
        return { sentence: `${name} claimed${owner ? ` by ${owner}` : ""}`, href };
      }
      return { sentence: status ? `${name} is now ${statusWords(status)}` : `${name} updated`, href };
    }
  }
}

function mcpLine(type: string, d: Data): Pick<ActivityLine, "sentence" | "href"> {
  const name = `MCP server ${str(d.server_name) ?? "?"}`;
  const href = "/mcp";
  switch (type) {
    case "mcp.server_connected": {
      const n = typeof d.tool_count === "number" ? d.tool_count : null;
      return { sentence: `${name} connected${n === null ? "" : ` with ${n} ${n === 1 ? "tool" : "tools"}`}`, href };
    }
    case "mcp.server_disconnected": {
      const reason = str(d.reason);
      if (d.will_retry === false && reason === "removed") return { sentence: `${name} removed`, href };
      if (reason === "reconnect requested") return { sentence: `${name} reconnecting`, href };
      const attempts = typeof d.attempts === "number" && d.attempts > 0 ? ` (${d.attempts} failed attempts)` : "";
      const what = d.failed === true ? `failed${attempts}` : "disconnected";
      return { sentence: `${name} ${what}${reason ? `: ${clip(reason, 80)}` : ""}`, href };
    }
    case "mcp.tool_called":
      return {
        sentence: `Tool ${str(d.tool_name) ?? "?"} on ${str(d.server_name) ?? "?"} ${d.ok === false ? "failed" : "called"}`,
        href,
      };
    default:
      return { sentence: `${name} changed`, href };
  }
}

// What each hook says happened in the session, in the user's words.
const HOOK_VERBS: Readonly<Record<string, string>> = {
  "hook.session_start": "started",
  "hook.session_end": "ended",
  "hook.user_prompt_submit": "got a prompt",
  "hook.stop": "finished its turn",
  "hook.subagent_stop": "had a subagent finish",
  "hook.notification": "sent a notification",
  "hook.pre_compact": "is compacting its context",
};

function sessionLine(type: string, d: Data, sessionId: string | null): Pick<ActivityLine, "sentence" | "href"> {
  const name = `Session ${sessionId ? shortId(sessionId) : "?"}`;
  const href = sessionHref(sessionId);
  const tool = str(d.tool_name);
  if (type === "hook.pre_tool_use") return { sentence: `${name} is using ${tool ?? "a tool"}`, href };
  if (type === "hook.post_tool_use") return { sentence: `${name} finished using ${tool ?? "a tool"}`, href };
  const verb = HOOK_VERBS[type];
  if (verb) return { sentence: `${name} ${verb}`, href };
  if (type.startsWith("hook.")) return { sentence: `${name} ran hook ${str(d.hook_type) ?? type.slice(5)}`, href };
  const session = obj(d.session);
  switch (type) {
    case "session.created":
      return { sentence: `${name} started`, href };
    case "session.ended":
      return { sentence: `${name} ended`, href };
    default: {
      const changed = Array.isArray(d.changed) ? d.changed : [];
      const status = str(session.status);
      if (changed.includes("status") && status) return { sentence: `${name} is now ${statusWords(status)}`, href };
      if (changed.includes("message_count") && typeof session.message_count === "number") {
        return { sentence: `${name} has ${session.message_count} messages`, href };
      }
      return { sentence: `${name} updated`, href };
    }
  }
}

function loopLine(type: string, d: Data): Pick<ActivityLine, "sentence" | "href"> {
  const name = `Autonomous loop ${shortId(str(d.loop_id) ?? "")}`.trimEnd();
  const taskId = str(d.task_id);
  const href = taskId ? tasksHref(taskId) : null;
  switch (type) {
    case "autonomous.started":
      return { sentence: `${name} started`, href };
    case "autonomous.stopped": {
      const reason = str(d.reason) ?? str(obj(d.reason).kind);
      return { sentence: `${name} stopped${reason ? `: ${reason}` : ""}`, href };
    }
    default: {
      const iteration = typeof d.iteration === "number" ? ` iteration ${d.iteration}` : " iteration";
      const outcome = str(d.outcome);
      return { sentence: `${name} ran${iteration}${outcome ? `: ${outcome}` : ""}`, href };
    }
  }
}

/** One sentence and one link for one event. Unknown types still read as a sentence. */
export function describeEvent(event: ActivityEventInput): ActivityLine {
  const d = obj(event.data);
  const family = event.type.split(".", 1)[0];
  const sessionId = family === "hook" || family === "session" ? str(d.session_id) : null;
  const parts =
    family === "task"
      ? taskLine(event.type, d)
      : family === "agent"
        ? agentLine(event.type, d)
        : family === "worktree"
          ? worktreeLine(event.type, d)
          : family === "mcp"
            ? mcpLine(event.type, d)
            : family === "hook" || family === "session"
              ? sessionLine(event.type, d, sessionId)
              : family === "autonomous"
                ? loopLine(event.type, d)
                : { sentence: `Event ${event.type}`, href: null };
  return { seq: event.seq, type: event.type, sessionId, ...parts };
}

/**
 * One line per change the user sees. A hook call is stored with its session change in one
 * transaction: the daemon sends `session.created` just before the hook's `hook.*` event, or
 * `session.updated|ended` just after it, for the same session. The session change is the
 * hook's consequence, so it is dropped and the hook's line (which says what happened) stays.
 * Order is kept (the feed is newest first).
 */
export function collapseActivity<T extends ActivityLine>(lines: readonly T[]): T[] {
  const hooks = new Map<number, string>();
  for (const line of lines) if (line.type.startsWith("hook.") && line.sessionId) hooks.set(line.seq, line.sessionId);
  return lines.filter((line) => {
    if (!line.type.startsWith("session.") || line.sessionId === null) return true;
    const hookSeq = line.type === "session.created" ? line.seq + 1 : line.seq - 1;
    return hooks.get(hookSeq) !== line.sessionId;
  });
}
