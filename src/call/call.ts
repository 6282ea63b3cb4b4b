import { randomUUID } from "node:crypto";
import { SessionState, type Core, type Inviter } from "sip.js";
import type { PortRange } from "../rtp";
import type { ResolvedAccount } from "../sip/account-options";
import { calleeUri } from "../sip/account-options";
import type { RegistrationResult, SipEndpoint } from "../sip/sip-endpoint";
import { TypedEmitter } from "../util/typed-emitter";
import type { Logger } from "../util/logger";
import { CallMedia } from "./call-media";
import { CallReason, outcomeOfRejection } from "./call-reason";
import { CALL_STATUS_NEW, CallStatus, canTransition, isAnswered, isFinalStatus, type CallStatusOrNew } from "./call-status";
import type { CallStateEvent, PublishEvent } from "./call-event";
import { checkCallId, rtmpOutputUrl, type CallOptions, type RtmpTarget } from "./call-options";
import type { Publication } from "./publication";

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
  logger: Logger;
}

export interface CallEvents extends Record<string, unknown[]> {
  state: [CallStateEvent];
  publish: [PublishEvent];
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
  private publication: Publication | undefined;
  private target: RtmpTarget | undefined;
  private terminating = false;
  private remoteBye = false;
  private readonly timers = new Set<NodeJS.Timeout>();
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
    calleeUri(ctx.account, options.callee);
    if (options.rtmpUrl) {
      this.target = { rtmpUrl: options.rtmpUrl, rtmpStream: options.rtmpStream ?? "" };
      rtmpOutputUrl(this.target);
    }
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
    };
  }

  /** Per-call media statistics (RTP channels, publication). */
  stats(): Record<string, unknown> {
    return { media: this.media?.toJSON(), publication: this.publication?.toJSON() };
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
    if (this.target) {
      try {
        ffmpegPath = this.ctx.resolveFfmpeg();
      } catch (error) {
        return this.end(CallStatus.FAILED, CallReason.FFMPEG_NOT_FOUND, (error as Error).message, "local");
      }
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
      });
    } catch (error) {
      return this.end(CallStatus.FAILED, CallReason.FAILED_BY_RTP_PORTS, (error as Error).message, "local");
    }
    if (this.closed) return;
    const inviter = this.ctx.endpoint.createInviter(calleeUri(this.ctx.account, this.callee), this.media);
    this.session = inviter;
    inviter.delegate = {
      onBye: (bye) => {
        this.remoteBye = true;
        void bye.accept().catch(() => undefined);
      },
      onInfo: (info) => void info.accept().catch(() => undefined),
    };
    inviter.stateChange.addListener((state) => this.onSessionState(state, ffmpegPath));
    this.transition(CallStatus.TRYING);
    const note = (r: Core.IncomingResponse): void => {
      this.sipStatus = r.message.statusCode ?? 0;
      this.sipMessage = r.message.reasonPhrase ?? "";
    };
    await inviter.invite({
      requestDelegate: {
        onTrying: note,
        onProgress: (r) => {
          note(r);
          if (this.sipStatus === 183) this.transition(CallStatus.SESSION_PROGRESS);
          else if (this.sipStatus >= 180) this.transition(CallStatus.RING);
        },
        onAccept: note,
        onReject: note,
        onRedirect: note,
      },
    });
  }

  private onSessionState(state: SessionState, ffmpegPath: string | undefined): void {
    if (state === SessionState.Established) {
      this.establishedAt = Date.now();
      this.sipStatus = 200;
      this.transition(CallStatus.ESTABLISHED);
      if (this.target && ffmpegPath && !this.terminating) this.startPublication(this.target, ffmpegPath);
    } else if (state === SessionState.Terminated) {
      // sip.js moves the session to Terminated before it hands the final response to our request delegate.
      setImmediate(() => this.onSessionTerminated());
    }
  }

  private onSessionTerminated(): void {
    if (isFinalStatus(this._status)) return;
    const sdpError = this.session ? this.ctx.endpoint.sdpErrorOf(this.session) : undefined;
    const code = (sdpError as { code?: string } | undefined)?.code;
    if (sdpError) {
      const reason = code === "NO_COMMON_CODECS" ? CallReason.NO_COMMON_CODECS : CallReason.NOT_ACCEPTABLE;
      return this.end(CallStatus.FAILED, reason, sdpError.message, "local");
    }
    if (isAnswered(this._status)) {
      return this.end(CallStatus.FINISH, CallReason.NORMAL_CALL_CLEARING, undefined, this.remoteBye ? "remote" : "local");
    }
    if (this.terminating) return this.end(CallStatus.FINISH, CallReason.CANCELLED, undefined, "local");
    if (this.sipStatus >= 300) {
      const outcome = outcomeOfRejection(this.sipStatus);
      return this.end(outcome.status, outcome.reason, `${this.sipStatus} ${this.sipMessage}`.trim(), "remote");
    }
    this.end(CallStatus.FAILED, CallReason.FAILED_BY_SIP_ERROR, "session ended without a final response", "remote");
  }

  private startPublication(target: RtmpTarget, ffmpegPath: string): void {
    if (!this.media) return;
    const publication = this.media.publish(rtmpOutputUrl(target), ffmpegPath);
    this.publication = publication;
    publication.on("status", (status, reason, detail) => {
      this.safeEmit("publish", { callId: this.id, status, target: publication.target, reason, detail, timestamp: Date.now() });
      if (status === "FAILED" && (this.options.endOnPublishFailure ?? true)) this.fail(reason, detail);
    });
    void publication.start();
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
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const session = this.session;
    if (session && session.state !== SessionState.Terminated) void session.dispose().catch(() => undefined);
    this.closing = this.media ? this.media.close() : Promise.resolve();
    this.safeEmit("@close");
    this.safeEmit("close");
  }

  /** Resolves when every process and socket of the call is gone. */
  whenClosed(): Promise<void> {
    return this.closing;
  }
}
