import { useEffect, useState } from "react";

export interface CopyButtonProps {
  /** The exact text put on the clipboard. */
  readonly text: string;
  /** What is copied, for the accessible name ("Copy session id 9f1c…"). */
  readonly what: string;
}

type State = "idle" | "copied" | "failed";

/**
 * A small button that copies `text`, for ids the page shows shortened. Where there is no
 * clipboard (an insecure origin, a denied permission) it says so and shows the text to copy by
 * hand, rather than failing silently.
 */
export function CopyButton({ text, what }: CopyButtonProps): React.JSX.Element {
  const [state, setState] = useState<State>("idle");
  useEffect(() => {
    if (state !== "copied") return undefined;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);
  const onClick = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <span className="copy-button">
      <button type="button" className="link-button" aria-label={`Copy ${what} ${text}`} title={text} onClick={() => void onClick()}>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      <span role="status" className="muted">
        {state === "failed" ? (
          <>
            No clipboard here: <span className="mono copy-fallback">{text}</span>
          </>
        ) : null}
      </span>
    </span>
  );
}
