import { KeyframeRequester, RtpForwarder, type RtpChannel } from "../rtp";
import { ffmpegInputSdp, type MediaKind, type NegotiatedMedia } from "../sdp";
import { MediaError, Republisher } from "../media";
import { TypedEmitter } from "../util/typed-emitter";
import { redactRtmpUrl, type Logger } from "../util/logger";
import { CallReason } from "./call-reason";
import type { PublishStatus } from "./call-event";

export interface PublicationOptions {
  ffmpegPath: string;
  /** The full RTMP(S) URL including the stream name. Never logged as is. */
  outputUrl: string;
  media: NegotiatedMedia;
  channels: ReadonlyMap<MediaKind, RtpChannel>;
  logger: Logger;
}

export interface PublicationEvents extends Record<string, unknown[]> {
  status: [PublishStatus, CallReason, string | undefined];
  "@close": [];
}

/**
 * One live output of a call: the call's RTP, forwarded to an ffmpeg that publishes FLV to one RTMP target.
 *
 * @remarks Owns its forwarders, its keyframe requester and its Republisher (and through it the ffmpeg
 * process); close() releases all of them. The channels belong to the call: we only add and remove listeners.
 */
export class Publication extends TypedEmitter<PublicationEvents> {
  private readonly forwarders = new Map<MediaKind, RtpForwarder>();
  private readonly detach: Array<() => void> = [];
  private readonly republisher: Republisher;
  private readonly keyframes: KeyframeRequester | undefined;
  private closed = false;
  private released: Promise<void> | undefined;
  private _status: PublishStatus = "STARTING";
  readonly target: string;

  constructor(private readonly o: PublicationOptions) {
    super();
    this.target = redactRtmpUrl(o.outputUrl);
    for (const [kind, channel] of o.channels) {
      const stream = o.media[kind];
      if (!stream) continue;
      const forwarder = new RtpForwarder({
        payloadTypes: stream.receivePayloadTypes,
        outputPayloadType: stream.payloadType,
        logger: o.logger,
      });
      this.forwarders.set(kind, forwarder);
      const onRtp = (_packet: unknown, raw: Buffer): void => forwarder.pushRtp(raw);
      const onRtcp = (raw: Buffer): void => forwarder.pushRtcp(raw);
      channel.on("rtp", onRtp);
      channel.on("rtcp", onRtcp);
      this.detach.push(() => {
        channel.off("rtp", onRtp);
        channel.off("rtcp", onRtcp);
      });
    }
    const video = o.media.video ? o.channels.get("video") : undefined;
    if (video) {
      // A published stream must start on a keyframe; peers send one only every few seconds unless asked.
      const requester = new KeyframeRequester({ send: () => video.requestKeyframe() });
      const onKeyframe = (): void => requester.notifyKeyframe();
      video.on("keyframe", onKeyframe);
      this.detach.push(() => video.off("keyframe", onKeyframe));
      this.keyframes = requester;
    }
    this.republisher = new Republisher({
      ffmpegPath: o.ffmpegPath,
      outputUrl: o.outputUrl,
      hasAudio: this.forwarders.has("audio"),
      hasVideo: this.forwarders.has("video"),
      describeInput: (ports) => ffmpegInputSdp(o.media, ports),
      logger: o.logger,
    });
    this.republisher.on("started", () => this.setStatus("PUBLISHING", CallReason.NONE));
    this.republisher.on("failure", (e: MediaError) => this.fail(e));
    this.republisher.on("died", (e: MediaError) => this.fail(e));
  }

  get status(): PublishStatus {
    return this._status;
  }

  /** Spawns ffmpeg and starts forwarding once its ports are bound. Failures are reported as a FAILED status. */
  async start(): Promise<void> {
    this.keyframes?.start();
    try {
      const ports = await this.republisher.start();
      if (this.closed) return;
      await Promise.all(
        [...this.forwarders].map(([kind, forwarder]) => {
          const port = ports[kind];
          return port === undefined ? Promise.resolve() : forwarder.open(port);
        }),
      );
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const reason = error instanceof MediaError ? (error.reason as CallReason) : CallReason.FAILED_BY_FFMPEG_ERROR;
    const detail = error instanceof MediaError ? error.detail : error instanceof Error ? error.message : String(error);
    this.setStatus("FAILED", reason, detail);
    this.close();
  }

  private setStatus(status: PublishStatus, reason: CallReason, detail?: string): void {
    if (this._status === status) return;
    this._status = status;
    this.safeEmit("status", status, reason, detail);
  }

  /** Ends the output: tells ffmpeg the streams ended (RTCP BYE) so it finishes the FLV, then stops it. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keyframes?.stop();
    for (const d of this.detach) d();
    for (const forwarder of this.forwarders.values()) forwarder.sendBye();
    this.republisher.close();
    // The forwarders' sockets stay open until ffmpeg is gone, so that the BYE is not cancelled in flight.
    this.released = this.republisher.whenClosed().finally(() => {
      for (const forwarder of this.forwarders.values()) forwarder.close();
    });
    if (this._status !== "FAILED") this.setStatus("STOPPED", CallReason.NONE);
    this.safeEmit("@close");
  }

  /** Resolves when ffmpeg has exited and the forwarders' sockets are closed. */
  whenClosed(): Promise<void> {
    return this.released ?? this.republisher.whenClosed();
  }

  toJSON(): Record<string, unknown> {
    return {
      status: this._status,
      target: this.target,
      republisher: this.republisher.toJSON(),
      forwarders: Object.fromEntries([...this.forwarders].map(([k, f]) => [k, f.toJSON()])),
    };
  }
}
