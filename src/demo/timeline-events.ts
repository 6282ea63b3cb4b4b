import { ConfigError } from "../errors";
import { seededRandom } from "./impairment";

/**
 * A change of the RTP timeline the test meeting makes mid-call, as media servers do:
 * - `restart`: same SSRC, sequence number and timestamp jump to a new random base (a looping
 *   prompt, a re-bridged call);
 * - `ssrc-change`: a new random SSRC with new random sequence and timestamp bases (a PBX
 *   re-bridging, a conference moving the caller from the waiting room to the meeting).
 */
export interface TimelineEvent {
  /** When, in ms after the call's media started (0..3 600 000). */
  atMs: number;
  kind: "restart" | "ssrc-change";
}

/** At most this many events per call. */
export const MAX_TIMELINE_EVENTS = 100;

/** Throws ConfigError unless `events` is a usable list of {@link TimelineEvent}. */
export function validateTimelineEvents(events: unknown, name = "timelineEvents"): asserts events is TimelineEvent[] {
  if (!Array.isArray(events)) throw new ConfigError(`${name}: must be an array`);
  if (events.length > MAX_TIMELINE_EVENTS) throw new ConfigError(`${name}: at most ${MAX_TIMELINE_EVENTS} events, got ${events.length}`);
  events.forEach((e: unknown, i) => {
    const event = e as Partial<TimelineEvent> | null;
    if (typeof event !== "object" || event === null) throw new ConfigError(`${name}[${i}]: must be an object`);
    if (!(Number.isFinite(event.atMs) && (event.atMs as number) >= 0 && (event.atMs as number) <= 3_600_000)) {
      throw new ConfigError(`${name}[${i}].atMs: must be a number of ms in 0..3600000, got ${String(event.atMs)}`);
    }
    if (event.kind !== "restart" && event.kind !== "ssrc-change") throw new ConfigError(`${name}[${i}].kind: must be "restart" or "ssrc-change", got ${String(event.kind)}`);
  });
}

/** The SSRC the stream has now and the offsets added to the sender's own sequence numbers and timestamps. */
interface Shift {
  ssrc: number | undefined;
  seq: number;
  timestamp: number;
}

/**
 * Rewrites one medium's RTP and RTCP on its way to the caller so that its timeline changes at the
 * given instants (see {@link TimelineEvent}); the media themselves go on untouched.
 *
 * @remarks
 * Until the first event the datagrams pass unchanged. The sender's RTCP goes through the same
 * mapping (its SR keeps its NTP time, with the RTP timestamp of the new timeline), as a real source
 * would report its new timeline. Events are applied on the first datagram at or after their time,
 * so all media of a call that share `startMs` change together, as a media server switching a call does.
 */
export class TimelineShifter {
  readonly #events: TimelineEvent[];
  readonly #random: () => number;
  readonly #startMs: number;
  readonly #now: () => number;
  #next = 0;
  #shift: Shift = { ssrc: undefined, seq: 0, timestamp: 0 };
  #applied = 0;

  /**
   * @param startMs - when the call's media started, on `now`'s clock (share it between media).
   * @param seed - the random bases' seed (each medium its own).
   */
  constructor(events: readonly TimelineEvent[], startMs: number, seed: number, now: () => number = () => performance.now()) {
    validateTimelineEvents(events);
    this.#events = [...events].sort((a, b) => a.atMs - b.atMs);
    this.#random = seededRandom(seed);
    this.#startMs = startMs;
    this.#now = now;
  }

  /** Events applied so far. */
  get applied(): number {
    return this.#applied;
  }

  /** One RTP datagram (rewritten in place; returned). */
  rtp(data: Buffer): Buffer {
    this.#advance();
    if (this.#applied === 0 || data.length < 12) return data;
    data.writeUInt16BE((data.readUInt16BE(2) + this.#shift.seq) & 0xffff, 2);
    data.writeUInt32BE((data.readUInt32BE(4) + this.#shift.timestamp) >>> 0, 4);
    if (this.#shift.ssrc !== undefined) data.writeUInt32BE(this.#shift.ssrc, 8);
    return data;
  }

  /** One compound RTCP datagram: each packet's sender SSRC, and an SR's RTP timestamp (rewritten in place; returned). */
  rtcp(data: Buffer): Buffer {
    this.#advance();
    if (this.#applied === 0) return data;
    for (let at = 0; at + 8 <= data.length; ) {
      const length = (data.readUInt16BE(at + 2) + 1) * 4;
      if (this.#shift.ssrc !== undefined) data.writeUInt32BE(this.#shift.ssrc, at + 4);
      if (data[at + 1] === 200 && at + 20 <= data.length) data.writeUInt32BE((data.readUInt32BE(at + 16) + this.#shift.timestamp) >>> 0, at + 16);
      at += length;
    }
    return data;
  }

  #advance(): void {
    const elapsed = this.#now() - this.#startMs;
    for (let e = this.#events[this.#next]; e && e.atMs <= elapsed; e = this.#events[++this.#next]) {
      const random32 = (): number => Math.floor(this.#random() * 2 ** 32) >>> 0;
      // A restart jumps back (by 1000..31000 numbers and 2^30..2^31 ticks: far beyond any reorder
      // window); an SSRC change draws entirely new bases.
      const back = e.kind === "restart";
      this.#shift = {
        ssrc: back ? this.#shift.ssrc : random32(),
        seq: (this.#shift.seq + (back ? -(1000 + Math.floor(this.#random() * 30000)) : random32())) & 0xffff,
        timestamp: (this.#shift.timestamp + (back ? -(2 ** 30 + (random32() >>> 2)) : random32())) >>> 0,
      };
      this.#applied++;
    }
  }
}
