import { useEffect } from "react";
import type { Tone } from "../components/Badge";
import { ListCard, Stat } from "../components/Cards";
import { NotifyControl } from "../components/AttentionStrip";
import { ConnectionStatus, StaleIndicator } from "../components/ConnectionStatus";
import { useConnection, useNotifySetting, type ConnectionQuality } from "./data";

const QUALITY_TONE: Record<ConnectionQuality, Tone> = {
  good: "ok",
  fair: "warn",
  poor: "bad",
  down: "bad",
  unknown: "neutral",
};

export function ConnectionView(): React.JSX.Element {
  const c = useConnection();
  const notify = useNotifySetting();
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
        <Stat label="socket state">
          <ConnectionStatus state={c.state} quality={c.quality} latencyMs={null} />
        </Stat>
        <Stat label="round trip (last pong)" valueTestId="latency">
          {c.latencyMs === null ? "–" : `${Math.round(c.latencyMs)} ms`}
        </Stat>
        <Stat label="connection quality">
          <span className="badge" data-tone={QUALITY_TONE[c.quality]} data-testid="quality">
            {c.quality}
          </span>
        </Stat>
        <Stat label="last seq seen" mono>
          {c.lastSeq ?? "–"}
        </Stat>
        <Stat label="frames queued">{c.queued}</Stat>
        <Stat label="changes waiting to be sent">{c.pendingMutations}</Stat>
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
      {notify.state !== "unsupported" && (
        // Here too, not only in the strip: it can be turned on before anything needs the user.
        <p className="muted" data-testid="notify-setting">
          Desktop notifications for what needs you ({notify.state === "on" ? "on" : "off"}):{" "}
          <NotifyControl notify={notify} />
        </p>
      )}
      <div className="cols" style={{ marginTop: 6 }}>
        <div>
          <h2>Subscriptions</h2>
          <ListCard items={c.subscriptions} empty="None">
            {(s) => (
              <li key={s}>
                <code>{s}</code>
              </li>
            )}
          </ListCard>
        </div>
        <div>
          <h2>Event log</h2>
          <ListCard items={log} empty="Nothing logged yet." className="list log" testId="connection-log">
            {(e, i) => (
              <li key={`${e.at}-${i}`}>
                <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>
                <span>{e.kind}</span>
                <span>{e.message}</span>
              </li>
            )}
          </ListCard>
        </div>
      </div>
    </section>
  );
}
