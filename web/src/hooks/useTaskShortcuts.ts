import { useEffect, useRef } from "react";
import { shortcutFor, type TaskShortcut } from "../lib/taskShortcuts";

/**
 * Listens for the task shortcuts on the whole document while mounted. A handler that returns
 * false did not use the key, so its default action goes ahead (Escape in a field, for one).
 */
export function useTaskShortcuts(handle: (action: TaskShortcut, event: KeyboardEvent) => boolean | void): void {
  const latest = useRef(handle);
  useEffect(() => {
    latest.current = handle;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return;
      const action = shortcutFor(event);
      if (action === null) return;
      if (latest.current(action, event) !== false) event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
