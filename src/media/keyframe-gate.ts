import { isH264KeyframeStart } from "../rtp/h264-keyframe";
import { isVp8KeyframeStart } from "./vp8-keyframe";

/** Tells whether an RTP payload starts a keyframe of the codec, or undefined when we cannot tell for it. */
export function keyframeDetectorFor(codec: string): ((payload: Uint8Array) => boolean) | undefined {
  switch (codec.toUpperCase()) {
    case "H264":
      return isH264KeyframeStart;
    case "VP8":
      return isVp8KeyframeStart;
    default:
      return undefined;
  }
}

/**
 * Holds a video stream back until a keyframe starts, then lets everything through.
 *
 * @remarks
 * An output (re)starts in the middle of the peer's group of pictures. Without the gate ffmpeg
 * reads P-frames it cannot decode (for copy it drops them, but they cost probing time and, with
 * re-encoding, grey frames); with it the first video ffmpeg sees, and so the first frame the
 * server gets, is the keyframe that the output's PLI/FIR asked for. A codec we cannot parse
 * passes through ungated.
 */
export class KeyframeGate {
  readonly #detect: ((payload: Uint8Array) => boolean) | undefined;
  #open: boolean;
  #held = 0;

  constructor(codec: string) {
    this.#detect = keyframeDetectorFor(codec);
    this.#open = this.#detect === undefined;
  }

  /** True once a keyframe start went through (or for a codec we do not gate). */
  get open(): boolean {
    return this.#open;
  }

  /** Packets dropped while waiting for the keyframe. */
  get held(): number {
    return this.#held;
  }

  /** Whether this packet may go on to the consumer. */
  admit(payload: Uint8Array): boolean {
    if (!this.#open && this.#detect?.(payload)) this.#open = true;
    if (!this.#open) this.#held++;
    return this.#open;
  }
}
