import type { RtpPacket } from "werift-rtp";
import { JitterBuffer, RtpForwarder, systemClock, type BufferedPacket, type Clock, type JitterBufferJson } from "../../rtp";
import { ffmpegInputSdp, type MediaKind, type NegotiatedMedia } from "../../sdp";
import { KeyframeGate, MediaError, Republisher, type FfmpegProgress, type GeneratedVideo, type RepublishOutput } from "../../media";
import type { ReceiveChannel } from "../sink";
import type { AttemptHooks, OutputAttempt } from "./output-supervisor";
import type { Logger } from "../../util/logger";
import { DEFAULT_JITTER_BUFFER_MS } from "../jitter-option";
import { chooseSyncAnchors, type SyncMode } from "./sync-anchor";

/** Options of {@link FfmpegAttempt}. */
export interface FfmpegAttemptOptions {
  hooks: AttemptHooks;
  ffmpegPath: string;
  output: RepublishOutput;
  media: NegotiatedMedia;
  /** The call's channels: only listeners are added and removed. */
  channels: ReadonlyMap<MediaKind, ReceiveChannel>;
  /** Video to make up when the call has none (or the peer sends none). */
  generateVideo?: GeneratedVideo;
  /** Make a silent track when the call has no audio. */
  generateAudio: boolean;
  /** How long to wait for the peer's first video keyframe before publishing without its video (default 5000 ms). */
  keyframeWaitMs?: number;
  /** Reorder/jitter buffer per medium, ms to wait for a missing packet (default 50; 0 = off). */
  jitterBufferMs?: number;
  /** For the jitter buffers' timers (default: the system clock). */
  clock?: Clock;
  logger: Logger;
}

/** A received packet on its way through a {@link JitterBuffer}. */
interface Received extends BufferedPacket {
  packet: RtpPacket;
  /** When the channel received it (the attempt's clock): timeline rebases count from there. */
  arrivalMs: number;
}

/** Snapshot of a {@link FfmpegAttempt}. */
export interface FfmpegAttemptJson {
  republisher: ReturnType<Republisher["toJSON"]> | undefined;
  forwarders: Record<string, ReturnType<RtpForwarder["toJSON"]>>;
  /** Video packets held back until the first keyframe. */
  heldBeforeKeyframe: number;
  firstKeyframeMs: number | undefined;
  jitter: Record<string, JitterBufferJson>;
  /** Whose SRs time the streams in ffmpeg (see chooseSyncAnchors); set when ffmpeg's ports open. */
  sync: SyncMode | undefined;
}

/** An output whose ffmpeg wrote this much media without a single video frame has lost its video. */
const NO_VIDEO_AFTER_MS = 4000;

/**
 * One run of an output: the call's RTP, forwarded to one ffmpeg.
 *
 * @remarks
 * Owns its forwarders and its Republisher (and through it the ffmpeg process); stop() releases all
 * of them. The channels belong to the call: only listeners are added and removed.
 *
 * Video goes through a {@link KeyframeGate}, and ffmpeg is started only once the first keyframe
 * passed it (everything meanwhile is queued in the forwarders): ffmpeg decides which streams exist
 * from its first second of input (`-analyzeduration`), and when audio came alone it silently left
 * the video out of the output (seen once in about ten runs). So the first video ffmpeg reads, and the
 * first frame the server gets, is a keyframe. A peer that sends no keyframe within `keyframeWaitMs`
 * (video negotiated, camera off) is published with generated video instead. The peer usually
 * answers the keyframe request within 50 ms, so starting ffmpeg after it costs little.
 * The audio queued while waiting is dropped when the keyframe comes, so both media start together:
 * given audio from earlier, ffmpeg (5.1) stamped the keyframe as if it came with the first audio
 * and the next frames at their true time — a still picture as long as the wait at the start of
 * every output (1.2 s, measured, for an output started mid-call on a peer with a 2 s GOP).
 *
 * Each medium's RTP goes through a {@link JitterBuffer} first (reordering, loss given up after
 * `jitterBufferMs`), so the gate and ffmpeg see packets in order; ffmpeg's own reordering is off
 * (see buildRepublishArgs). The peer's RTCP is not queued: when ffmpeg's ports open, each
 * forwarder first sends the SR that anchors its stream (chooseSyncAnchors), so that ffmpeg times
 * both streams on one clock from their first packet; the peer's later RTCP follows only when
 * those anchors were the peer's own SRs.
 *
 * Each forwarder keeps its stream on one continuous timeline (see TimelineRewriter): a peer whose
 * RTP restarts (new sequence and timestamp base, same SSRC) or that changes SSRC mid-call reaches
 * ffmpeg as one stream that goes on at the wall-clock pace, so the output is neither cut nor
 * restarted. This is the one place RTP leaves the engine for an output, whatever its kind.
 */
