import type { RtpPacket } from "werift-rtp";
import { JitterBuffer, RtpForwarder, systemClock, timestampDelta, type BufferedPacket, type Clock, type JitterBufferJson } from "../../rtp";
import { ffmpegInputSdp, type MediaKind, type NegotiatedMedia } from "../../sdp";
import { KeyframeGate, MediaError, Republisher, type FfmpegProgress, type GeneratedVideo, type RepublishOutput } from "../../media";
import type { ReceiveChannel } from "../sink";
import type { AttemptHooks, OutputAttempt } from "./output-supervisor";
import { codecLevelGain } from "../../media/codec-level";
import type { Logger } from "../../util/logger";
import { VideoStandIn, type VideoStandInJson } from "../../media/video-stand-in";
import { videoLagMs } from "../../media/video-lag";
import { DEFAULT_JITTER_BUFFER_MS } from "../jitter-option";
import { chooseSyncAnchors, type SyncMode, type SyncSource } from "./sync-anchor";

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
  /** The product that answered the call (its User-Agent), for the level of its audio codec (codec-level.ts). */
  peerAgent?: string;
  /** For the jitter buffers' timers (default: the system clock). */
  clock?: Clock;
  /** Where this run's output timeline starts, ms (see RepublishArgsOptions.outputTsOffsetMs; default 0). */
  outputTsOffsetMs?: number;
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
  /** The generated picture standing in for the peer's video (see VideoStandIn). */
  standIn?: VideoStandInJson;
}

