/**
 * Connection quality, the one definition the header pill and the Connection page both show.
 * Pure: the socket client feeds it what it knows and stores the answer in its snapshot.
 */
import type { ConnectionQuality, ConnectionState } from "./types";

/** Mean round trip at or under this is good. */
export const QUALITY_GOOD_MS = 150;
/** Mean round trip at or under this (and over good) is fair; above it, poor. */
export const QUALITY_FAIR_MS = 600;
/** How many recent round trips the mean covers. */
export const LATENCY_SAMPLES = 5;

export interface QualityInput {
  readonly state: ConnectionState;
  /** Recent round trips in ms, oldest first (at most LATENCY_SAMPLES are used). */
  readonly latencies: readonly number[];
  /**
   * A ping has waited longer than the overdue threshold. Whatever the old samples say,
   * a daemon that is not answering now is not a good connection.
   */
  readonly pongOverdue: boolean;
}

export function connectionQuality({ state, latencies, pongOverdue }: QualityInput): ConnectionQuality {
  if (state !== "connected") return "down";
  if (pongOverdue) return "poor";
  const recent = latencies.slice(-LATENCY_SAMPLES);
  if (recent.length === 0) return "unknown";
  const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
  if (mean <= QUALITY_GOOD_MS) return "good";
  if (mean <= QUALITY_FAIR_MS) return "fair";
  return "poor";
}
