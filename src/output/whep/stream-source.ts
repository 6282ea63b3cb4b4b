import type { RtpPacket } from "werift-rtp";
import type { MediaKind, NegotiatedMedia } from "../../sdp";

/** Receives one RTP packet of the call, as it arrived (`arrivalMs`: Date.now() at arrival). */
export type RtpListener = (packet: RtpPacket, arrivalMs: number) => void;

/**
 * What viewers need of a call: its negotiated media, its received RTP per medium and a way to ask
 * the peer for a keyframe. Viewers only listen: they never send to the call's sockets.
 */
export interface StreamSource {
  readonly callId: string;
  readonly media: NegotiatedMedia;
  /** Adds a listener of the call's received RTP of `kind`; returns what removes it. */
  onRtp(kind: MediaKind, listener: RtpListener): () => void;
  /** Asks the peer for a keyframe (PLI/FIR, SIP INFO); the caller rate-limits. */
  requestKeyframe(): void;
}
