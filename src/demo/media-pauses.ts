import { ConfigError } from "../errors";

/**
 * A stretch of time in which the test meeting sends no video RTP, as a peer whose screen share
 * ends and later starts again, or whose camera comes on late (`atMs: 0`) or never (`forMs` longer
 * than the call). Its RTCP goes on, as a real sender's reports do.
 */
export interface MediaPause {
  /** When the pause starts, in ms after the call's media started (0..3 600 000). */
  atMs: number;
  /** How long it lasts, in ms (1..3 600 000). */
  forMs: number;
}

/** At most this many pauses per call. */
export const MAX_MEDIA_PAUSES = 100;

/** Throws ConfigError unless `pauses` is a usable list of {@link MediaPause}. */
export function validateMediaPauses(pauses: unknown, name = "videoPauses"): asserts pauses is MediaPause[] {
  if (!Array.isArray(pauses)) throw new ConfigError(`${name}: must be an array`);
  if (pauses.length > MAX_MEDIA_PAUSES) throw new ConfigError(`${name}: at most ${MAX_MEDIA_PAUSES} pauses, got ${pauses.length}`);
  pauses.forEach((p: unknown, i) => {
    const pause = p as Partial<MediaPause> | null;
    if (typeof pause !== "object" || pause === null) throw new ConfigError(`${name}[${i}]: must be an object`);
    const inRange = (v: unknown, min: number): boolean => typeof v === "number" && Number.isFinite(v) && v >= min && v <= 3_600_000;
    if (!inRange(pause.atMs, 0)) throw new ConfigError(`${name}[${i}].atMs: must be a number of ms in 0..3600000, got ${String(pause.atMs)}`);
    if (!inRange(pause.forMs, 1)) throw new ConfigError(`${name}[${i}].forMs: must be a number of ms in 1..3600000, got ${String(pause.forMs)}`);
  });
}

/**
 * Tells, for each datagram of one medium, whether it falls in a {@link MediaPause} (drop it).
 * The sender (the peer's ffmpeg) goes on encoding meanwhile, so the stream resumes in the middle
 * of a group of pictures, with a sequence number gap: what a receiver must ride out.
 */
export class MediaPauses {
  readonly #pauses: MediaPause[];
  readonly #startMs: number;
  readonly #now: () => number;
  #dropped = 0;

  /** @param startMs - when the call's media started, on `now`'s clock. */
  constructor(pauses: readonly MediaPause[], startMs: number, now: () => number = () => performance.now()) {
    validateMediaPauses(pauses);
    this.#pauses = [...pauses];
    this.#startMs = startMs;
    this.#now = now;
  }

  /** Whether a datagram sent now is dropped (and counted). */
  drops(): boolean {
    const elapsed = this.#now() - this.#startMs;
    const paused = this.#pauses.some((p) => elapsed >= p.atMs && elapsed < p.atMs + p.forMs);
    if (paused) this.#dropped++;
    return paused;
  }

  /** Datagrams dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }
}
