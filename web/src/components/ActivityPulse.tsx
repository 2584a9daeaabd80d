import { useEffect, useRef, useState } from "react";

export interface ActivityPulseProps {
  /** Agents currently running; null while that is still loading (a skeleton, not a zero). */
  activeAgents: number | null;
  /** Tool calls seen live since the page opened (mcp.tool_called + session tool use). */
  toolCalls: number;
  /** Changes whenever any new event arrives; each change triggers one beat. */
  eventTick: number;
}

function prefersReducedMotion(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function"
    ? window.matchMedia("(prefers-reduced-motion: reduce)").matches
    : false;
}

/**
 * A small live indicator: how many agents are running, how many tool calls went by, and a
 * ring that beats on each new event. With reduced motion the ring is replaced by a static
 * highlight (the stylesheet turns animations off); the counters still update.
 */
export function ActivityPulse({ activeAgents, toolCalls, eventTick }: ActivityPulseProps): React.JSX.Element {
  const [beat, setBeat] = useState(0);
  const lastTick = useRef(eventTick);

  useEffect(() => {
    // Comparing ticks rather than skipping the first run: StrictMode runs mount effects
    // twice, and mounting is not a new event.
    if (lastTick.current === eventTick) return;
    lastTick.current = eventTick;
    setBeat((b) => b + 1);
    const timer = window.setTimeout(() => setBeat(0), prefersReducedMotion() ? 400 : 900);
    return () => window.clearTimeout(timer);
  }, [eventTick]);

  const beating = beat > 0;
  return (
    <div
      className="pulse card"
      data-testid="activity-pulse"
      data-count={toolCalls}
      data-active={activeAgents !== null && activeAgents > 0 ? "true" : "false"}
      data-beating={beating ? "true" : "false"}
      aria-live="off"
    >
      {/* key restarts the CSS animation on every beat, even when beats come back to back */}
      <span key={beat} className={beating ? "pulse-orb beat" : "pulse-orb"} aria-hidden="true" />
      <div>
        {activeAgents === null ? (
          <div className="figure" data-testid="skeleton" role="status" aria-busy="true" aria-label="Loading agents">
            <span className="skeleton" style={{ height: 20, width: 120 }} />
          </div>
        ) : (
          <div className="figure">
            {activeAgents} <span className="caption">{activeAgents === 1 ? "agent active" : "agents active"}</span>
          </div>
        )}
        <div className="caption">
          <span data-testid="tool-call-count">{toolCalls}</span> tool calls live
        </div>
      </div>
    </div>
  );
}
