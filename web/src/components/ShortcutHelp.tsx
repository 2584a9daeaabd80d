import { useEffect, useRef } from "react";
import { TASK_SHORTCUTS } from "../lib/taskShortcuts";

/** The `?` dialog: every task shortcut. Focus goes to its close button and back when it closes. */
export function ShortcutHelp({ onClose }: { onClose: () => void }): React.JSX.Element {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-help-title"
        data-testid="shortcut-help"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          // Focus stays inside while it is open: the dialog has one control.
          if (e.key === "Tab") {
            e.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <dl className="shortcut-list">
          {TASK_SHORTCUTS.map((s) => (
            <div key={s.action} style={{ display: "contents" }}>
              <dt>
                <kbd>{s.keys}</kbd>
              </dt>
              <dd>{s.label}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">Shortcuts do nothing while you type in a field.</p>
        <button ref={closeRef} type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
