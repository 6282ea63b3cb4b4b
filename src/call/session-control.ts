import type { Inviter } from "sip.js";
import { InvalidStateError } from "../errors";
import { DtmfError, DtmfSender, DTMF_RELAY_CONTENT_TYPE, dtmfRelayBody, IvrWaitError, type DtmfDigit, type DtmfOptions, type DtmfType, type IvrListener, type IvrProgress } from "../dtmf";
import { CallHearing } from "../ivr/call-hearing";
import type { Clock } from "../rtp/clock";
import type { RtpChannel } from "../rtp/rtp-channel";
import type { Logger } from "../util/logger";
import type { CallMedia } from "./call-media";
import { OutgoingAudio } from "./outgoing-audio";
import { RtpInactivityWatch } from "./rtp-inactivity";
import { SessionRefresher, parseSessionExpires, sessionExpiresHeader, type SessionExpires } from "./session-timer";

/** What {@link SessionControl} needs from its Call. */
export interface SessionControlHost {
  readonly id: string;
  readonly session: Inviter;
  readonly media: CallMedia;
  /** 0 turns the RTP watchdog off. */
  readonly rtpTimeoutMs: number;
  readonly logger: Logger;
  /** The SDP changed (peer's re-INVITE or our refresh): the Call re-reads `media.remoteOnHold`. */
  onRenegotiated(sipStatus: number, sipMessage: string): void;
  /** No RTP for `rtpTimeoutMs` while watching: the Call hangs up. */
  onRtpTimeout(silentMs: number): void;
  onDtmf(digit: DtmfDigit, type: DtmfType): void;
  /** A `{…}` wait of a DTMF plan ended: its outcome, or (IvrWaitError) why it failed. */
  onIvr(progress: IvrProgress | IvrWaitError): void;
  /** ffmpeg, for listening to G.722 and opus (undefined: none found). */
  ffmpegPath(): string | undefined;
  clock?: Clock;
}

/**
 * What an answered call does besides publishing: the continuous audio to the peer, DTMF (RFC 4733
 * and SIP INFO), the RTP inactivity watchdog (paused on hold), and RFC 4028 session refresh.
 * Created when the call is established; close() releases every timer.
 */
