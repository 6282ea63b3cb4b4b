/**
 * Milliseconds (fractional, µs precision) on CLOCK_MONOTONIC.
 *
 * @remarks
 * `process.hrtime` reads CLOCK_MONOTONIC, which is one clock for the whole machine: values
 * taken in the peer, the engine host and the RTMP sink (separate processes) can be subtracted
 * from each other. `Date.now()` could jump; `performance.now()` starts at each process's birth.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
