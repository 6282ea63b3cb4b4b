import { ConfigError, SipcastError } from "../errors";

/**
 * Caps on what one Engine (or one REST API, across all its engines) takes on at once, so that a
 * flood of requests is refused with a clear error instead of exhausting file descriptors, ports and
 * CPU: each call holds 4 UDP sockets and a SIP dialog, each output one ffmpeg child with its pipes
 * and sockets (about 45 calls with one output each filled a 1024 descriptor limit).
 */
export interface EngineLimits {
  /** Calls not yet in a final state (TRYING … HOLD) at one time. Default {@link DEFAULT_ENGINE_LIMITS}.maxCalls. */
  maxCalls?: number;
  /** Running outputs (RTMP targets and recordings, each its own ffmpeg) of one call. */
  maxOutputsPerCall?: number;
  /** New calls accepted within any one second. */
  callStartsPerSecond?: number;
}

export type ResolvedEngineLimits = Required<EngineLimits>;

/**
 * The defaults: 50 calls is above what the benchmark held on 2 cores (40–50 at ~3 % of a core each),
 * 4 outputs covers a CDN, a backup CDN, a local stream and a recording, and 10 starts per second
 * lets a dashboard start a meeting's worth of calls while a loop gone wrong is stopped in a second.
 */
export const DEFAULT_ENGINE_LIMITS: Readonly<ResolvedEngineLimits> = Object.freeze({ maxCalls: 50, maxOutputsPerCall: 4, callStartsPerSecond: 10 });

/** The highest value each limit accepts (a larger one is a typo, not a plan). */
export const MAX_ENGINE_LIMITS: Readonly<ResolvedEngineLimits> = Object.freeze({ maxCalls: 10_000, maxOutputsPerCall: 64, callStartsPerSecond: 1000 });

/** A call or output was refused because a limit is reached; the message names the limit and its value. */
export class LimitError extends SipcastError {
  constructor(
    readonly limit: keyof EngineLimits,
    readonly value: number,
    what: string,
  ) {
    super(`${what} refused: limit ${limit} (${value}) reached`, "LIMIT_REACHED");
  }
}

/** Applies the defaults and checks each limit (a whole number from 1 to its maximum). @throws ConfigError naming it. */
export function resolveEngineLimits(limits: EngineLimits | undefined): ResolvedEngineLimits {
  if (limits !== undefined && (typeof limits !== "object" || limits === null)) throw new ConfigError(`limits: expected an object`);
  const out = { ...DEFAULT_ENGINE_LIMITS };
  for (const name of Object.keys(DEFAULT_ENGINE_LIMITS) as Array<keyof EngineLimits>) {
    const value = limits?.[name];
    if (value === undefined) continue;
    const max = MAX_ENGINE_LIMITS[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
      throw new ConfigError(`limits.${name}: expected a whole number from 1 to ${max}, got ${String(value)}`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * Decides whether one more call may start: fewer than `maxCalls` live, and fewer than
 * `callStartsPerSecond` accepted within the last second (a sliding window, so a burst cannot
 * straddle a clock-second boundary to get twice through). Refused attempts do not count.
 */
export class CallAdmission {
  readonly #starts: number[] = [];

  constructor(
    readonly limits: ResolvedEngineLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** {@link check}, then {@link record}. @throws LimitError */
  admit(liveCalls: number): void {
    this.check(liveCalls);
    this.record();
  }

  /** @throws LimitError when `liveCalls` or the starts of the last second are at their limit. */
  check(liveCalls: number): void {
    if (liveCalls >= this.limits.maxCalls) throw new LimitError("maxCalls", this.limits.maxCalls, "call");
    this.#forget(this.now());
    if (this.#starts.length >= this.limits.callStartsPerSecond) throw new LimitError("callStartsPerSecond", this.limits.callStartsPerSecond, "call");
  }

  /** Counts one accepted start. */
  record(): void {
    const t = this.now();
    this.#forget(t);
    this.#starts.push(t);
  }

  #forget(t: number): void {
    while (this.#starts.length > 0 && t - this.#starts[0] >= 1000) this.#starts.shift();
  }
}
