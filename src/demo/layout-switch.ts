import { isH264KeyframeStart } from "../rtp/h264-keyframe";
import { ConfigError } from "../errors";

/** A meeting layout change: from `atMs` after the call's media started, the video is sent at `size` (e.g. "320x180"). */
export interface LayoutChange {
  atMs: number;
  size: string;
}

/** Throws ConfigError unless `change` is a usable {@link LayoutChange}. */
export function validateLayoutChange(change: unknown, name = "layoutChange"): asserts change is LayoutChange {
  const c = change as Partial<LayoutChange> | null;
  if (typeof c !== "object" || c === null) throw new ConfigError(`${name}: must be an object`);
  if (!(typeof c.atMs === "number" && Number.isFinite(c.atMs) && c.atMs >= 0 && c.atMs <= 3_600_000)) throw new ConfigError(`${name}.atMs: must be a number of ms in 0..3600000, got ${String(c.atMs)}`);
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(String(c.size));
  if (!m || Number(m[1]) % 2 !== 0 || Number(m[2]) % 2 !== 0) throw new ConfigError(`${name}.size: must be WIDTHxHEIGHT with even numbers, got ${String(c.size)}`);
}

/**
 * Turns two encodings of one picture (the main size and the layout change's size, same frames and
 * GOP) into the one video stream a meeting server sends when its layout changes: the main stream
 * until its first keyframe after the change is due, then, from the other encoding's copy of that keyframe (new SPS/PPS, another
 * resolution), the other one under the main stream's SSRC, with sequence numbers going on by +1 and
 * timestamps on the main stream's line. The main stream's sender reports go on describing it.
 */
export class LayoutSwitch {
  readonly #atMs: number;
  readonly #startMs: number;
  readonly #now: () => number;
  #first: { main?: number; alt?: number } = {};
  #lastMain: { ssrc: number; seq: number } | undefined;
  /** The timestamp of the main encoding's keyframe where it stopped (the change was due). */
  #mainStoppedAt: number | undefined;
  #seqOffset = 0;
  #switched = false;

  constructor(change: LayoutChange, startMs: number, now: () => number = () => performance.now()) {
    validateLayoutChange(change);
    this.#atMs = change.atMs;
    this.#startMs = startMs;
    this.#now = now;
  }

  /** Whether the switch happened. */
  get switched(): boolean {
    return this.#switched;
  }

  /**
   * A packet of the main encoding: returned to be sent, or undefined from the first keyframe after
   * the change is due (the other encoding's copy of that frame is sent instead).
   */
  main(data: Buffer): Buffer | undefined {
    if (data.length < 13) return undefined;
    this.#first.main ??= data.readUInt32BE(4);
    if (this.#mainStoppedAt !== undefined) return undefined;
    if (this.#now() - this.#startMs >= this.#atMs && isH264KeyframeStart(payloadOf(data))) {
      this.#mainStoppedAt = data.readUInt32BE(4);
      return undefined;
    }
    this.#lastMain = { ssrc: data.readUInt32BE(8), seq: data.readUInt16BE(2) };
    return data;
  }

  /** A packet of the other encoding: rewritten onto the main stream once switched, else undefined. */
  alternate(data: Buffer): Buffer | undefined {
    if (data.length < 13) return undefined;
    this.#first.alt ??= data.readUInt32BE(4);
    const last = this.#lastMain;
    if (!this.#switched) {
      const stoppedAt = this.#mainStoppedAt;
      if (stoppedAt === undefined || !last || this.#first.main === undefined || !isH264KeyframeStart(payloadOf(data))) return undefined;
      // From the other encoding's copy of the frame where the main one stopped (or a later keyframe).
      const mapped = (data.readUInt32BE(4) - this.#first.alt + this.#first.main) >>> 0;
      if (((mapped - stoppedAt) | 0) < 0) return undefined;
      this.#switched = true;
      this.#seqOffset = (last.seq + 1 - data.readUInt16BE(2)) & 0xffff;
    }
    if (!last || this.#first.main === undefined || this.#first.alt === undefined) return undefined;
    data.writeUInt16BE((data.readUInt16BE(2) + this.#seqOffset) & 0xffff, 2);
    data.writeUInt32BE((data.readUInt32BE(4) - this.#first.alt + this.#first.main) >>> 0, 4);
    data.writeUInt32BE(last.ssrc, 8);
    return data;
  }
}

function payloadOf(data: Buffer): Buffer {
  return data.subarray(Math.min(data.length, 12 + (data[0] & 0x0f) * 4));
}
