/**
 * Which sources of RTP/RTCP a call accepts before it has latched (see {@link SymmetricLatch}).
 *
 * - `"signalled"` (default): only packets whose source address is the peer's SDP connection
 *   address (c=), from any port, so that a peer behind a port-changing NAT, or one such as baresip
 *   that sends from another port than its SDP names, is still heard. A third party that sprays the
 *   offered port cannot take the call's media (and the DTMF sent on it). A peer whose SDP carries
 *   a private address it cannot be reached at (behind NAT without a SIP ALG) is not heard at all.
 * - `"learn"`: for such peers. Any source may become the call's peer once it has sent
 *   {@link RTP_LEARN_PACKETS} consecutive, in-sequence RTP packets (Asterisk's `strictrtp`
 *   learning); RTCP is then taken only from that source's address. Trade-off: a third party that
 *   reaches the port before the peer, with a few well-formed packets, wins the call's media.
 */
export type RtpSourceCheck = "signalled" | "learn";

/** Every value of {@link RtpSourceCheck}, for validation and UIs. */
export const RTP_SOURCE_CHECKS: readonly RtpSourceCheck[] = Object.freeze(["signalled", "learn"]);

/** What a call uses when nothing is set. */
export const DEFAULT_RTP_SOURCE_CHECK: RtpSourceCheck = "signalled";

/** In-sequence packets a source must send in `"learn"` mode before it becomes the peer (Asterisk's probation is 4 too). */
export const RTP_LEARN_PACKETS = 4;

/** True when `value` is a {@link RtpSourceCheck}. */
export function isRtpSourceCheck(value: unknown): value is RtpSourceCheck {
  return typeof value === "string" && (RTP_SOURCE_CHECKS as readonly string[]).includes(value);
}
