import { useEffect, useRef, useState } from "react";
import type { EventFrame } from "../lib/ws/types";

export interface FrameInspectorProps {
  readonly frame: EventFrame;
  readonly onClose: () => void;
}

type CopyState = "idle" | "copied" | "failed";

/** One frame's full JSON, pretty-printed, with a copy button; Escape or Close puts it away. */
export function FrameInspector({ frame, onClose }: FrameInspectorProps): React.JSX.Element {
  const json = JSON.stringify(frame, null, 2);
  const [copy, setCopy] = useState<{ seq: number; state: CopyState }>({ seq: frame.seq, state: "idle" });
  const copyState = copy.seq === frame.seq ? copy.state : "idle";
  const preRef = useRef<HTMLPreElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Focus moves here when a frame is opened, so a keyboard user lands on what they asked for.
  useEffect(() => {
    headingRef.current?.focus();
  }, [frame]);

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(json);
      setCopy({ seq: frame.seq, state: "copied" });
    } catch {
      // No clipboard (an insecure origin, a denied permission): select the text for a manual copy.
      const pre = preRef.current;
      const selection = window.getSelection();
      if (pre !== null && selection !== null) {
        selection.selectAllChildren(pre);
      }
      setCopy({ seq: frame.seq, state: "failed" });
    }
  };

  return (
    <section
      className="card frame-inspector"
      aria-labelledby="frame-inspector-title"
      data-testid="frame-inspector"
      data-seq={frame.seq}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="toolbar">
        <h2 id="frame-inspector-title" ref={headingRef} tabIndex={-1} style={{ margin: 0 }}>
          Event {frame.seq} <span className="mono">{frame.type}</span>
        </h2>
        <span className="spacer" />
        <button type="button" onClick={() => void onCopy()}>
          Copy JSON
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <span role="status" className="muted">
        {copyState === "copied" ? "Copied to the clipboard." : copyState === "failed" ? "No clipboard here: the JSON is selected, copy it with Ctrl+C." : ""}
      </span>
      <pre
        ref={preRef}
        className="frame-json mono"
        data-testid="frame-json"
        tabIndex={0}
        role="region"
        aria-label={`JSON of event ${frame.seq}`}
      >
        {json}
      </pre>
    </section>
  );
}
