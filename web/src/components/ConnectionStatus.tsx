import type { ConnectionQuality, ConnectionState } from "../views/data";
import { useNow } from "./useNow";

const LABEL: Record<ConnectionState, string> = {
  connecting: "Connecting",
  connected: "Live",
  reconnecting: "Reconnecting",
  disconnected: "Offline",
};

/**
 * The header pill: the socket state, the connection quality and the last round trip.
 * `data-state` is the socket client's own state and `data-quality` its quality, for automation.
 */
export function ConnectionStatus({
  state,
  quality,
  latencyMs,
}: {
  state: ConnectionState;
  quality: ConnectionQuality;
  latencyMs: number | null;
}): React.JSX.Element {
  const live = state === "connected";
  // An overdue pong makes the last round trip a lie: show the quality alone until one comes back.
  const showLatency = live && latencyMs !== null && quality !== "poor";
  return (
    <span
      className="pill"
      data-testid="connection-status"
      data-state={state}
      data-quality={quality}
      role="status"
      aria-live="polite"
      title={QUALITY_TITLE[quality]}
    >
      <span className="dot" aria-hidden="true" />
      {LABEL[state]}
      {live && quality !== "unknown" ? <span data-testid="connection-quality">{quality}</span> : null}
      {!live ? <span className="muted">{quality}</span> : null}
      {showLatency ? <span className="muted">{Math.round(latencyMs)} ms</span> : null}
    </span>
  );
}

const QUALITY_TITLE: Record<ConnectionQuality, string> = {
  good: "Round trips are fast",
  fair: "Round trips are slow",
  poor: "The daemon is slow to answer or not answering",
  down: "Not connected to the daemon",
  unknown: "Measuring the round trip",
};

/** Rendered only while what is on screen is not confirmed live. */
export function StaleIndicator({ stale, since }: { stale: boolean; since: number | null }): React.JSX.Element | null {
  if (!stale) return null;
  const title =
    since !== null ? `Last confirmed live at ${new Date(since).toLocaleTimeString()}` : "Not yet confirmed live";
  return (
    <span className="pill stale" data-testid="stale-indicator" title={title}>
      Stale data
    </span>
  );
}

export function ReconnectingBanner({
  state,
  nextRetryAt = null,
}: {
  state: ConnectionState;
  /** Client clock time of the next attempt, while one is scheduled. */
  nextRetryAt?: number | null;
}): React.JSX.Element | null {
  const down = state === "reconnecting" || state === "disconnected";
  const now = useNow(1000, down && nextRetryAt !== null);
  if (!down) return null;
  const nextRetryInMs = nextRetryAt !== null ? nextRetryAt - now : null;
  return (
    <div className="banner reconnecting" data-testid="reconnecting-indicator" role="alert">
      <span className="spinner" aria-hidden="true" />
      <span>
        {state === "reconnecting" ? "Connection lost, reconnecting" : "Disconnected from the daemon"}
        {nextRetryInMs != null && nextRetryInMs > 0 ? ` (next try in ${Math.ceil(nextRetryInMs / 1000)} s)` : ""}.
      </span>
      <span className="muted">Showing the last known state; changes you make are queued.</span>
    </div>
  );
}
