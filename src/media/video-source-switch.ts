/** Which source an output's video comes from. */
export type VideoSource = "peer" | "stand-in";

/** Snapshot of a {@link VideoSourceSwitch}. */
export interface VideoSourceSwitchJson {
  current: VideoSource | undefined;
  /** Switches to the stand-in and back to the peer so far. */
  toStandIn: number;
  toPeer: number;
}

/**
 * Chooses, packet by packet, between the peer's video and a generated stand-in picture, so that an
 * output has a picture from the start and through the peer's pauses without ever being restarted.
 *
 * @remarks
 * Both sources feed the same forwarder, whose timeline rewriter turns them into one stream (an
 * SSRC change for it). A switch only ever happens on a keyframe of the source switched to, so the
 * decoder never gets a frame it cannot decode:
 * - the peer's video is taken at its first keyframe, and again at the first keyframe after a
 *   stretch on the stand-in;
 * - the stand-in is wanted when no peer keyframe came within `startWaitMs` of the start (a camera
 *   that comes on late or never), or the peer, once shown, sent no video for `silenceMs` (a screen
 *   share that ended); it is taken at its next keyframe if the peer is still silent then. Mid-call
 *   the wait is longer: a static screen share may send only a frame a second, and leaving the peer
 *   for the stand-in costs a wait for its next keyframe.
 * Pure: the caller passes the time and tells which packets start a keyframe.
 */
export class VideoSourceSwitch {
  readonly #silenceMs: number;
  readonly #startMs: number;
  readonly #startWaitMs: number;
  #current: VideoSource | undefined;
  #peerSeenMs: number | undefined;
  #stats = { toStandIn: 0, toPeer: 0 };

  constructor(o: { startMs: number; startWaitMs: number; silenceMs: number }) {
    for (const name of ["startWaitMs", "silenceMs"] as const) {
      if (!(o[name] > 0)) throw new RangeError(`VideoSourceSwitch: ${name} must be > 0, got ${o[name]}`);
    }
    this.#silenceMs = o.silenceMs;
    this.#startMs = o.startMs;
    this.#startWaitMs = o.startWaitMs;
  }

  get current(): VideoSource | undefined {
    return this.#current;
  }

  /** Whether a packet of the peer goes on to the output (it may switch the output to the peer). */
  admitPeer(keyframe: boolean, nowMs: number): boolean {
    this.#peerSeenMs = nowMs;
    if (this.#current === "peer") return true;
    if (!keyframe) return false;
    this.#current = "peer";
    this.#stats.toPeer++;
    return true;
  }

  /** Whether a packet of the stand-in goes on to the output (it may switch the output to the stand-in). */
  admitStandIn(keyframe: boolean, nowMs: number): boolean {
    if (this.#current === "stand-in") return true;
    if (!keyframe || !this.wantsStandIn(nowMs)) return false;
    this.#current = "stand-in";
    this.#stats.toStandIn++;
    return true;
  }

  /** Whether the stand-in should be running now (start it, or keep it running). */
  wantsStandIn(nowMs: number): boolean {
    if (this.#current === "stand-in") return true;
    if (this.#current === undefined) return nowMs - this.#startMs >= this.#startWaitMs;
    return nowMs - (this.#peerSeenMs ?? this.#startMs) >= this.#silenceMs;
  }

  toJSON(): VideoSourceSwitchJson {
    return { current: this.#current, ...this.#stats };
  }
}
