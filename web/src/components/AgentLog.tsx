/**
 * An agent run's output: ANSI colours rendered, a search box that marks matches, and a follow
 * toggle that keeps the view at the end as output arrives (scrolling up turns it off).
 *
 * Capped rather than virtualised: only the last RENDER_LINES lines are in the page (the lines
 * of a log differ in height once wrapped, and a terminal-like view is read at its end); the
 * note above them says how many are left out.
 */
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { ansiSpans, type AnsiSpan } from "../lib/agentOutput/ansi";
import { countMatches, splitMatches } from "../lib/agentOutput/search";
import type { OutputBuffer } from "../lib/agentOutput/buffer";

export const RENDER_LINES = 2000;

interface Line {
  readonly key: number;
  readonly spans: AnsiSpan[];
}

/** The last `max` lines of `text`, parsed together so a colour set on one line carries on to the next. */
export function lastLines(text: string, max = RENDER_LINES): { lines: Line[]; hidden: number } {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body === "") return { lines: [], hidden: 0 };
  const all = body.split("\n");
  const hidden = Math.max(0, all.length - max);
  const lines: Line[] = [];
  let current: AnsiSpan[] = [];
  for (const span of ansiSpans(all.slice(hidden).join("\n"))) {
    const parts = span.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) {
        lines.push({ key: hidden + lines.length, spans: current });
        current = [];
      }
      if (part) current.push({ text: part, style: span.style });
    });
  }
  lines.push({ key: hidden + lines.length, spans: current });
  return { lines, hidden };
}

export function AgentLog({ buffer, loaded }: { buffer: OutputBuffer; loaded: boolean }): React.JSX.Element {
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  const box = useRef<HTMLPreElement>(null);
  const { lines, hidden } = useMemo(() => lastLines(buffer.text), [buffer.text]);
  const matches = useMemo(
    () => lines.reduce((n, line) => n + line.spans.reduce((m, span) => m + countMatches(span.text, query), 0), 0),
    [lines, query],
  );
  const rendered = lines.map((line) => (
    <div key={line.key} className="log-line">
      {line.spans.length === 0
        ? "\u200b"
        : line.spans.map((span, i) => (
            <span key={i} style={span.style}>
              {splitMatches(span.text, query).map((seg, j) => {
                if (!seg.match) return seg.text;
                return (
                  <mark key={j} data-testid="log-match">
                    {seg.text}
                  </mark>
                );
              })}
            </span>
          ))}
    </div>
  ));

  useLayoutEffect(() => {
    const el = box.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [follow, buffer.text]);

  return (
    <div className="stack">
      <div className="toolbar">
        <label className="field-inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} aria-label="Follow output" />{" "}
          Follow
        </label>
        <input
          type="search"
          placeholder="Search output"
          aria-label="Search output"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {query ? (
          <span className="muted" data-testid="log-match-count" aria-live="polite">
            {matches} {matches === 1 ? "match" : "matches"}
          </span>
        ) : null}
        <span className="spacer" />
        <span className="muted">{formatBytes(buffer.next)}</span>
      </div>
      {hidden > 0 || buffer.dropped > 0 ? (
        <p className="muted" data-testid="log-hidden">
          {hidden > 0 ? `${hidden.toLocaleString()} earlier lines not shown` : "Earlier output not shown"}; the whole
          log is in the daemon&apos;s data directory.
        </p>
      ) : null}
      <pre
        ref={box}
        className="agent-log mono"
        data-testid="agent-log"
        tabIndex={0}
        aria-label="Agent output"
        onScroll={(e) => {
          const el = e.currentTarget;
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
          if (follow && !atEnd) setFollow(false);
        }}
      >
        {rendered.length > 0 ? rendered : <span className="muted">{loaded ? "No output yet." : "Loading output…"}</span>}
      </pre>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
