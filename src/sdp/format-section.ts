import type { SdpMedia } from "sdp-transform";
import type { OfferedFormat } from "./offer-types";

/** An m= section object for sdp-transform's writer with the rtpmap and fmtp lines of the given formats, in order. */
export function formatSection(kind: string, port: number, protocol: string, formats: readonly OfferedFormat[]): SdpMedia {
  return {
    type: kind,
    port,
    protocol,
    payloads: formats.map((f) => f.payloadType).join(" "),
    rtp: formats.map((f) => ({
      payload: f.payloadType,
      codec: f.codec,
      rate: f.clockRate,
      ...(f.channels > 1 ? { encoding: f.channels } : {}),
    })),
    fmtp: formats.flatMap((f) => (f.fmtp === undefined ? [] : [{ payload: f.payloadType, config: f.fmtp }])),
  };
}
