import { randomUUID } from "node:crypto";
import { SessionState, type Core, type Inviter } from "sip.js";
import type { PortRange, RtpSourceCheck } from "../rtp";
import type { ResolvedAccount } from "../sip/account-options";
import { calleeUri } from "../sip/account-options";
import type { RegistrationResult, SipEndpoint } from "../sip/sip-endpoint";
import { TypedEmitter } from "../util/typed-emitter";
import type { Logger } from "../util/logger";
import { CallMedia } from "./call-media";
import { CallReason, outcomeOfRejection } from "./call-reason";
import { CALL_STATUS_NEW, CallStatus, canTransition, isAnswered, isFinalStatus, type CallStatusOrNew } from "./call-status";
import type { CallStateEvent, DtmfEvent, IvrEvent, PublishEvent } from "./call-event";
import { checkCallId, type CallOptions } from "./call-options";
import { CallOutputs, type OutputEvent } from "../output/call-outputs";
import { checkCallOutputOptions, type InitialOutput } from "../output/call-output-options";
import { checkImage } from "../output/check-image";
import { defaultSinkKinds } from "../output/kinds";
import type { SinkRegistry } from "../output/sink-registry";
import { sendPictureFastUpdate } from "../sip/picture-fast-update";
import type { OutputTarget, PublishOptions } from "../output/output-types";
import type { OutputSnapshot } from "../output/sink";
import { ConfigError, FfmpegNotFoundError, InvalidStateError } from "../errors";
import { IvrWaitError, parseDtmfDigits, type DtmfOptions, type IvrProgress } from "../dtmf";
import { SessionControl } from "./session-control";
import { receivedMediaStats } from "./media-stats";
import { parseSessionExpires, type SessionExpires } from "./session-timer";
import type { OutgoingAudio } from "./outgoing-audio";
import { checkAudioFilePath } from "../media/audio-file-path";
import { resolveMediaFile } from "../media/media-folder";
import { DEFAULT_ENGINE_LIMITS, LimitError } from "./engine-limits";

/** Options of {@link Call.playAudio}. */
export interface PlayAudioOptions {
  /** Repeat the file until stopAudio(), another playAudio() or the end of the call (default false). */
  loop?: boolean;
  /**
   * Play only files inside this folder (a relative path is taken from it; `..` and symbolic links are
   * followed, and whatever ends outside is refused with the same error as a missing file). For front
   * ends whose paths come from someone else (flow messages); a library user's own paths need none.
   */
  mediaRoot?: string;
}

/** Per-request listeners of {@link Call.sendDtmf}. */
export interface SendDtmfHandlers {
  /** This plan's `{…}` wait outcomes (the call's `ivr` event has every plan's). */
  onIvr?: (event: IvrEvent) => void;
}

/** What a Call needs from the Engine that owns it. */
export interface CallContext {
  endpoint: SipEndpoint;
  account: ResolvedAccount;
  /** Resolves once the account can place calls (registered, or registration not required). */
  ready(): Promise<RegistrationResult>;
  /** The ffmpeg binary (throws FfmpegNotFoundError naming every place tried). */
  resolveFfmpeg(): string;
  portRange: PortRange;
  bindAddress: string;
  /** Which RTP sources may become the peer's (EngineOptions.rtpSourceCheck). */
  rtpSourceCheck?: RtpSourceCheck;
  /** Default of CallOptions.rtpTimeoutMs (default 30000; 0 = off). */
  rtpTimeoutMs?: number;
  /** Running outputs allowed at once (EngineLimits.maxOutputsPerCall); default DEFAULT_ENGINE_LIMITS'. */
  maxOutputs?: number;
  /** The output kinds (default: those of kinds.ts). */
  sinkKinds?: SinkRegistry;
  logger: Logger;
}

export interface CallEvents extends Record<string, unknown[]> {
  state: [CallStateEvent];
  publish: [PublishEvent];
  /** A DTMF key was sent. */
  dtmf: [DtmfEvent];
  /** A `{…}` wait of a DTMF plan ended (prompt ended, replied, joined, re-prompt) or failed. */
  ivr: [IvrEvent];
  "@close": [];
  close: [];
}

/** How long terminate() waits for the peer before it gives up on a clean CANCEL/BYE exchange. */
const TERMINATE_GUARD_MS = 5000;

