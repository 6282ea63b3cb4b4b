import type * as dgram from "node:dgram";
import { SessionState, type Info, type Invitation } from "sip.js";
import { bindRtpSocketPair, parseRtp, type PortRange, type RtpSocketPair } from "../rtp";
import type { AudioCodecName, MediaKind, NegotiatedStream } from "../sdp";
import { TypedEmitter } from "../util/typed-emitter";
import type { Logger } from "../util/logger";
import { dtmfFromInfo } from "./dtmf-info-body";
import type { ImpairmentOptions } from "./impairment";
import type { TimelineEvent } from "./timeline-events";
import type { MediaRelayStats } from "./media-relay";
import { MeetingNegotiator } from "./meeting-negotiator";
import { TelephoneEventDecoder } from "./telephone-event-decoder";
import type { TestPattern } from "./test-pattern-args";
import { TestPatternSender } from "./test-pattern-sender";
import type { IvrPrompts } from "./ivr-prompts";
import { MeetingIvr, type MeetingIvrEvent } from "./meeting-ivr";
import type { MeetingIvrOptions } from "./meeting-ivr-options";

/** What the peer reports about an answered call. */
export interface MeetingCallInfo {
  /** The SIP Call-ID. */
  callId: string;
  /** The caller's From URI. */
  from: string;
  /** The Request-URI the caller dialled. */
  to: string;
  audio?: { codec: string; payloadType: number; telephoneEvent?: number };
  video?: { codec: string; payloadType: number };
}

/** A key the peer heard, and how it came. */
export interface MeetingDtmf {
  callId: string;
  digit: string;
  method: "RFC4733" | "INFO";
}

/** How a call ended. */
export interface MeetingHangup {
  callId: string;
  /** `caller`: the caller sent BYE/CANCEL; `peer`: this peer hung up (hangup(), stop(), media failure). */
  by: "caller" | "peer";
  reason: string;
  /** What the peer's relays sent to the caller, per medium (with an impairment: what it dropped and delayed). */
  relayed?: Partial<Record<MediaKind, MediaRelayStats>>;
}

export interface MeetingCallEvents extends Record<string, unknown[]> {
  established: [MeetingCallInfo];
  dtmf: [MeetingDtmf];
  ivr: [MeetingIvrEvent];
  /** Only for calls that were established. */
  hangup: [MeetingHangup];
  "@close": [];
}

/** What a call needs from the peer. */
export interface MeetingCallContext {
  address: string;
  portRange: PortRange;
  ffmpegPath: string;
  toneHz: number;
  pattern: TestPattern;
  impairment?: ImpairmentOptions;
  timelineEvents?: readonly TimelineEvent[];
  /** Audio codecs the answer may pick (default any). */
  audioCodecs?: readonly AudioCodecName[];
  /** IVR mode: prompts first, the meeting after the right keys. */
  ivr?: { options: MeetingIvrOptions; prompts: IvrPrompts; firstPromptDelayMs: number };
  logger: Logger;
}

/**
 * One call to the test meeting: the SIP session (an answered sip.js Invitation), the advertised
 * RTP/RTCP socket pairs, the {@link TestPatternSender} (one ffmpeg), and DTMF reception (RFC 4733
 * on the audio socket, SIP INFO).
 *
 * @remarks
 * Both socket pairs are bound before the answer (their ports go into it); the one the offer did
 * not use is closed once the call is established. ffmpeg starts when sip.js has sent the 200 OK.
 * `close()` releases everything; `whenClosed()` resolves once ffmpeg has exited.
 */
export class MeetingCall extends TypedEmitter<MeetingCallEvents> {
  readonly callId: string;
  readonly negotiator: MeetingNegotiator;
  readonly #pairs: Map<MediaKind, RtpSocketPair>;
  #sender: TestPatternSender | undefined;
  #decoder: TelephoneEventDecoder | undefined;
  #ivr: MeetingIvr | undefined;
  #info: MeetingCallInfo | undefined;
  #endedBy: "caller" | "peer" | undefined;
  #endReason = "";
  #closed = false;
  /** The media start-up (never rejects); whenClosed() waits for it so that no ffmpeg is spawned after it resolved. */
  #starting: Promise<void> = Promise.resolve();

