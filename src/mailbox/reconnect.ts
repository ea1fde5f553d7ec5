/**
 * How long to wait before the next attempt to reach a server that went away: exponential backoff
 * with "equal jitter" (half the step fixed, half random), capped. The fixed half keeps a flapping
 * server from being hammered; the random half keeps several workers that lost the same server at
 * the same moment from all coming back in the same instant (see the AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015).
 */
export interface BackoffOptions {
  /** The first step (attempt 0), ms. */
  baseMs: number;
  /** No step is longer than this, ms. */
  maxMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/** The delay before attempt `attempt` (0-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(step / 2 + random() * (step / 2));
}