/** ffmpeg's probing for an output that starts on the stand-in: beyond the audio queued until its first keyframe (STAND_IN_START_WAIT_MS + its encoder's start, ≈ 3 s). */
const STAND_IN_ANALYZE_DURATION_US = 6_000_000;

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
 * first frame the server gets, is a keyframe. A peer that sends no keyframe within
 * STAND_IN_START_WAIT_MS (video negotiated, camera late or off) gets a {@link VideoStandIn}: a
 * generated picture in the call's codec on the same video stream, whose first keyframe opens the
 * gate; the peer's video takes over at its first keyframe (placed where the peer's own reports say
 * it belongs against the sound), on the same ffmpeg; the stand-in also fills a mid-call stretch
 * without the peer's video. Only when neither came within `keyframeWaitMs` is the output made with
 * ffmpeg's own generated video instead (the peer's video is then left out of that run). The peer usually
 * answers the keyframe request within 50 ms, so starting ffmpeg after it costs little.
 * The audio queued while waiting is dropped when the peer's keyframe comes, so both media start together:
 * given audio from earlier, ffmpeg (5.1) stamped the keyframe as if it came with the first audio
 * and the next frames at their true time — a still picture as long as the wait at the start of
 * every output (1.2 s, measured, for an output started mid-call on a peer with a 2 s GOP). When the
 * stand-in opens the gate it is kept: a still black picture at the start costs nothing, and the
 * call's sound is published from the answer on (about 4–5 s of it were dropped before, measured).
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
  #standIn: VideoStandIn | undefined;
  #firstKeyframeMs: number | undefined;
  #keyframeSeen: (() => void) | undefined;
  #keyframeTimer: NodeJS.Timeout | undefined;
  #ended = false;
  #stopped: Promise<void> | undefined;
  #sync: SyncMode | undefined;
  #outTimeMs = 0;

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
      const standIn = kind === "video" && o.generateVideo ? this.#makeStandIn(forwarder, stream) : undefined;
      const forward = ({ packet, raw, arrivalMs }: Received): void => {
        if (standIn) {
          const fromStandIn = standIn.current === "stand-in";
          if (!standIn.admitPeer(packet.payload, arrivalMs)) return;
          if (fromStandIn) {
            forwarder.pushRtp(raw, arrivalMs, this.#placeAfterStandIn(packet.header.timestamp));
            return;
          }
        }
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

  /**
   * The stand-in picture of this output's video. Its first keyframe opens the gate, and the audio
   * queued since the attempt started is kept: the output starts with the call's sound and a black
   * (or slate) picture until the peer's first keyframe, instead of dropping the sound of the wait.
   */
  #makeStandIn(forwarder: RtpForwarder, stream: NonNullable<NegotiatedMedia["video"]>): VideoStandIn | undefined {
    const o = this.#o;
    const standIn = VideoStandIn.for({
      ffmpegPath: o.ffmpegPath,
      codec: stream.codec,
      payloadType: stream.payloadType,
      fmtp: stream.fmtp,
      image: o.generateVideo?.image,
      logger: o.logger,
      clock: o.clock,
      onPacket: (packet, arrivalMs) => {
        const gate = this.#gate;
        if (gate && !gate.open && gate.admit(packet.subarray(rtpHeaderLength(packet)))) this.#keyframeSeen?.();
        forwarder.pushRtp(packet, arrivalMs);
      },
    });
    this.#standIn = standIn;
    return standIn;
  }

  /**
   * Where the peer's video taken over from the stand-in belongs on the output (the output RTP
   * timestamp of its first packet, a keyframe), when the output's ffmpeg was anchored on the
   * stand-in; undefined otherwise (the timeline rewriter then places it by arrival).
   *
   * @remarks
   * Placed by arrival, against the stand-in's line, it came 0–100 ms late against the sound (one
   * stand-in frame: the rewriter keeps a frame's step between frames). Instead: the instant of our
   * clock the keyframe stands for is where the least-delay line of the peer's video puts its
   * timestamp, less the peer's video lag behind its audio (videoLagMs: the audio is placed on its
   * own least-delay line); and ffmpeg maps the output's timestamps to our clock by the anchor the
   * stand-in gave it (its SR), so that instant is the timestamp to use.
   */
  #placeAfterStandIn(timestamp: number): number | undefined {
    const audio = this.#o.channels.get("audio");
    const video = this.#o.channels.get("video");
    const audioClockRate = this.#o.media.audio?.clockRate;
    const line = video?.arrivalAnchor();
    const given = this.#standIn?.anchorGiven;
    if (this.#sync !== "arrival" || !audio || !video || !line || !given || !audioClockRate || !this.#forwarders.has("audio")) return undefined;
    const lag = videoLagMs({ clockRate: audioClockRate, latestSenderReport: () => audio.latestSenderReport(), arrivalAnchor: () => audio.arrivalAnchor() }, video) ?? 0;
    // Beyond a second it is not a sender's latency: a wrong report, rather than something to follow.
    const atMs = line.atMs + timestampDelta(line.rtpTimestamp, timestamp) / 90 - (Math.abs(lag) < 1000 ? lag : 0);
    const placeAt = (given.rtpTimestamp + Math.round((atMs - given.atMs) * 90)) >>> 0;
    this.#o.logger.log("debug", "media", `the peer's video follows the stand-in ${Math.round(lag)} ms behind its audio, at ${Math.round(atMs - given.atMs)} ms of the stand-in's anchor`);
    return placeAt;
  }

  /** The media time this run's ffmpeg wrote so far, ms, from its own start (its out_time, which leaves outputTsOffsetMs out). */
  get outTimeMs(): number {
    return this.#outTimeMs;
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
    const sources = new Map<MediaKind, SyncSource>();
    for (const kind of this.#forwarders.keys()) {
      // A stand-in picture has no SRs: every medium is then anchored on arrival times.
      const source: SyncSource | undefined = kind === "video" && this.#standIn?.current === "stand-in" ? this.#standIn.syncSource() : this.#o.channels.get(kind);
      if (source) sources.set(kind, source);
    }
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
      void this.#standIn?.close();
    }
    const hasVideo = this.#forwarders.has("video");
    const hasAudio = this.#forwarders.has("audio");
    const republisher = new Republisher({
      ffmpegPath: o.ffmpegPath,
      output: o.output,
      hasAudio,
      hasVideo,
      videoCodec: o.media.video?.codec,
      audioGainDb: codecLevelGain(o.media.audio?.codec, o.peerAgent).receiveDb,
      generateVideo: hasVideo ? undefined : o.generateVideo,
      generateAudio: !hasAudio && o.generateAudio,
      describeInput: (ports) => ffmpegInputSdp(o.media, ports),
      // Starting on the stand-in, the audio since the attempt started is queued ahead of its first frame.
      ...(hasVideo && this.#standIn?.current === "stand-in" ? { analyzeDurationUs: STAND_IN_ANALYZE_DURATION_US } : {}),
      ...(o.outputTsOffsetMs ? { outputTsOffsetMs: o.outputTsOffsetMs } : {}),
      logger: o.logger,
    });
    this.#republisher = republisher;
    republisher.on("started", () => o.hooks.started());
    republisher.on("progress", (p) => this.#onProgress(p, hasVideo));
    // Also after stop(): the last report of an ffmpeg that finished its output says where it ended.
    republisher.on("progress", (p) => {
      if (p.outTimeMs !== null && p.outTimeMs > this.#outTimeMs) this.#outTimeMs = p.outTimeMs;
    });
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
      const standIn = this.#standIn?.close();
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
      }).then(() => standIn);
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
      ...(this.#standIn ? { standIn: this.#standIn.toJSON() } : {}),
    };
  }
}

/** Bytes before an RTP packet's payload: the fixed header, CSRCs and a header extension (RFC 3550 §5.1, §5.3.1). */
function rtpHeaderLength(packet: Buffer): number {
  let length = 12 + (packet[0] & 0x0f) * 4;
  if (packet[0] & 0x10 && packet.length >= length + 4) length += 4 + packet.readUInt16BE(length + 2) * 4;
  return Math.min(length, packet.length);
}
