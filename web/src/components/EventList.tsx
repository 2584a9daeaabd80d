import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { FrameLogSnapshot } from "../lib/events/frameLog";
import { clock, summarize } from "../lib/events/summary";
import type { EventFrame } from "../lib/ws/types";

const ROW_HEIGHT = 32;
const HEAD_HEIGHT = 32;

export interface EventListProps {
  readonly snapshot: FrameLogSnapshot<EventFrame>;
  /** The frame being inspected, marked in the list (by identity: a new epoch reuses seqs). */
  readonly selected: EventFrame | null;
  readonly onInspect: (frame: EventFrame) => void;
  /** Told when following the newest frame starts or stops (scrolling up stops it, like a log viewer). */
  readonly onFollowChange?: (follow: boolean) => void;
  /** Bumped to scroll to the newest frame and follow again. */
  readonly followKey?: number;
}

/** Row keys: a frame's seq is unique on one connection's log, but a new epoch starts over. */
const rowKey = (snapshot: FrameLogSnapshot<EventFrame>, index: number) => snapshot.start + index;

/**
 * The frames, oldest at the top and newest at the bottom, virtualised like the task list
 * (only the rows in view are in the DOM, so 5,000 cost what 30 do). While the view is at the
 * bottom it follows new frames; scrolled up, it stays where it is, also when the oldest rows
 * are dropped from the top.
 */
export function EventList({ snapshot, selected: inspected, onInspect, onFollowChange, followKey = 0 }: EventListProps): React.JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  // The virtualizer hands out functions the React Compiler cannot memoise safely; this
  // component does not rely on memoisation of its own output.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: snapshot.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rowKey(snapshot, index),
  });

  const lastStart = useRef(snapshot.start);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const removed = snapshot.start - lastStart.current;
    lastStart.current = snapshot.start;
    if (el === null) return;
    if (follow) {
      el.scrollTop = el.scrollHeight;
    } else if (removed > 0) {
      // Rows left the top: move up by as much, so the rows being read stay put.
      el.scrollTop = Math.max(0, el.scrollTop - removed * ROW_HEIGHT);
    }
  }, [snapshot, follow]);

  useEffect(() => {
    if (followKey === 0) return;
    setFollow(true);
    onFollowChange?.(true);
    const el = scrollRef.current;
    if (el !== null) el.scrollTop = el.scrollHeight;
    // Keyed on followKey alone: each request jumps once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [followKey]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el === null) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT / 2;
    if (atBottom !== follow) {
      setFollow(atBottom);
      onFollowChange?.(atBottom);
    }
  };

  // Up and Down move between rows, so a keyboard user need not tab through each one.
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Home" && e.key !== "End") return;
    const current = (e.target as HTMLElement).closest<HTMLElement>("[data-index]");
    const index = current === null ? -1 : Number(current.dataset.index);
    let next: number;
    if (e.key === "Home") next = 0;
    else if (e.key === "End") next = snapshot.length - 1;
    else if (index < 0) return;
    else next = Math.min(snapshot.length - 1, Math.max(0, index + (e.key === "ArrowDown" ? 1 : -1)));
    if (next < 0 || next === index) return;
    e.preventDefault();
    virtualizer.scrollToIndex(next, { align: "auto" });
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"] button`)?.focus({ preventScroll: true });
    });
  };

  return (
    <div
      className="event-scroll"
      ref={scrollRef}
      role="table"
      aria-label="Events"
      aria-rowcount={snapshot.length + 1}
      data-testid="event-list"
      data-follow={follow ? "true" : "false"}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      style={{ height: `min(62vh, ${Math.max(snapshot.length, 3) * ROW_HEIGHT + HEAD_HEIGHT + 2}px)` }}
    >
      <div className="event-head" role="row" aria-rowindex={1}>
        <span role="columnheader">Seq</span>
        <span role="columnheader">Time</span>
        <span role="columnheader">Type</span>
        <span role="columnheader">Summary</span>
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const frame = snapshot.at(item.index);
          if (frame === undefined) return null;
          const selected = frame === inspected;
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-current={selected ? "true" : undefined}
              className="event-row"
              data-testid="event-row"
              data-index={item.index}
              data-seq={frame.seq}
              data-type={frame.type}
              data-selected={selected ? "true" : undefined}
              onClick={() => onInspect(frame)}
              style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
            >
              <span role="cell" className="mono seq">
                {frame.seq}
              </span>
              <span role="cell" className="mono muted">
                <time dateTime={frame.ts}>{clock(frame.ts)}</time>
              </span>
              <span role="cell" className="type">
                <button
                  type="button"
                  className="link mono"
                  aria-label={`Inspect event ${frame.seq}, ${frame.type}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    onInspect(frame);
                  }}
                >
                  {frame.type}
                </button>
              </span>
              <span role="cell" className="mono summary">
                {summarize(frame.type, frame.data)}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
