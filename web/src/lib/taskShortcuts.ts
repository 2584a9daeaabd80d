/**
 * The task views' keyboard shortcuts. Pure: a key event in, the action (or null) out. Keys
 * typed into a field, or pressed with a modifier (browser and system shortcuts), are left alone.
 */
export type TaskShortcut = "create" | "search" | "next" | "previous" | "open" | "help" | "close";

export const TASK_SHORTCUTS: readonly { readonly keys: string; readonly action: TaskShortcut; readonly label: string }[] = [
  { keys: "c", action: "create", label: "New task (focus the title field)" },
  { keys: "/", action: "search", label: "Search tasks" },
  { keys: "j", action: "next", label: "Select the next task" },
  { keys: "k", action: "previous", label: "Select the previous task" },
  { keys: "Enter", action: "open", label: "Open the selected task" },
  { keys: "Escape", action: "close", label: "Close the task detail or this help" },
  { keys: "?", action: "help", label: "Show these shortcuts" },
];

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
  readonly target?: EventTarget | null;
}

/** Whether keys pressed here are someone typing (or operating a control) rather than a shortcut. */
export function isTypingTarget(target: EventTarget | null | undefined): boolean {
  if (typeof Element === "undefined" || !(target instanceof Element)) return false;
  if (target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']")) return true;
  return false;
}

/** Whether Enter here already means something (a button, a link): then it is not "open". */
function activatesItself(target: EventTarget | null | undefined): boolean {
  return typeof Element !== "undefined" && target instanceof Element && target.closest("button, a, [role='button']") !== null;
}

export function shortcutFor(event: KeyLike): TaskShortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  // Escape in a field belongs to the field (clearing it, closing a menu).
  if (isTypingTarget(event.target)) return null;
  if (event.key === "Escape") return "close";
  switch (event.key) {
    case "c":
      return "create";
    case "/":
      return "search";
    case "j":
      return "next";
    case "k":
      return "previous";
    case "?":
      return "help";
    case "Enter":
      return activatesItself(event.target) ? null : "open";
    default:
      return null;
  }
}
