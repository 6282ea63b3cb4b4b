import * as sdpTransform from "sdp-transform";
import type { NegotiatedMedia, NegotiatedStream } from "../../sdp";
import { WhepError } from "./whep-error";

/** The one format of a browser's offer that a viewer sends on an m-line. */
export interface ViewerFormat {
  kind: "audio" | "video";
  /** The browser's payload type for it. */
  payloadType: number;
  /** Encoding name as the browser spelled it (e.g. "H264", "opus"). */
  codec: string;
  clockRate: number;
  channels?: number;
  /** The browser's fmtp for that payload type (what the answer repeats). */
  fmtp?: string;
  /** True when the call sends this medium (otherwise the m-line stays silent). */
  fed: boolean;
}

/** The offer reduced to one format per m-line, and those formats. */
export interface NarrowedOffer {
  sdp: string;
  formats: ViewerFormat[];
}

/** The profile-level-id browsers (and most SIP video phones) use: Constrained Baseline, level 3.1. */
const CONSTRAINED_BASELINE = "42e01f";

/**
 * Keeps, on each audio and video m-line of a browser's WHEP offer, only the format that carries
 * the call's codec as it is, so the answer (werift answers every offered format whose MIME type it
 * knows) names exactly what the viewer will get: no transcoding, no RTX, no telephone-event.
 *
 * @remarks
 * H.264 is sent as the call sends it; RFC 6184 packetization-mode 1 admits the single NAL unit,
 * STAP-A and FU-A packets of any sender, so a mode-1 format is chosen (the call's profile-level-id
 * first, then Constrained Baseline, then any). An m-line of a medium the call lacks keeps its
 * first format and gets no packets. An offer without the call's codec is refused with 406.
 */
export function narrowOffer(offerSdp: string, media: NegotiatedMedia): NarrowedOffer {
  let session: sdpTransform.SdpSession;
  try {
    session = sdpTransform.parse(offerSdp);
  } catch (error) {
    throw new WhepError(400, `the SDP offer cannot be read: ${(error as Error).message}`);
  }
  if (!session.media?.length || !/^v=0/.test(offerSdp.trimStart())) throw new WhepError(400, "the SDP offer has no media");
  const formats: ViewerFormat[] = [];
  for (const m of session.media) {
    if (m.type !== "audio" && m.type !== "video") continue;
    if (Number(m.port) === 0) continue;
    const stream = media[m.type];
    const offered = (m.rtp ?? []).map((r) => ({ ...r, fmtp: fmtpText(m.fmtp?.find((f) => f.payload === r.payload)?.config) }));
    const chosen = stream ? pickFormat(offered, stream) : offered.find((r) => !/^(rtx|red|ulpfec|telephone-event|cn)$/i.test(r.codec));
    if (!chosen) {
      if (stream) throw new WhepError(406, `the offer's ${m.type} has no ${describe(stream)}, the codec the call sends (sipcast forwards it without transcoding)`);
      continue;
    }
    m.rtp = (m.rtp ?? []).filter((r) => r.payload === chosen.payload);
    m.fmtp = (m.fmtp ?? []).filter((f) => f.payload === chosen.payload);
    m.rtcpFb = (m.rtcpFb ?? []).filter((f) => String(f.payload) === String(chosen.payload) || f.payload === "*");
    m.payloads = String(chosen.payload);
    formats.push({
      kind: m.type,
      payloadType: chosen.payload,
      codec: chosen.codec,
      clockRate: chosen.rate ?? (m.type === "video" ? 90000 : 8000),
      ...(chosen.encoding !== undefined ? { channels: Number(chosen.encoding) } : {}),
      ...(chosen.fmtp !== undefined ? { fmtp: chosen.fmtp } : {}),
      fed: stream !== undefined,
    });
  }
  if (formats.length === 0) throw new WhepError(400, "the SDP offer has no audio or video to receive");
  return { sdp: sdpTransform.write(session), formats };
}

interface OfferedFormat {
  payload: number;
  codec: string;
  rate?: number;
  encoding?: string | number;
  fmtp?: string;
}

function describe(stream: NegotiatedStream): string {
  return stream.codec === "H264" ? "H264 packetization-mode 1" : stream.codec;
}

function pickFormat(offered: OfferedFormat[], stream: NegotiatedStream): OfferedFormat | undefined {
  const same = offered.filter((r) => r.codec.toLowerCase() === stream.codec.toLowerCase());
  if (stream.codec !== "H264") return same.find((r) => r.rate === undefined || r.rate === stream.clockRate);
  const mode1 = same.filter((r) => fmtpValue(r.fmtp, "packetization-mode") === "1");
  const wanted = fmtpValue(stream.fmtp, "profile-level-id")?.toLowerCase();
  const byProfile = (profile: string | undefined): OfferedFormat | undefined =>
    profile === undefined ? undefined : mode1.find((r) => fmtpValue(r.fmtp, "profile-level-id")?.toLowerCase() === profile);
  return byProfile(wanted) ?? byProfile(CONSTRAINED_BASELINE) ?? mode1[0];
}

function fmtpText(config: sdpTransform.SdpScalar | undefined): string | undefined {
  return config === undefined ? undefined : String(config);
}

/** One parameter of an fmtp line (`a=b;c=d`), undefined when absent. */
export function fmtpValue(fmtp: string | undefined, name: string): string | undefined {
  for (const part of (fmtp ?? "").split(";")) {
    const [key, value] = part.split("=").map((s) => s.trim());
    if (key?.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}
