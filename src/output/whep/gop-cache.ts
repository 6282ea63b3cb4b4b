import type { RtpPacket } from "werift-rtp";
import { keyframeDetectorFor } from "../../media/keyframe-gate";

/** One cached packet and when it arrived. */
export interface CachedPacket {
  packet: RtpPacket;
  arrivalMs: number;
}

/** A group of pictures longer than this many packets or bytes is not cached (4 s of 2 Mbit/s video fit). */
export const GOP_CACHE_MAX_PACKETS = 2000;
export const GOP_CACHE_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The call's video since its latest keyframe, so that a viewer who joins mid-call can start
 * decoding at once instead of waiting for the next keyframe: many SIP video sources (ffmpeg, some
 * MCUs) cannot answer a PLI, and send a keyframe only every few seconds.
 *
 * @remarks Pure bookkeeping on the packets it is given, in arrival order. A keyframe's first packet
 * (SPS/PPS/IDR for H.264, a key frame for VP8; a new RTP timestamp) starts a new group; a group
 * that outgrows the bounds is dropped until the next keyframe. A codec whose keyframes cannot be
 * told is never cached.
 */
export class GopCache {
  readonly #detect: ((payload: Uint8Array) => boolean) | undefined;
  #packets: CachedPacket[] = [];
  #bytes = 0;
  #keyframeTimestamp: number | undefined;
  #overflowed = false;

  constructor(codec: string) {
    this.#detect = keyframeDetectorFor(codec);
  }

  add(packet: RtpPacket, arrivalMs: number): void {
    if (!this.#detect) return;
    const ts = packet.header.timestamp;
    if (ts !== this.#keyframeTimestamp && this.#detect(packet.payload)) {
      this.#packets = [];
      this.#bytes = 0;
      this.#keyframeTimestamp = ts;
      this.#overflowed = false;
    }
    if (this.#keyframeTimestamp === undefined || this.#overflowed) return;
    this.#bytes += packet.payload.length;
    if (this.#packets.length >= GOP_CACHE_MAX_PACKETS || this.#bytes > GOP_CACHE_MAX_BYTES) {
      this.#overflowed = true;
      this.#packets = [];
      this.#bytes = 0;
      return;
    }
    this.#packets.push({ packet, arrivalMs });
  }

  /** The packets from the latest keyframe on (empty when there is none). */
  snapshot(): CachedPacket[] {
    return [...this.#packets];
  }

  toJSON(): { packets: number; bytes: number } {
    return { packets: this.#packets.length, bytes: this.#bytes };
  }
}
