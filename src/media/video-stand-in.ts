import { randomBytes } from "node:crypto";
import { ArrivalAnchor, type ArrivalAnchorValue } from "../rtp/arrival-anchor";
import { type Clock, type TimerHandle, systemClock } from "../rtp/clock";
import { parseRtp } from "../rtp/rtp-classify";
import type { Logger } from "../util/logger";
import { keyframeDetectorFor } from "./keyframe-gate";
import { VideoSlateSender } from "./video-slate-sender";
import { VideoSourceSwitch, type VideoSourceSwitchJson } from "./video-source-switch";

/**
 * No peer keyframe this long after an output started: its picture starts with the stand-in. Longer
 * than a 2 s GOP (a peer that cannot answer a keyframe request, like ffmpeg) and than a few lost
 * requests: a peer that sends video starts the output with its own picture, as before. The call's
 * audio is kept meanwhile, so the wait costs no sound.
 */
export const STAND_IN_START_WAIT_MS = 2500;
/** The peer's video, once shown, silent this long: the stand-in takes over (see VideoSourceSwitch). */
export const STAND_IN_SILENCE_MS = 2000;
/** How often the need for the stand-in is checked. */
const TICK_MS = 200;

/** Options of {@link VideoStandIn}. */
export interface VideoStandInOptions {
  ffmpegPath: string;
  /** The negotiated video codec (H264 or VP8) and payload type: the stand-in is encoded the same. */
  codec: string;
  payloadType: number;
  fmtp?: string;
  /** Still image to show; black when absent. */
  image?: string;
  logger: Logger;
  /** A packet of the stand-in that goes to the output, with its arrival time on `clock`. */
  onPacket: (packet: Buffer, arrivalMs: number) => void;
  startWaitMs?: number;
  silenceMs?: number;
  clock?: Clock;
}

/** Snapshot of a {@link VideoStandIn}. */
export interface VideoStandInJson extends VideoSourceSwitchJson {
  /** Stand-in encoders started so far, and whether one runs now. */
  started: number;
  running: boolean;
}

/**
 * A generated picture that stands in for the peer's video in one output while the peer sends none:
 * before its first keyframe (so that the call's audio is published from the answer on instead of
 * waiting for the picture) and when its video stops mid-call (a screen share that ended).
 *
 * @remarks
 * An encoder ({@link VideoSlateSender}: black or the slate image, in the call's codec) is started
 * only when the {@link VideoSourceSwitch} wants it, so that its first packet is a keyframe, and
 * stopped once the peer's video is back. The output's forwarder gets the stand-in's packets as a
 * source of its own (its SSRC); its timeline rewriter makes one stream of the two. `syncSource()`
 * anchors the stand-in on arrival times, for an output whose ffmpeg starts on it.
 */
export class VideoStandIn {
  readonly #o: VideoStandInOptions;
  readonly #clock: Clock;
  readonly #switch: VideoSourceSwitch;
  readonly #isKeyframe: (payload: Uint8Array) => boolean;
  readonly #anchor = new ArrivalAnchor(90000);
  readonly #ssrc = randomBytes(4).readUInt32BE(0);
  readonly #exits = new Set<Promise<void>>();
  #sender: VideoSlateSender | undefined;
  /** The anchor last given to ffmpeg (see syncSource). */
  #anchorGiven: ArrivalAnchorValue | undefined;
  #timer: TimerHandle | undefined;
  #started = 0;
  #closed = false;

  /** @returns undefined for a codec whose keyframes cannot be told (a switch could not be made cleanly). */
  static for(o: VideoStandInOptions): VideoStandIn | undefined {
    return keyframeDetectorFor(o.codec) ? new VideoStandIn(o) : undefined;
  }

  private constructor(o: VideoStandInOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#isKeyframe = keyframeDetectorFor(o.codec) ?? (() => false);
    this.#switch = new VideoSourceSwitch({
      startMs: this.#clock.now(),
      startWaitMs: o.startWaitMs ?? STAND_IN_START_WAIT_MS,
      silenceMs: o.silenceMs ?? STAND_IN_SILENCE_MS,
    });
    this.#timer = this.#clock.setInterval(() => this.#tick(), TICK_MS);
  }

  /** Which source the output shows now. */
  get current(): "peer" | "stand-in" | undefined {
    return this.#switch.current;
  }

  /** Whether a packet of the peer's video goes on to the output. */
  admitPeer(payload: Uint8Array, arrivalMs: number): boolean {
    const admitted = this.#switch.admitPeer(this.#isKeyframe(payload), arrivalMs);
    if (admitted && this.#sender) this.#tick();
    return admitted;
  }

  /** The stand-in's timing on the clock its arrival times are read from (an A/V anchor: no SR of its own). */
  syncSource(): { latestSenderReport(): undefined; arrivalAnchor(): ArrivalAnchorValue | undefined } {
    return {
      latestSenderReport: () => undefined,
      arrivalAnchor: () => {
        this.#anchorGiven = this.#anchor.value();
        return this.#anchorGiven;
      },
    };
  }

  /** The stand-in's anchor last given to ffmpeg through syncSource(): how ffmpeg maps its timestamps to our clock. */
  get anchorGiven(): ArrivalAnchorValue | undefined {
    return this.#anchorGiven;
  }

  #tick(): void {
    if (this.#closed) return;
    const wanted = this.#switch.wantsStandIn(this.#clock.now());
    if (wanted && !this.#sender) this.#start();
    else if (!wanted && this.#sender) this.#stop();
  }

  #start(): void {
    this.#started++;
    const sender = new VideoSlateSender({
      ffmpegPath: this.#o.ffmpegPath,
      image: this.#o.image,
      codec: this.#o.codec,
      payloadType: this.#o.payloadType,
      fmtp: this.#o.fmtp,
      logger: this.#o.logger,
      sink: { localSsrc: this.#ssrc, sendRtp: (packet) => this.#fromStandIn(packet) },
    });
    this.#sender = sender;
    this.#o.logger.log("info", "media", `no video from the peer: a generated picture stands in for it`);
    sender.start().catch((error: unknown) => this.#o.logger.log("warn", "media", `video stand-in: ${(error as Error).message}`));
  }

  #stop(): void {
    const sender = this.#sender;
    this.#sender = undefined;
    if (!sender) return;
    if (!this.#closed) this.#o.logger.log("info", "media", `the peer's video is back: the generated picture stops`);
    const exit = sender.close().finally(() => this.#exits.delete(exit));
    this.#exits.add(exit);
  }

  #fromStandIn(packet: Buffer): boolean {
    if (this.#closed) return false;
    const parsed = parseRtp(packet);
    if (!parsed) return false;
    const now = this.#clock.now();
    if (!this.#switch.admitStandIn(this.#isKeyframe(parsed.payload), now)) return false;
    this.#anchor.update(this.#ssrc, parsed.header.timestamp, now);
    this.#o.onPacket(packet, now);
    return true;
  }

  toJSON(): VideoStandInJson {
    return { ...this.#switch.toJSON(), started: this.#started, running: this.#sender !== undefined };
  }

  /** Stops the encoder and the timer; resolves when every stand-in ffmpeg has exited. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
      this.#timer = undefined;
      this.#stop();
    }
    return Promise.all([...this.#exits]).then(() => undefined);
  }
}
