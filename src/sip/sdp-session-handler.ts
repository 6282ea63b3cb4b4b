import type { BodyAndContentType, SessionDescriptionHandler } from "sip.js";
import type { MediaNegotiator } from "./media-negotiator";
import type { SdpExchange } from "./sdp-log";

/** Sees every SDP the handler passes, both ways (for the log). */
export type SdpObserver = (exchange: SdpExchange, sdp: string) => void;

/**
 * A sip.js SessionDescriptionHandler for plain RTP/AVP: it hands SDP to a {@link MediaNegotiator}.
 *
 * @remarks
 * sip.js drives offer/answer as: initial INVITE → getDescription (our offer) → setDescription (their answer);
 * a re-INVITE from the peer → setDescription (their offer) → getDescription (our answer). We tell the two
 * setDescription cases apart by whether our own offer is outstanding. Media resources are owned by the Call,
 * so close() releases nothing here. Every SDP that passes, both ways and re-INVITEs included, goes to
 * `observe` first (a bad one too: that is the one worth reading).
 */
export class SdpSessionHandler implements SessionDescriptionHandler {
  private offerOutstanding = false;
  /** Our answer to the peer's last offer, computed in setDescription and handed out by the next getDescription. */
  private pendingAnswer: string | undefined;
  /** The error of the last failed setDescription, for the Call to report (sip.js only sends 488 and a BYE). */
  public lastError: Error | undefined;

  constructor(
    private readonly negotiator: MediaNegotiator,
    private readonly observe: SdpObserver = () => undefined,
  ) {}

  async getDescription(): Promise<BodyAndContentType> {
    if (this.pendingAnswer !== undefined) {
      const answer = this.pendingAnswer;
      this.pendingAnswer = undefined;
      this.note("answer sent", answer);
      return { body: answer, contentType: "application/sdp" };
    }
    this.offerOutstanding = true;
    const offer = this.negotiator.createOffer();
    this.note("offer sent", offer);
    return { body: offer, contentType: "application/sdp" };
  }

  async setDescription(sdp: string): Promise<void> {
    this.note(this.offerOutstanding ? "answer received" : "offer received", sdp);
    try {
      if (this.offerOutstanding) {
        this.offerOutstanding = false;
        await this.negotiator.applyAnswer(sdp);
      } else {
        // Answer now so that a bad offer is rejected here (sip.js then answers 488), not in getDescription.
        this.pendingAnswer = await this.negotiator.answerOffer(sdp);
      }
    } catch (error) {
      this.pendingAnswer = undefined;
      this.lastError = error instanceof Error ? error : new Error(String(error));
      throw this.lastError;
    }
  }

  hasDescription(contentType: string): boolean {
    return contentType.toLowerCase() === "application/sdp";
  }

  sendDtmf(): boolean {
    // DTMF goes through the Call (RFC 4733 on its RTP socket or SIP INFO), not through sip.js.
    return false;
  }

  /** A failing observer (a logger) must not fail the offer/answer exchange. */
  private note(exchange: SdpExchange, sdp: string): void {
    try {
      this.observe(exchange, sdp);
    } catch {
      // nothing: the SDP goes on unlogged
    }
  }

  close(): void {
    this.pendingAnswer = undefined;
  }
}
