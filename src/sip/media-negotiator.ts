/**
 * What the SIP layer needs from whoever owns a call's media: SDP in, SDP out.
 * The Call's media implements it; the session description handler only adapts it to sip.js.
 */
export interface MediaNegotiator {
  /** Our initial offer (sockets are bound before it is built). */
  createOffer(): string;
  /**
   * The peer's answer to our offer. Throws or rejects (e.g. SdpError NO_COMMON_CODECS) when it cannot
   * be used. May be async (host names in c= are resolved before media flows); sip.js sends the ACK after it.
   */
  applyAnswer(sdp: string): void | Promise<void>;
  /** An offer from the peer (re-INVITE: hold, unhold, new ports); returns (or resolves with) our answer. */
  answerOffer(sdp: string): string | Promise<string>;
}
