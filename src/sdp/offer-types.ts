import type { SdesOffer } from "./sdes-media";
import type { AudioCodecName, CodecName, MediaKind, VideoCodecName } from "./sdp-types";

/** What to put in our SDP offer (the INVITE body). */
export interface OfferOptions {
  /** The c= and o= address: the public IPv4 address the peer sends RTP to. */
  address: string;
  /** Our RTP port for audio (RTCP on port+1); absent → no m=audio line. */
  audioPort?: number;
  /** Our RTP port for video (RTCP on port+1); absent → no m=video line. */
  videoPort?: number;
  /** Audio codecs to offer, in preference order. Default `["PCMU", "PCMA", "G722", "opus"]`. */
  audioCodecs?: AudioCodecName[];
  /** Video codecs to offer, in preference order. Default `["H264", "VP8"]`. */
  videoCodecs?: VideoCodecName[];
  /** o= session id. Default: a random integer below 2^31. */
  sessionId?: number;
  /** o= session version. Default 1. */
  sessionVersion?: number;
  /** o= user name. Default `"sipcast"`. */
  userName?: string;
  /** SDES-SRTP: the m= protocol and our `a=crypto` keys. Absent: plain RTP/AVP. */
  srtp?: SdesOffer;
}

/** One payload format we put on an m= line. */
export interface OfferedFormat {
  payloadType: number;
  codec: CodecName | "telephone-event";
  clockRate: number;
  channels: number;
  fmtp?: string;
}

/** One m= line of our offer. */
export interface OfferedMedia {
  kind: MediaKind;
  mlineIndex: number;
  port: number;
  /** In m= line order. */
  formats: readonly OfferedFormat[];
}

/** Our offer: the SDP text plus what {@link negotiateAnswer} needs to read the answer. */
export interface LocalOffer {
  sdp: string;
  sessionId: number;
  sessionVersion: number;
  address: string;
  hasAudio: boolean;
  hasVideo: boolean;
  audio?: OfferedMedia;
  video?: OfferedMedia;
  srtp?: SdesOffer;
}