export class FfmpegAttempt implements OutputAttempt {
  readonly #o: FfmpegAttemptOptions;
  readonly #forwarders = new Map<MediaKind, RtpForwarder>();
  readonly #jitter = new Map<MediaKind, JitterBuffer<Received>>();
  readonly #detach: Array<() => void> = [];
  readonly #startedAt = Date.now();
  #republisher: Republisher | undefined;
  #gate: KeyframeGate | undefined;
  #firstKeyframeMs: number | undefined;
  #keyframeSeen: (() => void) | undefined;
  #keyframeTimer: NodeJS.Timeout | undefined;
  #ended = false;
  #stopped: Promise<void> | undefined;
  #sync: SyncMode | undefined;

  constructor(o: FfmpegAttemptOptions) {
    this.#o = o;
    for (const [kind, channel] of o.channels) {
      const stream = o.media[kind];
      if (!stream) continue;
      const forwarder = new RtpForwarder({
        payloadTypes: stream.receivePayloadTypes,
        outputPayloadType: stream.payloadType,
        // The marker bit ends a video frame (RFC 6184, RFC 7741); every audio packet is a frame of its own.
        timeline: { clockRate: stream.clockRate, markerEndsFrame: kind === "video" },
        logger: o.logger,
      });
      this.#forwarders.set(kind, forwarder);
      const gate = kind === "video" ? new KeyframeGate(stream.codec) : undefined;
      if (gate) this.#gate = gate;
      const forward = ({ packet, raw, arrivalMs }: Received): void => {
        if (gate && !gate.open) {
          if (!stream.receivePayloadTypes.includes(packet.header.payloadType) || !gate.admit(packet.payload)) return;
          this.#firstKeyframeMs = Date.now() - this.#startedAt;
          // The other media start with the keyframe too (see the class remarks).
          for (const [other, f] of this.#forwarders) if (other !== kind) f.discardQueued();
          this.#keyframeSeen?.();
        }
        forwarder.pushRtp(raw, arrivalMs);
      };
      // Telephone-event shares the audio's sequence numbers: reorder everything, filter after.
      const jitter = new JitterBuffer<Received>({ latencyMs: o.jitterBufferMs ?? DEFAULT_JITTER_BUFFER_MS, onPacket: forward, clock: o.clock });
      this.#jitter.set(kind, jitter);
      const clock = o.clock ?? systemClock;
      const onRtp = (packet: RtpPacket, raw: Buffer): void =>
        jitter.push({ seq: packet.header.sequenceNumber, ssrc: packet.header.ssrc, raw, packet, arrivalMs: clock.now() });
      const onRtcp = (raw: Buffer): void => {
        if (this.#sync === "peer") forwarder.pushRtcp(raw);
      };
      channel.on("rtp", onRtp);
      channel.on("rtcp", onRtcp);
      this.#detach.push(() => {
        channel.off("rtp", onRtp);
        channel.off("rtcp", onRtcp);
      });
    }
  }

  /** ms from this attempt's start until the first video keyframe passed the gate. */
  get firstKeyframeMs(): number | undefined {
    return this.#firstKeyframeMs;
  }

  /** Waits for the first keyframe, spawns ffmpeg and forwards once its ports are bound; failures come as `ended`. */
  start(): void {
    void this.#run();
  }

  async #run(): Promise<void> {
    try {
      await this.#untilKeyframe();
      if (this.#stopped) return;
      const republisher = this.#makeRepublisher();
      const ports = await republisher.start();
      if (this.#stopped) return;
      this.#anchor();
      await Promise.all(
        [...this.#forwarders].map(([kind, forwarder]) => {
          const port = ports[kind];
          return port === undefined ? Promise.resolve() : forwarder.open(port);
        }),
      );
    } catch (error) {
      this.#end(error instanceof MediaError ? error : new MediaError("FAILED_BY_FFMPEG_ERROR", error instanceof Error ? error.message : String(error)));
    }
  }

