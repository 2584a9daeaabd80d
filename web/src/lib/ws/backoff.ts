/**
 * Reconnect delays: exponential growth of the cap, full jitter inside it.
 *
 * Full jitter (a uniform draw in [0, cap]) spreads the reconnects of many tabs
 * after a daemon restart instead of having them all arrive in lock-step.
 */
export interface BackoffOptions {
  /** Cap of the first retry, in ms. */
  readonly initialMs: number;
  /** Upper bound of every delay, in ms. */
  readonly maxMs: number;
  /** Growth of the cap per failed attempt. */
  readonly factor: number;
}

// A 10 s ceiling: the daemon is local, so a long wait after it comes back is pure delay for the user.
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000, factor: 2 };

/** The cap for the given 0-based attempt: min(maxMs, initialMs * factor^attempt). */
export function backoffCap(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // A large attempt overflows to Infinity, which Math.min caps; with initialMs 0 that is
  // 0 * Infinity = NaN, which it would pass through.
  const raw = options.initialMs * Math.pow(options.factor, exponent);
  return Math.min(options.maxMs, Number.isFinite(raw) ? raw : options.maxMs);
}

/** A delay drawn uniformly from [0, cap(attempt)]; `random` returns values in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCap(attempt, options));
}
