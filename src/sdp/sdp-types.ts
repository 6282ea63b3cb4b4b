/** The media kinds sipcast sends and receives. */
export type MediaKind = "audio" | "video";

/** Audio codecs sipcast offers and accepts, by their canonical SDP encoding names. */
export type AudioCodecName = "PCMU" | "PCMA" | "G722" | "opus";

/** Video codecs sipcast offers and accepts, by their canonical SDP encoding names. */
export type VideoCodecName = "H264" | "VP8";

/** Any codec sipcast can negotiate. */
export type CodecName = AudioCodecName | VideoCodecName;

/** An SDP media direction attribute (RFC 3264 section 6.1). */
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";
