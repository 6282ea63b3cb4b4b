import { ConfigError } from "../errors";

/** Default of CallOptions.jitterBufferMs. */
export const DEFAULT_JITTER_BUFFER_MS = 50;

/** Highest CallOptions.jitterBufferMs: longer waits would delay every output past what a live stream tolerates. */
export const MAX_JITTER_BUFFER_MS = 1000;

/** Checks a jitterBufferMs option (0..MAX_JITTER_BUFFER_MS, 0 = off) and returns it or the default. @throws ConfigError */
export function checkJitterBufferMs(ms: number | undefined): number {
  if (ms === undefined) return DEFAULT_JITTER_BUFFER_MS;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > MAX_JITTER_BUFFER_MS) {
    throw new ConfigError(`jitterBufferMs: expected 0 (off) to ${MAX_JITTER_BUFFER_MS} milliseconds, got ${String(ms)}`);
  }
  return ms;
}
