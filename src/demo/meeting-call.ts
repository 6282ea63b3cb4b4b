import type * as dgram from "node:dgram";
import { SessionState, type Info, type Invitation } from "sip.js";
import { answerOffer } from "../sdp";
import { bindRtpSocketPair, parseRtp, type PortRange, type RtpSocketPair } from "../rtp";
import type { AudioCodecName, MediaKind, NegotiatedStream, VideoCodecName } from "../sdp";
import { TypedEmitter } from "../util/typed-emitter";
import type { Logger } from "../util/logger";
import { dtmfFromInfo } from "./dtmf-info-body";
import type { ImpairmentOptions } from "./impairment";
import type { TimelineEvent } from "./timeline-events";
import type { MediaPause } from "./media-pauses";
import type { LayoutChange } from "./layout-switch";
import type { MediaRelayStats } from "./media-relay";
import { MeetingNegotiator } from "./meeting-negotiator";
import { TelephoneEventDecoder } from "./telephone-event-decoder";
import type { TestPattern } from "./test-pattern-args";
import { TestPatternSender } from "./test-pattern-sender";
import type { IvrPrompts } from "./ivr-prompts";
import { MeetingIvr, type MeetingIvrEvent } from "./meeting-ivr";
import type { MeetingIvrOptions } from "./meeting-ivr-options";

/**
 * A re-INVITE the test meeting sends mid-call, `atMs` after the call's media started: its media
 * move to new ports (a new ffmpeg: new SSRCs and timelines), offering only `audioCodec` for audio
 * when given (a codec change), and only `videoCodec` for video (default H.264).
 */