/**
 * One outgoing call: its sip.js session, its media (RTP sockets, ffmpeg outputs) and its state.
 *
 * @remarks Ownership as in mediasoup: closing the call closes everything it owns. A call closes itself
 * when it reaches a final state (BUSY, FAILED, FINISH); `whenClosed()` resolves when its ffmpeg
 * processes have exited and its sockets are closed.
 */
export class Call extends TypedEmitter<CallEvents> {
  readonly id: string;
  readonly callee: string;
  readonly caller: string;
  private _status: CallStatusOrNew = CALL_STATUS_NEW;
  private sipStatus = 0;
  private sipMessage = "";
  private reason: CallReason = CallReason.NONE;
  private detail: string | undefined;
  private establishedAt: number | undefined;
  private session: Inviter | undefined;
  private media: CallMedia | undefined;
  /** The callee as a SIP URI, computed once from the account and `callee`. */
  private readonly calleeUri: string;
  /** The outputs CallOptions asked for, checked: they start on the answer. */
  private readonly initialOutputs: InitialOutput[];
  private readonly sinkKinds: SinkRegistry;
  /** The outputs (RTMP targets, recordings, …) of the call; they run while it is answered. */
  private readonly outputSet: CallOutputs;
  private terminating = false;
  private remoteBye = false;
  /** DTMF, audio to the peer, RTP watchdog and session refresh; exists while answered. */
  private control: SessionControl | undefined;
  private sessionExpires: SessionExpires | undefined;
  private readonly rtpTimeoutMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The audio stream a file was last played into: close() waits for its ffmpeg. */
  private audioOut: OutgoingAudio | undefined;
  private closed = false;
  private closing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: CallContext,
    private readonly options: CallOptions,
  ) {
    super();
    this.id = options.callId === undefined || options.callId === "" ? randomUUID() : checkCallId(options.callId);
    this.callee = options.callee;
    this.caller = `sip:${ctx.account.login}@${ctx.account.domain}`;
    // Validate everything a user typed before anything is sent.
    this.calleeUri = calleeUri(ctx.account, options.callee);
    this.rtpTimeoutMs = options.rtpTimeoutMs ?? ctx.rtpTimeoutMs ?? 30000;
    if (!Number.isFinite(this.rtpTimeoutMs) || this.rtpTimeoutMs < 0) throw new ConfigError(`rtpTimeoutMs: expected 0 (off) or a positive number of milliseconds`);
    this.sinkKinds = ctx.sinkKinds ?? defaultSinkKinds({ resolveFfmpeg: () => ctx.resolveFfmpeg() });
    const outputs = checkCallOutputOptions(options, this.sinkKinds);
    this.initialOutputs = outputs.initial;
    if (options.sendVideoSlate !== undefined && options.sendVideoSlate !== true) checkImage(options.sendVideoSlate, "sendVideoSlate");
    if (options.playAudio !== undefined) {
      if (options.mediaRoot !== undefined) resolveMediaFile(options.mediaRoot, options.playAudio);
      else checkAudioFilePath(options.playAudio);
    }
    if (options.playAudioLoop !== undefined && typeof options.playAudioLoop !== "boolean") throw new ConfigError(`playAudioLoop: expected true or false`);
    this.outputSet = new CallOutputs({
      callId: this.id,
      kinds: this.sinkKinds,
      settings: options,
      jitterBufferMs: outputs.jitterBufferMs,
      maxOutputs: ctx.maxOutputs ?? DEFAULT_ENGINE_LIMITS.maxOutputsPerCall,
      limitError: (max, what) => new LimitError("maxOutputsPerCall", max, what),
      requestPictureFastUpdate: () => {
        if (this.session?.state === SessionState.Established) sendPictureFastUpdate(this.session);
      },
      emit: (event) => this.emitPublish(event),
      onLastOutputFailed: (reason, detail) => {
        if (this.options.endOnPublishFailure === true) this.fail(reason as CallReason, detail);
      },
      logger: ctx.logger,
    });
  }

  private emitPublish(event: OutputEvent): void {
    this.safeEmit("publish", { callId: this.id, ...event, reason: event.reason as CallReason, timestamp: Date.now() });
  }

  get status(): CallStatusOrNew {
    return this._status;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The call's current state as an event object (what `/call/find` returns). */
  snapshot(): CallStateEvent {
    return {
      callId: this.id,
      status: this._status === CALL_STATUS_NEW ? CallStatus.TRYING : this._status,
      sipStatus: this.sipStatus,
      sipMessage: this.sipMessage,
      reason: this.reason,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      caller: this.caller,
      callee: this.callee,
      timestamp: Date.now(),
      ...(this.establishedAt !== undefined ? { establishedAt: this.establishedAt } : {}),
      ...this.mediaStats(),
    };
  }

  private mediaStats(): { media?: CallStateEvent["media"] } {
    const media = this.media && receivedMediaStats(this.media.channels, this.establishedAt, Date.now());
    return media ? { media } : {};
  }

  /** Per-call media statistics (RTP channels, publication). */
  stats(): Record<string, unknown> {
    return { media: this.media?.toJSON(), srtp: this.media?.encryption, outputs: this.outputSet.toJSON(), control: this.control?.toJSON() };
  }

  /** Dials. Never rejects: every failure ends as a final state with a reason. */
  async start(): Promise<void> {
    try {
      await this.dial();
    } catch (error) {
      this.end(CallStatus.FAILED, CallReason.INTERNAL_ERROR, error instanceof Error ? error.message : String(error), "local");
    }
  }

  private async dial(): Promise<void> {
    let ffmpegPath: string | undefined;
    try {
      this.sinkKinds.preflight(this.initialOutputs.map((o) => o.resolved));
      if (this.options.sendVideoSlate || this.options.playAudio !== undefined) ffmpegPath = this.ctx.resolveFfmpeg();
    } catch (error) {
      const reason = error instanceof FfmpegNotFoundError ? CallReason.FFMPEG_NOT_FOUND : CallReason.FAILED_BY_FFMPEG_ERROR;
      return this.end(CallStatus.FAILED, reason, (error as Error).message, "local");
    }
    const registration = await this.ctx.ready();
    if (this.closed) return;
    if (!registration.ok) {
      this.sipStatus = registration.sipStatus;
      this.sipMessage = registration.sipMessage;
      const { reason } = outcomeOfRejection(registration.sipStatus);
      return this.end(CallStatus.FAILED, reason, `registration failed: ${registration.sipStatus} ${registration.sipMessage}`.trim(), "local");
    }
    try {
      this.media = await CallMedia.open({
        address: this.ctx.endpoint.mediaAddress,
        bindAddress: this.ctx.bindAddress,
        hasAudio: this.options.hasAudio ?? true,
        hasVideo: this.options.hasVideo ?? true,
        portRange: this.ctx.portRange,
        cname: `sipcast-${this.id}`,
        logger: this.ctx.logger,
        sourceCheck: this.ctx.rtpSourceCheck,
        srtp: this.ctx.account.srtp,
        srtpSuites: this.ctx.account.srtpSuites,
      });
    } catch (error) {
      return this.end(CallStatus.FAILED, CallReason.FAILED_BY_RTP_PORTS, (error as Error).message, "local");
    }
    if (this.closed) return;
    this.transition(CallStatus.TRYING);
    await this.invite(this.media, ffmpegPath);
  }

  /** Sends the INVITE (again, for the RTP/SAVP retry of srtp "offered"). */
  private async invite(media: CallMedia, ffmpegPath: string | undefined): Promise<void> {
    const inviter = this.ctx.endpoint.createInviter(this.calleeUri, media, {
      // RFC 4028: say we can refresh, so that a peer with session timers lets us be the refresher.
      extraHeaders: ["Supported: timer"],
      logLabel: this.id,
      onProgress: (message) => this.onProgress(message),
    });
    this.session = inviter;
    inviter.delegate = {
      onBye: (bye) => {
        this.remoteBye = true;
        void bye.accept().catch(() => undefined);
      },
      onInfo: (info) => void info.accept().catch(() => undefined),
      // sip.js has already answered the re-INVITE (setDescription + getDescription on our SDH).
      onInvite: (_request, response, statusCode) => this.onRenegotiated(statusCode, /^SIP\/2\.0 \d{3} ([^\r\n]*)/.exec(response)?.[1] ?? ""),
    };
    inviter.stateChange.addListener((state) => this.onSessionState(state, ffmpegPath));
    const note = (r: Core.IncomingResponse): void => this.noteResponse(r.message);
    await inviter.invite({
      requestDelegate: {
        onTrying: note,
        // Provisional responses come through onProgress of createInviter: sip.js drops some of them.
        onAccept: (r) => {
          note(r);
          this.sessionExpires = parseSessionExpires(r.message.getHeader("Session-Expires") ?? r.message.getHeader("x"));
          this.control?.setSessionExpires(this.sessionExpires);
        },
        onReject: note,
        onRedirect: note,
      },
    });
  }

  private noteResponse(message: Core.IncomingResponseMessage): void {
    this.sipStatus = message.statusCode ?? 0;
    this.sipMessage = message.reasonPhrase ?? "";
  }

  /**
   * A provisional response (101–199) to the INVITE, with or without the Contact and To-tag sip.js
   * wants (linphone's 180 has no Contact): 180–182 and 184–199 ring, 183 is session progress.
   */
  private onProgress(message: Core.IncomingResponseMessage): void {
    if (this.terminating || isAnswered(this._status) || isFinalStatus(this._status)) return;
    this.noteResponse(message);
    // An early SDP (183) names where the peer's media will come from, before the answer does.
    const body = message.body;
    if (body && /^application\/sdp/i.test(message.getHeader("Content-Type") ?? "")) void this.media?.expectEarlySdp(body);
    if (this.sipStatus === 183) this.transition(CallStatus.SESSION_PROGRESS);
    else if (this.sipStatus >= 180) this.transition(CallStatus.RING);
  }

  private onSessionState(state: SessionState, ffmpegPath: string | undefined): void {
    if (state === SessionState.Established) {
      this.establishedAt = Date.now();
      // sip.js reports the 200 to our request delegate after this state change: don't keep a provisional phrase.
      this.sipStatus = 200;
      this.sipMessage = "OK";
      // Before the outputs and the audio file start: their G.722 level depends on the answering product.
      if (this.media && this.session) this.media.peerAgent = this.ctx.endpoint.peerAgentOf(this.session);
      this.transition(CallStatus.ESTABLISHED);
      this.startControl();
      if (!this.terminating) this.startPublication(ffmpegPath);
      if (this.options.playAudio !== undefined && !this.terminating) this.playOptionAudio(this.options.playAudio);
    } else if (state === SessionState.Terminated) {
      // sip.js moves the session to Terminated before it hands the final response to our request delegate.
      setImmediate(() => this.onSessionTerminated(ffmpegPath));
    }
  }

  private onSessionTerminated(ffmpegPath: string | undefined): void {
    if (isFinalStatus(this._status)) return;
    if (this.retrySrtpAsSavp(ffmpegPath)) return;
    const sdpError = this.session ? this.ctx.endpoint.sdpErrorOf(this.session) : undefined;
    const code = (sdpError as { code?: string } | undefined)?.code;
    if (sdpError) {
      const reason = code === "NO_COMMON_CODECS" ? CallReason.NO_COMMON_CODECS : code === "SRTP_REFUSED" ? CallReason.SRTP_REFUSED : CallReason.NOT_ACCEPTABLE;
      return this.end(CallStatus.FAILED, reason, sdpError.message, "local");
    }
    if (isAnswered(this._status)) {
      return this.end(CallStatus.FINISH, CallReason.NORMAL_CALL_CLEARING, undefined, this.remoteBye ? "remote" : "local");
    }
    if (this.terminating) return this.end(CallStatus.FINISH, CallReason.CANCELLED, undefined, "local");
    if ((this.sipStatus === 488 || this.sipStatus === 606) && this.ctx.account.srtp === "required") {
      const detail = `${this.sipStatus} ${this.sipMessage}: the peer rejected the SRTP (RTP/SAVP) offer; srtp is "required"`;
      return this.end(CallStatus.FAILED, CallReason.SRTP_REFUSED, detail, "remote");
    }
    if (this.sipStatus >= 300) {
      const outcome = outcomeOfRejection(this.sipStatus);
      return this.end(outcome.status, outcome.reason, `${this.sipStatus} ${this.sipMessage}`.trim(), "remote");
    }
    this.end(CallStatus.FAILED, CallReason.FAILED_BY_SIP_ERROR, "session ended without a final response", "remote");
  }

  /**
   * srtp "offered" sends RTP/AVP with keys first, which plain peers and most SRTP peers take; a
   * peer that accepts only RTP/SAVP (baresip's srtp-mand, SRTP-only trunks) answers that with
   * 488/606: dial once more with RTP/SAVP, on the same sockets and keys.
   */
  private retrySrtpAsSavp(ffmpegPath: string | undefined): boolean {
    const media = this.media;
    if (!media || this.terminating || this.closed || isAnswered(this._status) || this.ctx.account.srtp !== "offered") return false;
    if ((this.sipStatus !== 488 && this.sipStatus !== 606) || !media.offerSavpInstead()) return false;
    this.ctx.logger.log("info", "call", `${this.id}: ${this.sipStatus} to RTP/AVP with SRTP keys, offering RTP/SAVP`);
    this.invite(media, ffmpegPath).catch((error: unknown) => this.end(CallStatus.FAILED, CallReason.INTERNAL_ERROR, error instanceof Error ? error.message : String(error), "local"));
    return true;
  }

  /** Starts the outputs CallOptions asked for (a bad one fails like a failed output), and the video slate. */
  private startPublication(ffmpegPath: string | undefined): void {
    if (!this.media) return;
    this.outputSet.attach(this.media);
    const o = this.options;
    if (o.sendVideoSlate && ffmpegPath) this.media.startVideoSlate(ffmpegPath, o.sendVideoSlate === true ? undefined : o.sendVideoSlate);
    for (const { id, resolved } of this.initialOutputs) {
      try {
        this.outputSet.start(resolved, { id });
      } catch (error) {
        this.ctx.logger.log("error", "call", `${this.id}: output ${id} could not start: ${(error as Error).message}`);
        this.emitPublish({ outputId: id, kind: resolved.kind.kind, status: "FAILED", target: "", reason: CallReason.FAILED_BY_FFMPEG_ERROR, detail: (error as Error).message });
        if (o.endOnPublishFailure === true && this.outputSet.list().length === 0) this.fail(CallReason.FAILED_BY_FFMPEG_ERROR, (error as Error).message);
      }
    }
  }

  /**
   * Starts a new output of the call's media (WCS `/push/startup`): an RTMP(S) target or a recording,
   * with its own ffmpeg, reconnecting by itself; the others and the call are untouched. Returns the
   * output's id. Follow it with the `publish` events (`outputId`).
   * @throws InvalidStateError unless the call is ESTABLISHED (or HOLD); DuplicateOutputError for an id
   * in use; LimitError when `limits.maxOutputsPerCall` outputs are running; ConfigError for a bad target; FfmpegNotFoundError.
   */
  publish(target: OutputTarget, options?: PublishOptions): string {
    if (this.closed || !isAnswered(this._status) || isFinalStatus(this._status) || !this.media) {
      throw new InvalidStateError(`cannot publish: the call is ${this._status}, not ESTABLISHED`);
    }
    this.outputSet.attach(this.media);
    return this.outputSet.publish(target, options);
  }

  /** Stops one output (its stream or file is finished cleanly), or all of them when `outputId` is absent (WCS `/push/terminate`). */
  unpublish(outputId?: string): void {
    this.outputSet.unpublish(outputId);
  }

  /** The call's running outputs (STARTING, PUBLISHING or RECONNECTING). */
  outputs(): OutputSnapshot[] {
    return this.outputSet.list();
  }

  private startControl(): void {
    const session = this.session;
    const media = this.media;
    if (!session || !media || this.control || this.closed) return;
    this.control = new SessionControl({
      id: this.id,
      session,
      media,
      rtpTimeoutMs: this.rtpTimeoutMs,
      logger: this.ctx.logger,
      onRenegotiated: (status, message) => this.onRenegotiated(status, message),
      onRtpTimeout: (ms) => this.fail(CallReason.FAILED_BY_RTP_ACTIVITY, `no RTP for ${(ms / 1000).toFixed(1)} s`),
      onDtmf: (digit, type) => this.safeEmit("dtmf", { callId: this.id, digit, type, direction: "sent", timestamp: Date.now() }),
      onIvr: (p) => this.safeEmit("ivr", this.ivrEvent(p)),
      ffmpegPath: () => {
        try {
          return this.ctx.resolveFfmpeg();
        } catch {
          return undefined;
        }
      },
    });
    this.control.start(this.sessionExpires);
    if (media.remoteOnHold) this.onRenegotiated(this.sipStatus, this.sipMessage);
  }

  /** The SDP changed (the peer's re-INVITE, or the answer to our refresh): follow hold and unhold. */
  private onRenegotiated(sipStatus: number, sipMessage: string): void {
    if (!isAnswered(this._status) || !this.media) return;
    this.control?.renegotiated();
    this.outputSet.mediaChanged();
    const onHold = this.media.remoteOnHold;
    const next = onHold ? CallStatus.HOLD : CallStatus.ESTABLISHED;
    if (next === this._status) return;
    this.sipStatus = sipStatus;
    this.sipMessage = sipMessage;
    this.control?.setOnHold(onHold);
    this.transition(next);
  }

  /**
   * Tells the peer our new Contact with a re-INVITE (the engine calls this when the SIP connection came
   * back on a new port). Only an answered call has a dialog to refresh; a failure is logged, the call stays.
   */
  refreshTarget(): void {
    const control = this.control;
    const session = this.session;
    if (!control || !session || !isAnswered(this._status) || this.closed) return;
    this.ctx.endpoint.adoptCurrentContact(session);
    control.refreshTarget().then(
      () => this.ctx.logger.log("info", "call", `${this.id}: peer told the new Contact (re-INVITE accepted)`),
      (error: unknown) => this.ctx.logger.log("warn", "call", `${this.id}: re-INVITE with the new Contact failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** DTMF sequences queued or being sent; sendDtmf() refuses more than MAX_PENDING_DTMF_SEQUENCES. */
  get pendingDtmf(): number {
    return this.control?.pendingDtmf ?? 0;
  }

  /**
   * Sends DTMF keys (0-9 * # A-D; `,` pauses; at most MAX_DTMF_KEYS) to the peer, after any sequence
   * sent before. Resolves when every key has gone out (INFO: each accepted before the next).
   * `{prompt}`, `{reply}` and `{joined}` wait for the peer's IVR instead of a fixed time (see
   * docs/ivr-join.md); their outcomes come as `ivr` events, and a wait that times out rejects
   * with IvrWaitError (its `reason`).
   * @throws (rejects) ConfigError for invalid or too many digits, bad options or a full queue
   * (MAX_PENDING_DTMF_SEQUENCES), before anything is queued; InvalidStateError when the call is
   * not ESTABLISHED (or ends before the keys went out), DtmfError when the peer refused an INFO.
   */
  sendDtmf(digits: string, options?: DtmfOptions, handlers: SendDtmfHandlers = {}): Promise<void> {
    try {
      parseDtmfDigits(digits);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this._status !== CallStatus.ESTABLISHED || !this.control) {
      return Promise.reject(new InvalidStateError(`cannot send DTMF: the call is ${this._status}, not ESTABLISHED`));
    }
    const onIvr = handlers.onIvr;
    return this.control.sendDtmf(digits, options, onIvr && ((p) => onIvr(this.ivrEvent(p))));
  }

  private ivrEvent(p: IvrProgress | IvrWaitError): IvrEvent {
    return p instanceof IvrWaitError ? { callId: this.id, kind: "failed", reason: p.reason, detail: p.message, timestamp: Date.now() } : { callId: this.id, ...p, timestamp: Date.now() };
  }

  /**
   * Plays an audio file (any format ffmpeg reads: WAV, MP3, …) into the call instead of the silence it
   * sends, encoded to the negotiated PCMU, PCMA, G722 or opus (WCS `inject_stream`). A file already
   * playing is replaced (its promise resolves). RFC 4733 keys interrupt it; on hold it pauses.
   * Resolves when the file has played to its end (never with `loop`) or was stopped by stopAudio().
   * @throws (rejects) ConfigError for a missing path or file (or one outside `mediaRoot`); InvalidStateError when the call is not
   * ESTABLISHED/HOLD, has no audio or another codec, or ends first; MediaError when ffmpeg cannot
   * read the file (no audio stream, not a media file); FfmpegNotFoundError. The call stays up.
   */
  playAudio(path: string, options: PlayAudioOptions = {}): Promise<void> {
    try {
      path = options.mediaRoot === undefined ? checkAudioFilePath(path) : resolveMediaFile(options.mediaRoot, path);
      if (options.loop !== undefined && typeof options.loop !== "boolean") throw new ConfigError(`loop: expected true or false`);
    } catch (error) {
      return Promise.reject(error);
    }
    const audio = this.control?.audio;
    if (this.closed || !isAnswered(this._status) || !audio) {
      const why = isAnswered(this._status) ? "it has no audio stream" : `it is ${this._status}, not ESTABLISHED`;
      return Promise.reject(new InvalidStateError(`cannot play audio into the call: ${why}`));
    }
    let ffmpegPath: string;
    try {
      ffmpegPath = this.ctx.resolveFfmpeg();
    } catch (error) {
      return Promise.reject(error);
    }
    this.audioOut = audio;
    return audio.playFile(path, { ffmpegPath, loop: options.loop ?? false, logger: this.ctx.logger, peerAgent: this.media?.peerAgent });
  }

  /** Stops the audio file playing (its playAudio() resolves); the call sends silence again. No-op when none plays. */
  stopAudio(): void {
    this.audioOut?.stopFile();
  }

  /** CallOptions.playAudio: a failure is logged, the call goes on. */
  private playOptionAudio(file: string): void {
    this.playAudio(file, { loop: this.options.playAudioLoop === true, mediaRoot: this.options.mediaRoot }).catch((error: Error) => {
      // The call ending mid-file is no failure of the file.
      const level = error instanceof InvalidStateError ? "info" : "error";
      this.ctx.logger.log(level, "call", `${this.id}: playAudio: ${error.message}`);
    });
  }

  /** Ends an answered call because of a local failure: BYE, then FAILED with `reason`. */
  private fail(reason: CallReason, detail: string | undefined): void {
    if (isFinalStatus(this._status)) return;
    this.sendBye();
    this.end(CallStatus.FAILED, reason, detail, "local");
  }

  private sendBye(): void {
    const session = this.session;
    if (session && session.state === SessionState.Established) void session.bye().catch(() => undefined);
  }

  /**
   * Hangs up: CANCEL before the answer, BYE after. The call reaches FINISH when the peer confirms, or after
   * a short guard time if it does not answer.
   */
  terminate(): void {
    if (this.closed || this.terminating) return;
    this.terminating = true;
    const session = this.session;
    if (!session || this._status === CALL_STATUS_NEW) {
      return this.end(CallStatus.FINISH, CallReason.CANCELLED, undefined, "local");
    }
    if (session.state === SessionState.Established) {
      void session.bye().catch(() => undefined);
    } else if (session.state === SessionState.Initial || session.state === SessionState.Establishing) {
      void session.cancel().catch(() => undefined);
    }
    this.setTimer(() => {
      const answered = isAnswered(this._status);
      this.end(CallStatus.FINISH, answered ? CallReason.NORMAL_CALL_CLEARING : CallReason.CANCELLED, "the peer did not confirm the hang-up", "local");
    }, TERMINATE_GUARD_MS);
  }

  private setTimer(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private transition(status: CallStatus): boolean {
    if (this._status === status) return false;
    if (!canTransition(this._status, status)) {
      this.ctx.logger.log("warn", "call", `${this.id}: ignored transition ${this._status} → ${status}`);
      return false;
    }
    this._status = status;
    this.safeEmit("state", this.snapshot());
    return true;
  }

  private end(status: CallStatus, reason: CallReason, detail: string | undefined, initiator: "local" | "remote"): void {
    if (isFinalStatus(this._status)) return;
    this.reason = reason;
    this.detail = detail;
    if (!canTransition(this._status, status)) status = CallStatus.FAILED;
    this._status = status;
    this.safeEmit("state", { ...this.snapshot(), initiator });
    this.close();
  }

  /**
   * Releases everything the call owns. Called by itself on a final state; called directly (engine shutdown)
   * it still sends a best-effort BYE/CANCEL. Synchronous and idempotent; see whenClosed().
   */
  close(): void {
    if (this.closed) return;
    // Closed from outside while live: report it as ended (end() comes back here once the state is final).
    if (!isFinalStatus(this._status)) return this.end(CallStatus.FINISH, CallReason.ENGINE_CLOSED, undefined, "local");
    this.closed = true;
    this.control?.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const session = this.session;
    if (session && session.state !== SessionState.Terminated) void session.dispose().catch(() => undefined);
    // The outputs first: they stop listening to the channels and finish their streams and files.
    const outputsClosed = this.outputSet.close();
    const mediaClosed = this.media ? this.media.close() : Promise.resolve();
    this.closing = Promise.all([outputsClosed, mediaClosed, this.audioOut?.whenFilesExited(), this.control?.whenClosed()]).then(() => undefined);
    this.safeEmit("@close");
    this.safeEmit("close");
  }

  /** Resolves when every process and socket of the call is gone. */
  whenClosed(): Promise<void> {
    return this.closing;
  }
}
