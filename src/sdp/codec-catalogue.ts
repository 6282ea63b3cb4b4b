import type { OfferedFormat } from "./offer-types";
import type { AudioCodecName, CodecName, VideoCodecName } from "./sdp-types";

/** Default audio offer order. */
export const DEFAULT_AUDIO_CODECS: readonly AudioCodecName[] = ["PCMU", "PCMA", "G722", "opus"];

/** Default video offer order. */
export const DEFAULT_VIDEO_CODECS: readonly VideoCodecName[] = ["H264", "VP8"];

/**
 * The audio formats we offer, with our payload numbers. G722's RTP clock is 8000 although it
 * samples at 16000 (an RFC 3551 quirk that every implementation keeps).
 */
export const AUDIO_FORMATS: Readonly<Record<AudioCodecName, OfferedFormat>> = {
  PCMU: { payloadType: 0, codec: "PCMU", clockRate: 8000, channels: 1 },
  PCMA: { payloadType: 8, codec: "PCMA", clockRate: 8000, channels: 1 },
  G722: { payloadType: 9, codec: "G722", clockRate: 8000, channels: 1 },
  opus: { payloadType: 111, codec: "opus", clockRate: 48000, channels: 2, fmtp: "useinbandfec=1" },
};

/** RFC 4733 events, always offered with audio. */
export const TELEPHONE_EVENT: OfferedFormat = {
  payloadType: 101,
  codec: "telephone-event",
  clockRate: 8000,
  channels: 1,
  fmtp: "0-16",
};

/** RFC 4733 events on opus's 48 kHz clock (RFC 4733 §2.1: the event clock should be the audio codec's), offered beside opus. */
export const TELEPHONE_EVENT_48K: OfferedFormat = { ...TELEPHONE_EVENT, payloadType: 110, clockRate: 48000 };

/** The video formats we offer per codec: H264 in packetization mode 1 and then 0. */
export const VIDEO_FORMATS: Readonly<Record<VideoCodecName, readonly OfferedFormat[]>> = {
  H264: [
    { payloadType: 96, codec: "H264", clockRate: 90000, channels: 1, fmtp: "profile-level-id=42e01f;packetization-mode=1" },
    { payloadType: 97, codec: "H264", clockRate: 90000, channels: 1, fmtp: "profile-level-id=42e01f;packetization-mode=0" },
  ],
  VP8: [{ payloadType: 98, codec: "VP8", clockRate: 90000, channels: 1 }],
};

/** Static payload numbers (RFC 3551) a peer may use without an rtpmap line. */
export const STATIC_PAYLOADS: ReadonlyMap<number, { name: string; clockRate: number; channels: number }> = new Map([
  [0, { name: "PCMU", clockRate: 8000, channels: 1 }],
  [8, { name: "PCMA", clockRate: 8000, channels: 1 }],
  [9, { name: "G722", clockRate: 8000, channels: 1 }],
]);

const CANONICAL: ReadonlyMap<string, CodecName | "telephone-event"> = new Map(
  (["PCMU", "PCMA", "G722", "opus", "H264", "VP8", "telephone-event"] as const).map((n) => [n.toLowerCase(), n]),
);

/** Our canonical spelling of an SDP encoding name (matched case-insensitively), or undefined if we do not support it. */
export function canonicalCodec(encodingName: string): CodecName | "telephone-event" | undefined {
  return CANONICAL.get(encodingName.toLowerCase());
}

/** The RTP clock rate we require for a supported codec. */
export function expectedClockRate(codec: CodecName | "telephone-event"): number | undefined {
  switch (codec) {
    case "PCMU":
    case "PCMA":
    case "G722":
      return 8000;
    case "opus":
      return 48000;
    case "H264":
    case "VP8":
      return 90000;
    case "telephone-event":
      return undefined; // follows the audio codec's clock; checked by the caller
  }
}
