import { FfmpegProcess } from "../media";
import type { RtpSocketPair } from "../rtp";
import type { AudioCodecName, CodecName, MediaKind, NegotiatedStream, VideoCodecName } from "../sdp";
import type { Logger } from "../util/logger";
import { forStream, type ImpairmentOptions } from "./impairment";
import { MediaRelay, type MediaRelayStats } from "./media-relay";
import { MediaPauses, type MediaPause } from "./media-pauses";
import { LayoutSwitch, type LayoutChange } from "./layout-switch";
import { TimelineShifter, type TimelineEvent } from "./timeline-events";
import { buildTestPatternArgs, type TestPattern } from "./test-pattern-args";

/** What {@link TestPatternSender.start} needs. */
export interface TestPatternSenderOptions {
  /** The call's advertised socket pairs, by kind (owned by the call, not closed here). */
  pairs: ReadonlyMap<MediaKind, RtpSocketPair>;
  audio?: NegotiatedStream;
  video?: NegotiatedStream;
  ffmpegPath: string;
  toneHz: number;
  /** Default "testsrc". */
  pattern?: TestPattern;
  /** Loss and jitter the relays apply toward the caller (none when absent). */
  impairment?: ImpairmentOptions;
  /** Changes of the RTP timeline (restart, SSRC change), applied to every medium at once (none when absent). */
  timelineEvents?: readonly TimelineEvent[];
  /** Stretches of time without video RTP (none when absent). */
  videoPauses?: readonly MediaPause[];
  /** A change of the video's resolution mid-call (H.264 only; none when absent). */
  layoutChange?: LayoutChange;
  logger: Logger;
  /** ffmpeg could not start or stopped by itself (not after close()). */
  onStopped: (error: Error) => void;
}

/**
 * The sending half of a test meeting call: a {@link MediaRelay} per medium the caller wants to
 * receive, and the one ffmpeg that feeds them the test pattern and the tone.
 */
export class TestPatternSender {
  #closed = false;

  private constructor(
    private readonly relays: ReadonlyMap<MediaKind, MediaRelay>,
    private readonly ffmpeg: FfmpegProcess | undefined,
  ) {}

  /**
   * Binds the relays and spawns ffmpeg with the negotiated codecs and payload types. Media the
   * caller does not want (sendonly, inactive) is not sent; with nothing to send no ffmpeg runs.
   */
  static async start(o: TestPatternSenderOptions): Promise<TestPatternSender> {
    const relays = new Map<MediaKind, MediaRelay>();
    const outputs: Partial<Record<MediaKind, { stream: NegotiatedStream; relay: MediaRelay }>> = {};
    // One instant for all media, so that their timelines change together.
    const startMs = performance.now();
    try {
      for (const stream of [o.audio, o.video].filter(wantsMedia)) {
        const pair = o.pairs.get(stream.kind);
        if (!pair) continue;
        const destination = { address: stream.remoteAddress, rtpPort: stream.remoteRtpPort, rtcpPort: stream.remoteRtcpPort };
        // Audio and video draw from different seeds: their drops must not mirror each other.
        const impairment = o.impairment && forStream(o.impairment, stream.kind === "audio" ? 0 : 1);
        const timeline = o.timelineEvents && o.timelineEvents.length > 0 ? new TimelineShifter(o.timelineEvents, startMs, stream.kind === "audio" ? 1 : 2) : undefined;
        const pauses = stream.kind === "video" && o.videoPauses && o.videoPauses.length > 0 ? new MediaPauses(o.videoPauses, startMs) : undefined;
        const layout = stream.kind === "video" && stream.codec === "H264" && o.layoutChange ? new LayoutSwitch(o.layoutChange, startMs) : undefined;
        const relay = await MediaRelay.open(pair, destination, impairment, timeline, pauses, layout);
        relays.set(stream.kind, relay);
        outputs[stream.kind] = { stream, relay };
      }
      const a = outputs.audio;
      const v = outputs.video;
      if (!a && !v) return new TestPatternSender(relays, undefined);
      const args = buildTestPatternArgs({
        toneHz: o.toneHz,
        pattern: o.pattern,
        // One SR anchor for both streams (any instant will do: only the two streams' relation matters).
        startTimeRealtimeUs: Date.now() * 1000,
        ...(a ? { audio: { codec: audioCodec(a.stream.codec), payloadType: a.stream.payloadType, rtpPort: a.relay.rtpPort, rtcpPort: a.relay.rtcpPort } } : {}),
        ...(v ? { video: { codec: videoCodec(v.stream.codec), payloadType: v.stream.payloadType, fmtp: v.stream.fmtp, rtpPort: v.relay.rtpPort, rtcpPort: v.relay.rtcpPort } } : {}),
        ...(v?.relay.alternatePorts && o.layoutChange ? { alternateVideo: { size: o.layoutChange.size, ...v.relay.alternatePorts } } : {}),
      });
      const ffmpeg = new FfmpegProcess({ path: o.ffmpegPath, args, logger: o.logger, killGraceMs: 2000 });
      const sender = new TestPatternSender(relays, ffmpeg);
      ffmpeg.on("failure", o.onStopped);
      ffmpeg.on("died", o.onStopped);
      return sender;
    } catch (error) {
      for (const relay of relays.values()) relay.close();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.ffmpeg?.pid;
  }

  /** What each relay did so far, by medium. */
  relayStats(): Partial<Record<MediaKind, MediaRelayStats>> {
    return Object.fromEntries([...this.relays].map(([kind, relay]) => [kind, relay.toJSON()]));
  }

  toJSON(): Record<string, unknown> {
    return { relays: this.relayStats(), ffmpegPid: this.ffmpeg?.pid };
  }

  /**
   * Stops relaying first (ffmpeg's closing RTCP BYE must not reach the caller), then stops ffmpeg.
   * Idempotent; see whenClosed().
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const relay of this.relays.values()) relay.close();
    this.ffmpeg?.close();
  }

  /** Resolves once ffmpeg has exited (at once when none ran). */
  whenClosed(): Promise<void> {
    return this.ffmpeg ? this.ffmpeg.whenExited() : Promise.resolve();
  }
}

/** RFC 3264: we send what the caller's offer lets it receive (its sendrecv or recvonly). */
function wantsMedia(s: NegotiatedStream | undefined): s is NegotiatedStream {
  return s !== undefined && (s.remoteDirection === "sendrecv" || s.remoteDirection === "recvonly");
}

function audioCodec(c: CodecName): AudioCodecName {
  if (c === "H264" || c === "VP8") throw new RangeError(`${c} is not an audio codec`);
  return c;
}

function videoCodec(c: CodecName): VideoCodecName {
  if (c !== "H264" && c !== "VP8") throw new RangeError(`${c} is not a video codec`);
  return c;
}
