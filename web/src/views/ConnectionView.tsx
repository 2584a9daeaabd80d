import { useEffect } from "react";
import { ConnectionStatus, StaleIndicator } from "../components/ConnectionStatus";
import { useConnection } from "./data";

const QUALITY_TONE: Record<string, string> = { good: "ok", fair: "warn", poor: "bad", unknown: "neutral" };

export function ConnectionView(): React.JSX.Element {
  const c = useConnection();
  const { pingNow, state } = c;
  // Opening the panel measures latency at once rather than at the next periodic ping.
  useEffect(() => {
    if (state === "connected") pingNow();
  }, [state, pingNow]);
  const log = [...c.log].reverse();
  return (
    <section aria-labelledby="conn-title">
      <h1 id="conn-title">Connection</h1>
      <div className="grid">
        <div className="card stat">
          <div className="value">
            <ConnectionStatus state={c.state} latencyMs={null} />
          </div>
          <div className="label">socket state</div>
        </div>
        <div className="card stat">
          <div className="value" data-testid="latency">
            {c.latencyMs === null ? "–" : `${Math.round(c.latencyMs)} ms`}
          </div>
          <div className="label">round trip (last pong)</div>
        </div>
        <div className="card stat">
          <div className="value">
            <span className="badge" data-tone={QUALITY_TONE[c.quality] ?? "neutral"} data-testid="quality">
              {c.quality}
            </span>
          </div>
          <div className="label">connection quality</div>
        </div>
        <div className="card stat">
          <div className="value mono">{c.lastSeq ?? "–"}</div>
          <div className="label">last seq seen</div>
        </div>
        <div className="card stat">
          <div className="value">{c.queued}</div>
          <div className="label">frames queued</div>
        </div>
        <div className="card stat">
          <div className="value">{c.pendingMutations}</div>
          <div className="label">changes waiting to be sent</div>
        </div>
      </div>
      <div className="toolbar" style={{ marginTop: 14 }}>
        <StaleIndicator stale={c.stale} since={c.lastLiveAt} />
        <span className="muted">
          epoch <code>{c.epoch ?? "–"}</code> · server <code>{c.serverId ?? "–"}</code> · attempt {c.attempt}
        </span>
        <span className="spacer" />
        <button onClick={c.pingNow} disabled={c.state !== "connected"}>
          Ping now
        </button>
        <button onClick={c.reconnectNow} disabled={c.state === "connected" || c.state === "connecting"}>
          Reconnect now
        </button>
      </div>
      <div className="cols" style={{ marginTop: 6 }}>
        <div>
          <h2>Subscriptions</h2>
          <div className="card">
            {c.subscriptions.length === 0 ? (
              <div className="empty">None</div>
            ) : (
              <ul className="list">
                {c.subscriptions.map((s) => (
                  <li key={s}>
                    <code>{s}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <div>
          <h2>Event log</h2>
          <div className="card">
            {log.length === 0 ? (
              <div className="empty">Nothing logged yet.</div>
            ) : (
              <ul className="list log" data-testid="connection-log">
                {log.map((e, i) => (
                  <li key={`${e.at}-${i}`}>
                    <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>
                    <span>{e.kind}</span>
                    <span>{e.message}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
