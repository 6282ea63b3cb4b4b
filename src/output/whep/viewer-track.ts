import { RtpHeader, RtpPacket } from "werift-rtp";
import { keyframeDetectorFor } from "../../media/keyframe-gate";
import { TimelineRewriter, type TimelineRewriterJson } from "../../rtp/timeline-rewriter";

/** Options of {@link ViewerTrack}. */
export interface ViewerTrackOptions {
  kind: "audio" | "video";
  /** The call's codec (e.g. "H264", "PCMU"): video waits for its keyframe. */
  codec: string;
  clockRate: number;
  /** Payload types of the call's codec (telephone-event and others are dropped). */
  payloadTypes: readonly number[];
}

/** Counters of a {@link ViewerTrack}. */
export interface ViewerTrackJson {
  forwarded: number;
  /** Video dropped while waiting for a keyframe. */
  waitingForKeyframe: number;
  otherPayload: number;
  timeline: TimelineRewriterJson;
}

/**
 * What one viewer receives of one medium of the call: the call's own packets, unchanged in payload,
 * on one continuous timeline (see {@link TimelineRewriter}: one SSRC, sequence numbers +1,
 * timestamps at the wall-clock pace across the peer's SSRC changes and restarts), video from a
 * keyframe on (a decoder given P-frames first shows nothing and asks for a keyframe anyway).
 *
 * @remarks Pure: each packet in, a fresh packet (or nothing) out; the caller's packet is never
 * changed, since every viewer and output of the call gets the same object. werift then puts its own
 * SSRC and the browser's payload type on it.
 */
export class ViewerTrack {
  readonly #payloadTypes: ReadonlySet<number>;
  readonly #detect: ((payload: Uint8Array) => boolean) | undefined;
  readonly #timeline: TimelineRewriter;
  #open: boolean;
  #counts = { forwarded: 0, waitingForKeyframe: 0, otherPayload: 0 };

  constructor(o: ViewerTrackOptions) {
    this.#payloadTypes = new Set(o.payloadTypes);
    this.#detect = o.kind === "video" ? keyframeDetectorFor(o.codec) : undefined;
    this.#open = this.#detect === undefined;
    this.#timeline = new TimelineRewriter(o.clockRate, { markerEndsFrame: o.kind === "video" });
  }

  /** True once video started on a keyframe (always for audio). */
  get open(): boolean {
    return this.#open;
  }

  /** The packet to send to the viewer, or undefined to drop it. */
  processInput(packet: RtpPacket, arrivalMs: number): RtpPacket | undefined {
    const h = packet.header;
    if (!this.#payloadTypes.has(h.payloadType)) {
      this.#counts.otherPayload++;
      return undefined;
    }
    if (!this.#open) {
      if (!this.#detect?.(packet.payload)) {
        this.#counts.waitingForKeyframe++;
        return undefined;
      }
      this.#open = true;
    }
    const out = this.#timeline.rewrite(h.ssrc, h.sequenceNumber, h.timestamp, arrivalMs, h.marker);
    if (!out) return undefined;
    this.#counts.forwarded++;
    const header = new RtpHeader({
      payloadType: h.payloadType,
      marker: h.marker,
      ssrc: out.ssrc,
      sequenceNumber: out.seq,
      timestamp: out.timestamp,
      padding: false,
      extension: false,
      extensions: [],
      csrc: [],
    });
    return new RtpPacket(header, packet.payload);
  }

  /**
   * The cached group of pictures (see GopCache), rewritten for a fast start: the packets in order,
   * their frames' timestamps pressed together just before the newest one (1 tick apart), so the
   * browser decodes them at once and shows the newest picture now, instead of playing the group out
   * seconds behind. Live packets then go on from the newest timestamp as usual.
   */
  prime(cached: ReadonlyArray<{ packet: RtpPacket; arrivalMs: number }>): RtpPacket[] {
    const out = cached.map((c) => this.processInput(c.packet, c.arrivalMs)).filter((p) => p !== undefined);
    if (out.length === 0) return out;
    const frames: number[] = [];
    for (const p of out) if (frames[frames.length - 1] !== p.header.timestamp) frames.push(p.header.timestamp);
    const last = frames[frames.length - 1];
    const place = new Map(frames.map((ts, i) => [ts, (last - (frames.length - 1 - i)) >>> 0]));
    for (const p of out) p.header.timestamp = place.get(p.header.timestamp) ?? p.header.timestamp;
    return out;
  }

  toJSON(): ViewerTrackJson {
    return { ...this.#counts, timeline: this.#timeline.toJSON() };
  }
}