  private constructor(
    readonly invitation: Invitation,
    private readonly ctx: MeetingCallContext,
    pairs: Map<MediaKind, RtpSocketPair>,
  ) {
    super();
    this.callId = invitation.request.callId;
    this.#pairs = pairs;
    this.negotiator = new MeetingNegotiator({
      address: ctx.address,
      audioPort: pairs.get("audio")?.rtpPort,
      videoPort: pairs.get("video")?.rtpPort,
      audioCodecs: ctx.audioCodecs,
    });
  }

  /** Binds an audio and a video socket pair for the answer. */
  static async prepare(invitation: Invitation, ctx: MeetingCallContext): Promise<MeetingCall> {
    const pairs = new Map<MediaKind, RtpSocketPair>();
    try {
      for (const kind of ["audio", "video"] as const) pairs.set(kind, await bindRtpSocketPair(ctx.address, ctx.portRange));
    } catch (error) {
      for (const pair of pairs.values()) pair.close();
      throw error;
    }
    return new MeetingCall(invitation, ctx, pairs);
  }

  /** Wires the session; call before `invitation.accept()`. */
  attach(): void {
    const invitation = this.invitation;
    invitation.delegate = {
      onBye: (bye) => {
        this.#endedBy ??= "caller";
        this.#endReason ||= "BYE from the caller";
        void bye.accept().catch(() => undefined);
      },
      onInfo: (info) => this.#onInfo(info),
    };
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.#starting = this.#start();
      if (state === SessionState.Terminated) {
        this.#endedBy ??= "caller";
        this.#endReason ||= "session ended";
        this.close();
      }
    });
  }

  /** The call as reported in the peer's `call` event (undefined until established). */
  get info(): MeetingCallInfo | undefined {
    return this.#info;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  async #start(): Promise<void> {
    const media = this.negotiator.negotiated;
    if (this.#closed || !media) return;
    const from = this.invitation.request.from.uri.toString();
    const to = this.invitation.request.ruri?.toString() ?? "";
    this.#info = {
      callId: this.callId,
      from,
      to,
      ...(media.audio ? { audio: describe(media.audio, media.audio.telephoneEvent?.payloadType) } : {}),
      ...(media.video ? { video: describe(media.video) } : {}),
    };
    for (const kind of ["audio", "video"] as const) {
      if (!media[kind]) {
        this.#pairs.get(kind)?.close();
        this.#pairs.delete(kind);
      }
    }
    const audioPair = this.#pairs.get("audio");
    if (media.audio?.telephoneEvent && audioPair) this.#listenForDtmf(audioPair.rtp, media.audio.telephoneEvent.payloadType);
    this.ctx.logger.log("info", "test-meeting", `call ${this.callId} from ${from}: ${describeMedia(this.#info)}`);
    this.safeEmit("established", this.#info);
    const ivr = this.ctx.ivr;
    if (ivr && media.audio && audioPair && wants(media.audio)) {
      this.#ivr = new MeetingIvr({
        callId: this.callId,
        options: ivr.options,
        firstPromptDelayMs: ivr.firstPromptDelayMs,
        prompts: ivr.prompts,
        socket: audioPair.rtp,
        stream: media.audio,
        logger: this.ctx.logger,
        emit: (e) => this.safeEmit("ivr", e),
        // The meeting's picture starts with the join, as a bridge's does; the IVR keeps the audio stream.
        onJoined: () => {
          if (media.video) this.#starting = this.#startPattern(undefined, media.video);
        },
      });
      this.#ivr.start();
      return;
    }
    await this.#startPattern(media.audio, media.video);
  }

  async #startPattern(audio: NegotiatedStream | undefined, video: NegotiatedStream | undefined): Promise<void> {
    if (this.#closed) return;
    try {
      const sender = await TestPatternSender.start({
        pairs: this.#pairs,
        audio,
        video,
        ffmpegPath: this.ctx.ffmpegPath,
        toneHz: this.ctx.toneHz,
        pattern: this.ctx.pattern,
        impairment: this.ctx.impairment,
        timelineEvents: this.ctx.timelineEvents,
        logger: this.ctx.logger,
        onStopped: (error) => {
          this.ctx.logger.log("warn", "test-meeting", `call ${this.callId}: the test pattern stopped: ${error.message}`);
          this.hangup("the test pattern stopped");
        },
      });
      if (this.#closed) sender.close(); // the call ended while the relays were binding
      this.#sender = sender;
    } catch (error) {
      this.ctx.logger.log("error", "test-meeting", `call ${this.callId}: cannot start the test pattern: ${(error as Error).message}`);
      this.hangup("the test pattern could not start");
    }
  }

  #listenForDtmf(socket: dgram.Socket, payloadType: number): void {
    const decoder = new TelephoneEventDecoder(payloadType);
    this.#decoder = decoder;
    socket.on("message", (data: Buffer) => {
      if (this.#closed) return;
      const packet = parseRtp(data);
      if (!packet) return;
      const decoded = decoder.processInput({
        payloadType: packet.header.payloadType,
        ssrc: packet.header.ssrc,
        timestamp: packet.header.timestamp,
        payload: packet.payload,
      });
      for (const d of decoded) this.#reportDtmf(d.digit, "RFC4733");
    });
  }

  #onInfo(info: Info): void {
    const request = info.request;
    const digit = dtmfFromInfo(request.getHeader("content-type"), request.body ?? "");
    void info.accept().catch(() => undefined);
    if (digit !== undefined) this.#reportDtmf(digit, "INFO");
  }

  #reportDtmf(digit: string, method: MeetingDtmf["method"]): void {
    this.ctx.logger.log("info", "test-meeting", `call ${this.callId}: DTMF ${this.#ivr ? "key" : digit} (${method})`);
    this.safeEmit("dtmf", { callId: this.callId, digit, method });
    this.#ivr?.key(digit);
  }

  /** This peer hangs up: BYE when established, else declines. The call closes when the session ends. */
  hangup(reason = "hung up by the test meeting"): void {
    if (this.#closed) return;
    this.#endedBy ??= "peer";
    this.#endReason ||= reason;
    const session = this.invitation;
    if (session.state === SessionState.Established) {
      session.bye().catch(() => this.close());
    } else if (session.state === SessionState.Initial) {
      session.reject({ statusCode: 480 }).catch(() => this.close());
    } else {
      this.close();
    }
  }

  toJSON(): Record<string, unknown> {
    return { callId: this.callId, sender: this.#sender?.toJSON(), dtmf: this.#decoder?.toJSON() };
  }

  /** Stops the test pattern and closes the sockets. Synchronous and idempotent; see whenClosed(). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const relayed = this.#sender?.relayStats();
    if (relayed && this.ctx.impairment) this.ctx.logger.log("info", "test-meeting", `call ${this.callId}: impaired ${describeImpairment(relayed)}`);
    this.#ivr?.close();
    this.#sender?.close();
    for (const pair of this.#pairs.values()) pair.close();
    this.#pairs.clear();
    const session = this.invitation;
    if (session.state !== SessionState.Terminated) void session.dispose().catch(() => undefined);
    if (this.#info) this.safeEmit("hangup", { callId: this.callId, by: this.#endedBy ?? "peer", reason: this.#endReason, ...(relayed ? { relayed } : {}) });
    this.safeEmit("@close");
  }

  /** Resolves once ffmpeg has exited (at once when it never ran). */
  whenClosed(): Promise<void> {
    return this.#starting.then(() => this.#sender?.whenClosed());
  }
}

/** RFC 3264: the caller receives what its offer made sendrecv or recvonly. */
function wants(s: NegotiatedStream): boolean {
  return s.remoteDirection === "sendrecv" || s.remoteDirection === "recvonly";
}

function describe(s: NegotiatedStream, telephoneEvent?: number): { codec: string; payloadType: number; telephoneEvent?: number } {
  return { codec: s.codec, payloadType: s.payloadType, ...(telephoneEvent !== undefined ? { telephoneEvent } : {}) };
}

function describeMedia(info: MeetingCallInfo): string {
  const parts: string[] = [];
  if (info.video) parts.push(`video ${info.video.codec}/${info.video.payloadType}`);
  if (info.audio) parts.push(`audio ${info.audio.codec}/${info.audio.payloadType}${info.audio.telephoneEvent !== undefined ? ` + events/${info.audio.telephoneEvent}` : ""}`);
  return parts.join(", ") || "no media";
}

function describeImpairment(relayed: Partial<Record<MediaKind, MediaRelayStats>>): string {
  return Object.entries(relayed)
    .map(([kind, r]) => {
      const i = r.impairment;
      return i ? `${kind} RTP ${i.rtp.dropped}/${i.rtp.received} dropped, ${i.rtp.reordered} reordered; RTCP ${i.rtcp.dropped}/${i.rtcp.received} dropped` : `${kind} not impaired`;
    })
    .join("; ");
}
