import { parseParams, type SdpMedia } from "sdp-transform";
import { STATIC_PAYLOADS, canonicalCodec, expectedClockRate } from "./codec-catalogue";
import type { OfferedFormat } from "./offer-types";
import type { CodecName } from "./sdp-types";

/** One payload format of a peer's m= line, as its rtpmap (or the static table) describes it. */
export interface RemoteFormat {
  payloadType: number;
  /** Our canonical name when we know the encoding name, else undefined. */
  codec?: CodecName | "telephone-event";
  clockRate: number;
  channels: number;
  fmtp?: string;
}

/**
 * The payload numbers of an m= line, in order.
 *
 * @remarks
 * Hand-written rather than sdp-transform's `parsePayloads`: that one splits on single spaces, so
 * a doubled space yields a spurious payload 0 (`Number("")`).
 */
export function payloadNumbers(media: SdpMedia): number[] {
  const text = media.payloads === undefined ? "" : String(media.payloads).trim();
  if (text === "") return [];
  return text
    .split(/\s+/)
    .filter((t) => /^\d+$/.test(t))
    .map(Number);
}

/** Describes every payload of an m= line in m= order; payloads with neither rtpmap nor static meaning are left out. */
export function remoteFormats(media: SdpMedia): RemoteFormat[] {
  const formats: RemoteFormat[] = [];
  for (const pt of payloadNumbers(media)) {
    const map = media.rtp.find((r) => r.payload === pt);
    const fmtpEntry = media.fmtp.find((f) => f.payload === pt);
    const fmtp = fmtpEntry === undefined ? undefined : String(fmtpEntry.config).trim();
    if (map !== undefined) {
      const channels = map.encoding === undefined ? 1 : Number(map.encoding);
      formats.push({
        payloadType: pt,
        codec: canonicalCodec(map.codec),
        clockRate: map.rate ?? 0,
        channels: Number.isInteger(channels) && channels > 0 ? channels : 1,
        fmtp,
      });
      continue;
    }
    const fixed = STATIC_PAYLOADS.get(pt);
    if (fixed !== undefined) {
      formats.push({ payloadType: pt, codec: canonicalCodec(fixed.name), clockRate: fixed.clockRate, channels: fixed.channels, fmtp });
    }
  }
  return formats;
}

/** H.264 packetization-mode from an fmtp (RFC 6184: absent means 0); NaN when unreadable. */
export function packetizationMode(fmtp: string | undefined): number {
  if (fmtp === undefined) return 0;
  const value = parseParams(fmtp)["packetization-mode"];
  if (value === undefined) return 0;
  return typeof value === "number" ? value : Number.NaN;
}

/** Whether we can receive this media format: a codec we know at its RTP clock, H.264 only in packetization mode 0 or 1. */
export function isSupportedMediaFormat(f: RemoteFormat): f is RemoteFormat & { codec: CodecName } {
  if (f.codec === undefined || f.codec === "telephone-event") return false;
  if (f.clockRate !== expectedClockRate(f.codec)) return false;
  if (f.codec === "H264") {
    const mode = packetizationMode(f.fmtp);
    return mode === 0 || mode === 1;
  }
  return true;
}

/**
 * Whether a peer's format is the same as one we offered: by encoding name and clock rate, never by
 * payload number (peers renumber dynamic payloads). For H.264 the packetization modes must agree;
 * the profile may differ.
 */
export function matchesOffered(f: RemoteFormat, offered: OfferedFormat): boolean {
  if (f.codec !== offered.codec || f.clockRate !== offered.clockRate) return false;
  if (offered.codec === "H264") return isSupportedMediaFormat(f) && packetizationMode(f.fmtp) === packetizationMode(offered.fmtp);
  return true;
}
