import { useState } from "react";
import { Link } from "react-router-dom";
import type { AttentionItem, AttentionKind } from "../lib/attention";
import type { NotifySetting } from "../hooks/useAttention";

// Beyond this many the rest wait behind "Show all": the strip must not push the page away.
const SHOWN = 4;

const KIND_WORD: Readonly<Record<AttentionKind, string>> = {
  session: "waiting",
  run: "failed",
  loop: "failed",
};

export interface AttentionStripProps {
  readonly items: readonly AttentionItem[];
  readonly dismiss: (keys: readonly string[]) => void;
  readonly notify: NotifySetting;
}

export function NotifyControl({ notify }: { notify: NotifySetting }): React.JSX.Element | null {
  switch (notify.state) {
    case "unsupported":
      return null;
    case "denied":
      return <span className="muted">Desktop notifications are blocked in this browser’s site settings.</span>;
    case "on":
      return (
        <button type="button" className="link" onClick={notify.disable} data-testid="notify-toggle">
          Turn off desktop notifications
        </button>
      );
    case "off":
      return (
        <button type="button" className="link" onClick={() => void notify.enable()} data-testid="notify-toggle">
          Notify me on the desktop
        </button>
      );
  }
}

/** What needs the user now, above every page; nothing at all when nothing does. */
export function AttentionStrip({ items, dismiss, notify }: AttentionStripProps): React.JSX.Element | null {
  const [all, setAll] = useState(false);
  if (items.length === 0) return null;
  const shown = all ? items : items.slice(0, SHOWN);
  return (
    <section className="attention" aria-labelledby="attention-title" data-testid="attention-strip">
      <div className="attention-head">
        <h2 id="attention-title" className="attention-title">
          Needs you <span className="attention-count" data-testid="attention-count">{items.length}</span>
        </h2>
        <NotifyControl notify={notify} />
        {items.length > 1 && (
          <button type="button" className="link" onClick={() => dismiss(items.map((i) => i.key))}>
            Dismiss all
          </button>
        )}
      </div>
      <ul className="attention-list">
        {shown.map((item) => (
          <li key={item.key} data-testid="attention-item" data-kind={item.kind} data-key={item.key}>
            <span className="attention-kind" data-kind={item.kind}>
              {KIND_WORD[item.kind]}
            </span>
            <Link to={item.href}>{item.title}</Link>
            {item.detail && <span className="attention-detail">{item.detail}</span>}
            <button
              type="button"
              className="attention-dismiss"
              aria-label={`Dismiss: ${item.title}`}
              title="Dismiss"
              onClick={() => dismiss([item.key])}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {items.length > SHOWN && (
        <button type="button" className="link" onClick={() => setAll((a) => !a)} aria-expanded={all}>
          {all ? "Show fewer" : `Show all ${items.length}`}
        </button>
      )}
    </section>
  );
}
