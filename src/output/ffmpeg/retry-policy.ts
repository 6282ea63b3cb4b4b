import { ConfigError } from "../../errors";

/** How an output that stopped is restarted. */
export interface RetryPolicy {
  /** Restarts after failures before the output is given up (FAILED); 0 disables reconnecting. */
  maxRetries: number;
  /** Wait before the first restart, in ms. */
  initialBackoffMs: number;
  /** The wait doubles after each failed restart up to this cap, in ms. */
  maxBackoffMs: number;
  /**
   * An attempt that published at least this long counts as a success: the next failure starts the
   * count (and the wait) from the beginning again. Without this a server that accepts and drops
   * every connection after a second would be retried for ever at the shortest wait.
   */
  stableAfterMs: number;
}

/** Most restarts an output may be given (CLI `--rtmp-retries`, the nodes' `msg.rtmpRetries`). */
export const MAX_PUBLISH_RETRIES = 1000;

/**
 * Defaults: 8 restarts, 1 s doubling to 30 s (about two minutes in all) — long enough to ride
 * out a CDN ingest restart, short enough that a dead target is reported soon.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 8,
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
  stableAfterMs: 10_000,
});

/**
 * Fills in the defaults and checks the values.
 * @throws ConfigError naming the bad field.
 */
export function resolveRetryPolicy(p: Partial<RetryPolicy> = {}): RetryPolicy {
  const r = { ...DEFAULT_RETRY_POLICY, ...definedOnly(p) };
  if (!Number.isInteger(r.maxRetries) || r.maxRetries < 0 || r.maxRetries > MAX_PUBLISH_RETRIES) {
    throw new ConfigError(`retry.maxRetries: expected an integer from 0 to ${MAX_PUBLISH_RETRIES}, got ${r.maxRetries}`);
  }
  for (const key of ["initialBackoffMs", "maxBackoffMs", "stableAfterMs"] as const) {
    if (!Number.isFinite(r[key]) || r[key] < 0) throw new ConfigError(`retry.${key}: expected a number of ms >= 0, got ${r[key]}`);
  }
  if (r.maxBackoffMs < r.initialBackoffMs) throw new ConfigError(`retry.maxBackoffMs (${r.maxBackoffMs}) must be >= initialBackoffMs (${r.initialBackoffMs})`);
  return r;
}

/** The wait before restart number `retry` (1 = the first restart): initial × 2^(retry−1), capped. */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  if (retry < 1) return 0;
  const exponent = Math.min(retry - 1, 30);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** exponent);
}

/**
 * Longest wait between restarts once an output that had published steadily (stableAfterMs) lost its
 * target: a server that restarts is usually back within seconds, and the doubling schedule would
 * leave the stream down for up to maxBackoffMs after its return.
 */
export const STABLE_OUTAGE_MAX_BACKOFF_MS = 3000;

/** How long the doubling schedule keeps restarting before it gives up: the sum of all its waits. */
export function retryWindowMs(policy: RetryPolicy): number {
  let total = 0;
  for (let retry = 1; retry <= policy.maxRetries; retry++) total += backoffDelayMs(policy, retry);
  return total;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