export class SessionControl {
  /** The audio sent to the peer (silence, RFC 4733 keys, a file); undefined for a call without audio. */
  readonly audio: OutgoingAudio | undefined;
  private readonly dtmf: DtmfSender;
  private readonly watch: RtpInactivityWatch | undefined;
  private readonly refresher: SessionRefresher;
  private readonly detach: Array<() => void> = [];
  /** Listens to the peer while a plan with waits runs (plans run one at a time). */
  private hearing: CallHearing | undefined;
  private readonly hearingsClosing = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly host: SessionControlHost) {
    const audioChannel = host.media.channels.get("audio");
    this.audio = audioChannel ? new OutgoingAudio(audioChannel, host.clock) : undefined;
    this.dtmf = new DtmfSender({
      transport: {
        sendEvent: (code, durationMs) => this.audio?.playKey(code, durationMs) ?? Promise.reject(new InvalidStateError("the call has no audio stream for RFC 4733 DTMF")),
        sendInfo: (digit, durationMs) => this.sendInfo(digit, durationMs),
        listener: () => this.openHearing(),
        release: () => this.closeHearing(),
      },
      onDigit: (digit, type) => host.onDtmf(digit, type),
      onIvr: (progress) => host.onIvr(progress),
      clock: host.clock,
    });
    if (host.rtpTimeoutMs > 0) {
      const watch = new RtpInactivityWatch({ timeoutMs: host.rtpTimeoutMs, onTimeout: (ms) => host.onRtpTimeout(ms), clock: host.clock });
      for (const channel of host.media.channels.values()) this.listen(channel, () => watch.packet());
      this.watch = watch;
    }
    this.refresher = new SessionRefresher({
      refresh: (se) => this.refresh(se),
      onError: (error) => host.logger.log("warn", "call", `${host.id}: session refresh failed: ${error instanceof Error ? error.message : String(error)}`),
      clock: host.clock,
    });
  }

  private listen(channel: RtpChannel, onPacket: () => void): void {
    channel.on("rtp", onPacket);
    this.detach.push(() => channel.off("rtp", onPacket));
  }

  /** Starts audio and the watchdog; `sessionExpires` is the `Session-Expires` of the INVITE's 2xx. */
  start(sessionExpires: SessionExpires | undefined): void {
    this.audio?.update(this.host.media.negotiated?.audio);
    this.watch?.watch();
    this.refresher.apply(sessionExpires);
  }

  /** The `Session-Expires` of the INVITE's 2xx (sip.js reports the 2xx after the session is established). */
  setSessionExpires(sessionExpires: SessionExpires | undefined): void {
    this.refresher.apply(sessionExpires);
  }

  /** After a renegotiation: follows the new codec and direction. */
  renegotiated(): void {
    this.audio?.update(this.host.media.negotiated?.audio);
  }

  /** On hold nobody owes us RTP: the watchdog pauses, and restarts with a full timeout on resume. */
  setOnHold(onHold: boolean): void {
    if (onHold) this.watch?.pause();
    else this.watch?.watch();
  }

  /** DTMF sequences queued or being sent. */
  get pendingDtmf(): number {
    return this.dtmf.queued;
  }

  /** Queues a DTMF sequence (see {@link DtmfSender.send}); a failed `{…}` wait is also reported through onIvr. */
  sendDtmf(digits: string, options?: DtmfOptions, onIvr?: (progress: IvrProgress | IvrWaitError) => void): Promise<void> {
    return this.dtmf.send(digits, options, onIvr).catch((error: unknown) => {
      if (error instanceof IvrWaitError) {
        this.host.onIvr(error);
        onIvr?.(error);
      }
      throw error;
    });
  }

  private openHearing(): IvrListener | undefined {
    if (this.closed) return undefined;
    this.closeHearing();
    const media = this.host.media;
    this.hearing = CallHearing.open({
      audioChannel: media.channels.get("audio"),
      videoChannel: media.channels.get("video"),
      audio: media.negotiated?.audio,
      ffmpegPath: this.host.ffmpegPath(),
      logger: this.host.logger,
    });
    return this.hearing?.listener;
  }

  private closeHearing(): void {
    const hearing = this.hearing;
    if (!hearing) return;
    this.hearing = undefined;
    hearing.close();
    const closing = hearing.whenClosed().finally(() => this.hearingsClosing.delete(closing));
    this.hearingsClosing.add(closing);
  }

  /** Resolves when every audio decoder this control started has exited. */
  whenClosed(): Promise<void> {
    return Promise.all([...this.hearingsClosing]).then(() => undefined);
  }

  /** SIP INFO `application/dtmf-relay`; resolves on the peer's 2xx (sip.js 0.21 itself resolves `info()` when the request is sent, not when it is answered). */
  private sendInfo(digit: DtmfDigit, durationMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.host.session
        .info({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (r) => reject(new DtmfError(`INFO for DTMF "${digit}" refused: ${r.message.statusCode ?? 0} ${r.message.reasonPhrase ?? ""}`.trim())),
          },
          requestOptions: { body: { contentDisposition: "render", contentType: DTMF_RELAY_CONTENT_TYPE, content: dtmfRelayBody(digit, durationMs) } },
        })
        .catch((error: unknown) => reject(error instanceof Error ? error : new DtmfError(String(error))));
    });
  }

  /**
   * A target refresh (RFC 3261 §12.2): a re-INVITE with our SDP and our current Contact, after the
   * SIP connection came back on a new local port. Without it the peer's in-dialog requests (its BYE,
   * its re-INVITE) go on to the old, dead Contact. Keeps the RFC 4028 interval when we refresh it.
   */
  async refreshTarget(): Promise<void> {
    const current = this.refresher.interval;
    const next = await this.reinvite(current ? [sessionExpiresHeader(current), "Supported: timer"] : []);
    if (current && !this.closed) this.refresher.apply(next);
  }

  /** An RFC 4028 refresh: a re-INVITE with our SDP (version + 1), staying the refresher. */
  private refresh(current: SessionExpires): Promise<SessionExpires | undefined> {
    return this.reinvite([sessionExpiresHeader(current), "Supported: timer"]);
  }

  /** A re-INVITE with our SDP (version + 1); resolves with the Session-Expires of its 2xx. */
  private reinvite(extraHeaders: string[]): Promise<SessionExpires | undefined> {
    return new Promise((resolve, reject) => {
      this.host.session
        .invite({
          requestDelegate: {
            onAccept: (r) => {
              const header = r.message.getHeader("Session-Expires") ?? r.message.getHeader("x");
              this.host.onRenegotiated(r.message.statusCode ?? 200, r.message.reasonPhrase ?? "");
              resolve(parseSessionExpires(header));
            },
            onReject: (r) => reject(new Error(`re-INVITE refused: ${r.message.statusCode ?? 0} ${r.message.reasonPhrase ?? ""}`.trim())),
          },
          requestOptions: { extraHeaders },
        })
        .catch((error: unknown) => reject(error));
    });
  }

  toJSON(): Record<string, unknown> {
    return { audioOut: this.audio?.toJSON(), sessionRefreshes: this.refresher.refreshes, sessionExpires: this.refresher.interval?.seconds };
  }

  /** Stops audio, DTMF (queued sequences reject with InvalidStateError), the watchdog and the refresh timer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const d of this.detach) d();
    this.dtmf.close();
    this.closeHearing();
    this.audio?.close();
    this.watch?.close();
    this.refresher.close();
  }
}
