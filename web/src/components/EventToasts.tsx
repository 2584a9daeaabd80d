import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { useEvents } from "../hooks/useEvents";
import { useConnectionState } from "../hooks/useWebSocket";
import type { EventFrame } from "../lib/ws/types";
import { ToastCoalescer, type Notice, type ToastSink } from "./toastCoalescer";

export const sonnerSink: ToastSink = {
  show(id, tone, title, { description, duration, onGone }) {
    toast[tone](title, { id, description, duration, onDismiss: onGone, onAutoClose: onGone });
  },
  dismiss(id) {
    toast.dismiss(id);
  },
};

const TOAST_EVENTS = ["task.created", "task.closed", "agent.completed", "agent.failed"];

function titleOf(event: EventFrame): string | undefined {
  const d = event.data as { task?: { title?: unknown }; agent?: { prompt?: unknown }; agent_id?: unknown };
  const raw = d.task?.title ?? d.agent?.prompt ?? d.agent_id;
  if (typeof raw !== "string") return undefined;
  return raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
}

export function noticeFor(event: EventFrame): Notice | null {
  const description = titleOf(event);
  switch (event.type) {
    case "task.created":
      return { kind: "task-created", tone: "success", single: "Task created", plural: (n) => `${n} tasks created`, description };
    case "task.closed":
      return { kind: "task-closed", tone: "success", single: "Task closed", plural: (n) => `${n} tasks closed`, description };
    case "agent.completed":
      return {
        kind: "agent-completed",
        tone: "success",
        single: "Agent completed",
        plural: (n) => `${n} agents completed`,
        description,
      };
    case "agent.failed": {
      const code = (event.data as { exit_code?: unknown }).exit_code;
      return {
        kind: "agent-failed",
        tone: "error",
        single: typeof code === "number" ? `Agent failed (exit ${code})` : "Agent failed",
        plural: (n) => `${n} agents failed`,
        description,
        duration: 10_000,
      };
    }
    default:
      return null;
  }
}

/**
 * Turns live events and connection changes into toasts. Events replayed after a resume
 * toast too (they are news to this page); the coalescer keeps a storm to one toast per kind.
 */
export function EventToasts({ sink = sonnerSink }: { sink?: ToastSink }): null {
  const [coalescer] = useState(() => new ToastCoalescer(sink));
  useEffect(() => () => coalescer.dispose(), [coalescer]);
  useEvents(TOAST_EVENTS, (event) => {
    const notice = noticeFor(event);
    if (notice) coalescer.notify(notice);
  });

  const state = useConnectionState();
  const wasConnected = useRef(false);
  const lost = useRef(false);
  useEffect(() => {
    if (state === "connected") {
      if (lost.current) {
        coalescer.clear("connection-lost");
        coalescer.notify({
          kind: "connection-restored",
          tone: "success",
          single: "Connection restored",
          plural: () => "Connection restored",
          description: "Live again; anything missed is being caught up.",
        });
      }
      lost.current = false;
      wasConnected.current = true;
    } else if ((state === "reconnecting" || (state === "disconnected" && wasConnected.current)) && !lost.current) {
      // "disconnected" before any connection is the client being stopped and started
      // (e.g. a remount), not a failure. A page opened while the daemon is down never had a
      // connection to lose, but its first failed attempt is still announced, and so is the restore.
      lost.current = true;
      const title = wasConnected.current ? "Connection lost" : "Daemon unreachable";
      coalescer.clear("connection-restored");
      coalescer.notify({
        kind: "connection-lost",
        tone: "error",
        single: title,
        plural: () => title,
        description: "Showing the last known state; reconnecting.",
        duration: 8000,
      });
    }
  }, [state, coalescer]);
  return null;
}
