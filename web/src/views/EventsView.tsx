import { useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { EventList } from "../components/EventList";
import { FrameInspector } from "../components/FrameInspector";
import { SkeletonRows } from "../components/Skeleton";
import { checkPatterns, joinPatterns, paramsWithPatterns, patternsFromParams, readPatterns, type PatternProblem } from "../lib/events/patternInput";
import type { EventFrame } from "../lib/ws/types";
import { useConnection, useEventStream } from "./data";

const count = (n: number) => n.toLocaleString("en");

/**
 * The event stream in the browser, as `tidewire tail` prints it in a terminal: a pattern box
 * (kept in the URL, so a view of the stream can be linked), a list that follows the newest
 * frame, pause with a count of what arrived meanwhile, and any frame's JSON on a click.
 */
export function EventsView(): React.JSX.Element {
  const [params, setParams] = useSearchParams();
  const fromUrl = patternsFromParams(params);
  const urlKey = JSON.stringify(fromUrl);
  const applied = useMemo(() => checkPatterns(JSON.parse(urlKey) as string[]), [urlKey]);

  // The box follows the URL (back and forward, a followed link) until the user types.
  const [draft, setDraft] = useState(() => joinPatterns(fromUrl));
  const [draftFor, setDraftFor] = useState(urlKey);
  const [typedErrors, setTypedErrors] = useState<readonly PatternProblem[] | null>(null);
  if (draftFor !== urlKey) {
    setDraftFor(urlKey);
    setDraft(joinPatterns(fromUrl));
    setTypedErrors(null);
  }

  const patterns = applied.ok ? applied.patterns : [];
  const stream = useEventStream(patterns, applied.ok);
  const { snapshot } = stream;
  const connection = useConnection();
  const [inspected, setInspected] = useState<EventFrame | null>(null);
  const [following, setFollowing] = useState(true);
  const [followKey, setFollowKey] = useState(0);

  // Focus goes back to the row the frame was opened from, so the keyboard is where it was.
  const closeInspector = () => {
    const row = document.querySelector<HTMLElement>('[data-testid="event-row"][data-selected="true"] button');
    setInspected(null);
    row?.focus({ preventScroll: true });
  };

  const errors = typedErrors ?? (applied.ok ? null : applied.errors);
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    const read = readPatterns(draft);
    if (!read.ok) {
      setTypedErrors(read.errors);
      return;
    }
    setTypedErrors(null);
    setInspected(null);
    setDraft(joinPatterns(read.patterns));
    setParams(paramsWithPatterns(params, read.patterns));
  };

  const described = ["pattern-help", errors !== null ? "pattern-error" : null].filter(Boolean).join(" ");
  const patternText = patterns.join(" ");

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <form className="form" onSubmit={onSubmit} role="search" aria-label="Subscription">
        <input
          aria-label="Patterns"
          className="mono"
          placeholder="* (every event but the high-volume ones)"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            setTypedErrors(null);
          }}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-invalid={errors !== null}
          aria-describedby={described}
          data-testid="pattern-input"
        />
        <button className="primary" type="submit">
          Apply
        </button>
        <p id="pattern-help" className="muted" style={{ flexBasis: "100%", margin: 0 }}>
          Space-separated: <code>task.created</code>, <code>task.*</code>, <code>*</code>, each optionally filtered{" "}
          <code>:field=value</code> (<code>task.*:project_id=prj_01</code>). High-volume events (
          <code>session.message</code>, <code>mcp.tool_called</code>) come only when named exactly.
        </p>
        {errors !== null ? (
          <ul id="pattern-error" className="error-text" role="alert" data-testid="pattern-error" style={{ flexBasis: "100%", margin: 0 }}>
            {errors.map((err) => (
              <li key={err.pattern + err.message}>{err.message}</li>
            ))}
          </ul>
        ) : null}
        {applied.ok && applied.hints.length > 0 ? (
          <ul className="muted" data-testid="pattern-hints" style={{ flexBasis: "100%", margin: 0 }}>
            {applied.hints.map((hint) => (
              <li key={hint}>{hint}</li>
            ))}
          </ul>
        ) : null}
      </form>

      <div className="toolbar" data-testid="events-toolbar">
        <button
          type="button"
          onClick={snapshot.paused ? stream.resume : stream.pause}
          disabled={!applied.ok}
          data-testid="pause-button"
        >
          {snapshot.paused ? "Resume" : "Pause"}
        </button>
        {snapshot.paused ? (
          <span className="badge" data-tone={snapshot.pending > 0 ? "accent" : undefined} data-testid="pending-count">
            {snapshot.pending === 0 ? "Paused" : `${count(snapshot.pending)} new`}
            {snapshot.overflowed > 0 ? ` (the oldest ${count(snapshot.overflowed)} of them no longer kept)` : ""}
          </span>
        ) : null}
        {!snapshot.paused && !following && snapshot.length > 0 ? (
          <button type="button" onClick={() => setFollowKey((k) => k + 1)}>
            Jump to newest
          </button>
        ) : null}
        <button type="button" onClick={stream.clear} disabled={snapshot.length === 0 && snapshot.pending === 0}>
          Clear
        </button>
        <span className="spacer" />
        <span className="muted" data-testid="events-status" data-live={stream.live ? "true" : "false"}>
          {applied.ok ? (
            <>
              {stream.live ? "Following" : connection.state === "connected" ? "Subscribing to" : "Waiting for the daemon:"}{" "}
              <code>{patternText}</code> · {count(snapshot.received)} received · keeps the last {count(snapshot.capacity)}
            </>
          ) : (
            "Not subscribed: fix the patterns above."
          )}
        </span>
      </div>

      {stream.skipped !== null ? (
        <p className="muted" role="status" data-testid="events-skipped">
          The daemon could not replay every event missed while disconnected ({stream.skipped.reason.replace(/_/gu, " ")}); the list
          goes on from seq {stream.skipped.seq}.
        </p>
      ) : null}

      <div className={inspected !== null ? "events-layout inspecting" : "events-layout"}>
        <div>
          {snapshot.length > 0 ? (
            <EventList
              snapshot={snapshot}
              selected={inspected}
              onInspect={setInspected}
              onFollowChange={setFollowing}
              followKey={followKey}
            />
          ) : !applied.ok ? null : !stream.live && connection.state !== "connected" && snapshot.received === 0 ? (
            <SkeletonRows rows={4} label="Connecting to the event stream" />
          ) : (
            <div className="card empty" data-testid="events-empty">
              {snapshot.paused && snapshot.pending > 0 ? (
                <>Paused: resume to see the {count(snapshot.pending)} new events.</>
              ) : (
                <>
                  No events yet matching <code>{patternText}</code>.
                </>
              )}
            </div>
          )}
        </div>
        {inspected !== null ? <FrameInspector frame={inspected} onClose={closeInspector} /> : null}
      </div>
    </section>
  );
}
