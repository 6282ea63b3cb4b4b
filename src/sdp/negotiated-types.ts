import type { NegotiatedSrtp } from "./sdes-media";
import type { CodecName, Direction, MediaKind } from "./sdp-types";

/** RTCP feedback the peer accepts for the chosen payload (RFC 4585 / RFC 5104). */
export interface RtcpFeedback {
  /** `nack` (generic NACK). */
  nack: boolean;
  /** `nack pli` (picture loss indication). */
  pli: boolean;
  /** `ccm fir` (full intra request). */
  fir: boolean;
}

/** One negotiated medium: what the peer sends us and where we send to. */
export interface NegotiatedStream {
  kind: MediaKind;
  /** Index of the m= line in the peer's SDP. */
  mlineIndex: number;
  /** Canonical codec name. */
  codec: CodecName;
  /** The payload number to describe to ffmpeg and to send with (the answer's number). */
  payloadType: number;
  /** Every payload number the peer may send this codec with (the answer's and the offer's numbers), `payloadType` first. */
  receivePayloadTypes: number[];
  clockRate: number;
  /** Audio channels from the rtpmap (1 when absent, and for video). */
  channels: number;
  /** The fmtp of the chosen payload in the peer's SDP (e.g. sprop-parameter-sets, packetization-mode). */
  fmtp?: string;
  /** RFC 4733 events, audio only, when both sides have them. */
  telephoneEvent?: { payloadType: number; clockRate: number };
  /** m-level c= or else session c=. */
  remoteAddress: string;
  remoteRtpPort: number;
  /** a=rtcp when given, the RTP port with rtcp-mux, else RTP port + 1. */
  remoteRtcpPort: number;
  rtcpMux: boolean;
  /** The peer's direction attribute (m-level, else session-level, else sendrecv). */
  remoteDirection: Direction;
  /** SSRCs from the peer's a=ssrc lines, each once. */
  remoteSsrcs: number[];
  /** Feedback the peer allows for the chosen payload (`a=rtcp-fb` with `*` or its number). */
  feedback: RtcpFeedback;
  /** Our RTP port for this medium. */
  localPort: number;
  /** SDES-SRTP keys of this medium; absent: plain RTP. */
  srtp?: NegotiatedSrtp;
}

/** The negotiated media of a call; a kind is absent when it was not offered, rejected or had no common codec. */
export interface NegotiatedMedia {
  audio?: NegotiatedStream;
  video?: NegotiatedStream;
}
