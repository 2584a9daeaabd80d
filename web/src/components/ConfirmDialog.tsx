import { useEffect, useId, useRef, type ReactNode } from "react";

export interface ConfirmDialogProps {
  readonly title: string;
  /** What will happen, in the user's terms (what is lost, what stays). */
  readonly children: ReactNode;
  readonly confirmLabel: string;
  /** A change that loses something (delete, remove) is shown as such. */
  readonly danger?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * Asks before a change that cannot be taken back. Focus starts on Cancel (Enter on a
 * stray keypress must not confirm), stays inside while open, and returns where it was;
 * Escape and a click outside cancel.
 */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm, onCancel }: ConfirmDialogProps): React.JSX.Element {
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onClick={onCancel}>
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        data-testid="confirm-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCancel();
          } else if (e.key === "Tab") {
            // Two controls: Tab and Shift+Tab move between them.
            e.preventDefault();
            (document.activeElement === cancelRef.current ? confirmRef : cancelRef).current?.focus();
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div id={bodyId} className="dialog-body">
          {children}
        </div>
        <div className="row-actions" style={{ justifyContent: "flex-end", marginTop: 14 }}>
          <button ref={cancelRef} type="button" onClick={onCancel}>
            Cancel
          </button>
          <button ref={confirmRef} type="button" className={danger ? "danger" : "primary"} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