  /** Puts each forwarded medium's timing anchor (an RTCP SR) ahead of its queued media. */
  #anchor(): void {
    const sources = new Map([...this.#forwarders.keys()].flatMap((kind) => {
      const channel = this.#o.channels.get(kind);
      return channel ? [[kind, channel] as const] : [];
    }));
    const anchors = chooseSyncAnchors(sources);
    for (const [kind, sr] of anchors.reports) this.#forwarders.get(kind)?.pushLeadingRtcp(sr);
    this.#sync = anchors.mode;
    this.#o.logger.log("debug", "media", `A/V anchors: ${anchors.mode} SRs for ${[...anchors.reports.keys()].join(", ") || "no stream"}`);
  }

  #makeRepublisher(): Republisher {
    const o = this.#o;
    const video = this.#forwarders.get("video");
    if (video && this.#gate && !this.#gate.open) {
      // The peer sent no keyframe: publish its audio with generated video rather than nothing.
      o.logger.log("warn", "media", `no video keyframe from the peer within ${o.keyframeWaitMs ?? 5000} ms: publishing generated video instead`);
      video.close();
      this.#forwarders.delete("video");
      this.#jitter.get("video")?.close();
    }
    const hasVideo = this.#forwarders.has("video");
    const hasAudio = this.#forwarders.has("audio");
    const republisher = new Republisher({
      ffmpegPath: o.ffmpegPath,
      output: o.output,
      hasAudio,
      hasVideo,
      videoCodec: o.media.video?.codec,
      generateVideo: hasVideo ? undefined : o.generateVideo,
      generateAudio: !hasAudio && o.generateAudio,
      describeInput: (ports) => ffmpegInputSdp(o.media, ports),
      logger: o.logger,
    });
    this.#republisher = republisher;
    republisher.on("started", () => o.hooks.started());
    republisher.on("progress", (p) => this.#onProgress(p, hasVideo));
    republisher.on("failure", (e: MediaError) => this.#end(e));
    republisher.on("died", (e: MediaError) => this.#end(e));
    return republisher;
  }

  #onProgress(p: FfmpegProgress, hasVideo: boolean): void {
    this.#o.hooks.progress(p);
    // The safety net behind the keyframe wait: an output without its video is restarted, not kept.
    if (hasVideo && p.frame === 0 && (p.outTimeMs ?? 0) >= NO_VIDEO_AFTER_MS) {
      this.#end(new MediaError("FAILED_BY_FFMPEG_ERROR", `ffmpeg wrote ${Math.round((p.outTimeMs ?? 0) / 1000)} s of output without the call's video`));
    }
  }

  /** Resolves when the first video keyframe passed the gate, at once without video, or after keyframeWaitMs. */
  #untilKeyframe(): Promise<void> {
    const gate = this.#gate;
    if (!gate || gate.open) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#keyframeSeen = undefined;
        if (this.#keyframeTimer) clearTimeout(this.#keyframeTimer);
        this.#keyframeTimer = undefined;
        resolve();
      };
      this.#keyframeSeen = done;
      this.#keyframeTimer = setTimeout(done, this.#o.keyframeWaitMs ?? 5000);
    });
  }

  #end(error: MediaError): void {
    if (this.#ended || this.#stopped) return;
    this.#ended = true;
    this.#o.hooks.ended(error);
  }

  /**
   * Ends the run. `clean`: forward an RTCP BYE on every stream first, so that ffmpeg ends by itself
   * and finishes the FLV or the file. Idempotent; resolves when ffmpeg is gone and the sockets closed.
   */
  stop(clean: boolean): Promise<void> {
    if (!this.#stopped) {
      this.#keyframeSeen?.();
      for (const d of this.#detach) d();
      // What the jitter buffers still hold goes out ahead of the BYE; then their timers stop.
      for (const jitter of this.#jitter.values()) {
        if (clean) jitter.flush();
        jitter.close();
      }
      const republisher = this.#republisher;
      if (clean && republisher) for (const forwarder of this.#forwarders.values()) forwarder.sendBye();
      // Without a BYE nothing ends ffmpeg by itself: no point waiting the grace for one.
      republisher?.close(clean ? undefined : 0);
      // The forwarders' sockets stay open until ffmpeg is gone, so that the BYE is not cancelled in flight.
      this.#stopped = (republisher ? republisher.whenClosed() : Promise.resolve()).finally(() => {
        for (const forwarder of this.#forwarders.values()) forwarder.close();
      });
    }
    return this.#stopped;
  }

  toJSON(): FfmpegAttemptJson {
    return {
      republisher: this.#republisher?.toJSON(),
      forwarders: Object.fromEntries([...this.#forwarders].map(([k, f]) => [k, f.toJSON()])),
      heldBeforeKeyframe: this.#gate?.held ?? 0,
      firstKeyframeMs: this.#firstKeyframeMs,
      jitter: Object.fromEntries([...this.#jitter].map(([k, j]) => [k, j.toJSON()])),
      sync: this.#sync,
    };
  }
}