export interface MeetingReinvite {
  atMs: number;
  audioCodec?: AudioCodecName;
  /** The video codec to offer (and send from then on): "VP8" changes an H.264 call's video codec. Default "H264". */
  videoCodec?: VideoCodecName;
}

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
  /** With reinvites: how many were answered and moved the media. */
  reinvited?: number;
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
  videoPauses?: readonly MediaPause[];
  layoutChange?: LayoutChange;
  /** The peer's own re-INVITEs (see TestMeetingPeerOptions.reinvites). */
  reinvites?: readonly MeetingReinvite[];
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
  #reinvited = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
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

  /**
   * Early media, as an announcement server in front of a PBX plays it: a 183 Session Progress whose
   * SDP names a second pair of ports per medium, the test pattern sent from those ports (its own
   * SSRCs) for `forMs`, then nothing from them. The 183's SDP goes with `Content-Disposition:
   * early-session` (RFC 3959), so that it is not the answer of the offer/answer exchange and the
   * 200 OK can carry the call's own ports. Resolves when the early media ended (or the call did).
   */
  async playEarlyMedia(forMs: number): Promise<void> {
    const offer = this.invitation.request.body ?? "";
    const pairs = new Map<MediaKind, RtpSocketPair>();
    let sender: TestPatternSender | undefined;
    try {
      for (const kind of ["audio", "video"] as const) pairs.set(kind, await bindRtpSocketPair(this.ctx.address, this.ctx.portRange));
      const early = answerOffer(offer, { address: this.ctx.address, audioPort: pairs.get("audio")?.rtpPort, videoPort: pairs.get("video")?.rtpPort, sessionId: 1, sessionVersion: 1 });
      // sip.js's own progress() would make any SDP the session's answer: the core request is told directly.
      type CoreProgress = { statusCode: number; extraHeaders: string[]; body: { contentDisposition: string; contentType: string; content: string } };
      const core = (this.invitation as unknown as { incomingInviteRequest: { progress(o: CoreProgress): unknown } }).incomingInviteRequest;
      // sip.js writes no Content-Disposition of its own into responses.
      core.progress({ statusCode: 183, extraHeaders: ["Content-Disposition: early-session"], body: { contentDisposition: "early-session", contentType: "application/sdp", content: early.sdp } });
      if (this.#closed) return;
      sender = await TestPatternSender.start({
        pairs,
        audio: early.media.audio,
        video: early.media.video,
        ffmpegPath: this.ctx.ffmpegPath,
        toneHz: this.ctx.toneHz,
        pattern: this.ctx.pattern,
        logger: this.ctx.logger,
        onStopped: () => undefined,
      });
      this.ctx.logger.log("info", "test-meeting", `call ${this.callId}: early media for ${forMs} ms`);
      const end = Date.now() + forMs;
      while (!this.#closed && Date.now() < end) await new Promise((r) => setTimeout(r, Math.min(100, end - Date.now())));
    } finally {
      sender?.close();
      await sender?.whenClosed();
      for (const pair of pairs.values()) pair.close();
    }
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
        videoPauses: this.ctx.videoPauses,
        layoutChange: this.ctx.layoutChange,
        logger: this.ctx.logger,
        onStopped: (error) => {
          this.ctx.logger.log("warn", "test-meeting", `call ${this.callId}: the test pattern stopped: ${error.message}`);
          this.hangup("the test pattern stopped");
        },
      });
      if (this.#closed) sender.close(); // the call ended while the relays were binding
      this.#sender = sender;
      for (const r of this.ctx.reinvites ?? []) {
        const timer = setTimeout(() => void this.#reinvite(r).catch((error: unknown) => this.ctx.logger.log("warn", "test-meeting", `call ${this.callId}: re-INVITE failed: ${(error as Error).message}`)), r.atMs);
        this.#timers.add(timer);
      }
    } catch (error) {
      this.ctx.logger.log("error", "test-meeting", `call ${this.callId}: cannot start the test pattern: ${(error as Error).message}`);
      this.hangup("the test pattern could not start");
    }
  }

  /** Sends a re-INVITE that moves the media to new ports (and maybe another audio codec), then sends from there. */
  async #reinvite(r: MeetingReinvite): Promise<void> {
    if (this.#closed) return;
    const pairs = new Map<MediaKind, RtpSocketPair>();
    try {
      for (const kind of this.#pairs.keys()) pairs.set(kind, await bindRtpSocketPair(this.ctx.address, this.ctx.portRange));
      this.negotiator.prepareReoffer({ address: this.ctx.address, audioPort: pairs.get("audio")?.rtpPort, videoPort: pairs.get("video")?.rtpPort }, r.audioCodec, r.videoCodec);
      await new Promise<void>((resolve, reject) => {
        this.invitation
          .invite({ requestDelegate: { onAccept: () => resolve(), onReject: (response) => reject(new Error(`answered ${response.message.statusCode}`)) } })
          .catch(reject);
      });
    } catch (error) {
      for (const pair of pairs.values()) pair.close();
      throw error;
    }
    const media = this.negotiator.negotiated;
    if (this.#closed || !media) {
      for (const pair of pairs.values()) pair.close();
      return;
    }
    const old = this.#sender;
    this.#sender = undefined;
    old?.close();
    await old?.whenClosed();
    for (const pair of this.#pairs.values()) pair.close();
    this.#pairs.clear();
    for (const [kind, pair] of pairs) this.#pairs.set(kind, pair);
    if (this.#closed) return;
    const audioPair = pairs.get("audio");
    if (media.audio?.telephoneEvent && audioPair) this.#listenForDtmf(audioPair.rtp, media.audio.telephoneEvent.payloadType);
    this.ctx.logger.log("info", "test-meeting", `call ${this.callId}: media moved by a re-INVITE${r.audioCodec ? ` (audio ${r.audioCodec})` : ""}${r.videoCodec ? ` (video ${r.videoCodec})` : ""}`);
    this.#sender = await TestPatternSender.start({
      pairs,
      audio: media.audio,
      video: media.video,
      ffmpegPath: this.ctx.ffmpegPath,
      toneHz: this.ctx.toneHz,
      pattern: this.ctx.pattern,
      logger: this.ctx.logger,
      onStopped: (error) => {
        this.ctx.logger.log("warn", "test-meeting", `call ${this.callId}: the test pattern stopped: ${error.message}`);
        this.hangup("the test pattern stopped");
      },
    });
    this.#reinvited++;
    if (this.#closed) this.#sender.close();
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
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const relayed = this.#sender?.relayStats();
    if (relayed && this.ctx.impairment) this.ctx.logger.log("info", "test-meeting", `call ${this.callId}: impaired ${describeImpairment(relayed)}`);
    this.#ivr?.close();
    this.#sender?.close();
    for (const pair of this.#pairs.values()) pair.close();
    this.#pairs.clear();
    const session = this.invitation;
    if (session.state !== SessionState.Terminated) void session.dispose().catch(() => undefined);
    const reinvited = this.ctx.reinvites?.length ? { reinvited: this.#reinvited } : {};
    if (this.#info) this.safeEmit("hangup", { callId: this.callId, by: this.#endedBy ?? "peer", reason: this.#endReason, ...(relayed ? { relayed } : {}), ...reinvited });
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
