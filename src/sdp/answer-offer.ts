import { parseParams, write, type SdpMedia } from "sdp-transform";
import type { NegotiatedMedia, NegotiatedStream } from "./negotiated-types";
import type { OfferedFormat } from "./offer-types";
import { formatSection } from "./format-section";
import { parseSdp, type CheckedMedia, type CheckedSession } from "./parse-sdp";
import { isSupportedMediaFormat, packetizationMode, remoteFormats, type RemoteFormat } from "./remote-formats";
import { readFeedback, readRemoteTransport } from "./remote-transport";
import { SdpError } from "./sdp-error";
import type { CodecName, Direction, MediaKind } from "./sdp-types";

/** Our side of an answer: the ports we already use and the o= line of our previous SDP. */
export interface AnswerLocal {
  address: string;
  audioPort?: number;
  videoPort?: number;
  sessionId: number;
  /** The o= version of our previous SDP; the answer carries this + 1. */
  sessionVersion: number;
  /** SDES-SRTP: lines with a usable key are answered with ours. Absent: SRTP lines are rejected. */
  srtp?: SdesAnswerPolicy;
  /** Audio codecs we accept (in the peer's order); default every one we support. */
  audioCodecs?: readonly CodecName[];
}

/** Our answer to a peer's offer. */
export interface OfferAnswer {
  sdp: string;
  media: NegotiatedMedia;
  /** The o= version used in `sdp` (pass it in next time). */
  sessionVersion: number;
}

import { cryptoLine } from "../srtp/sdes-crypto";
import { offeredCrypto, PLAIN_PROTOCOLS, SECURE_PROTOCOLS, type NegotiatedSrtp, type SdesAnswerPolicy } from "./sdes-media";

/** RFC 3264 section 6.1: the answer's direction mirrors the offer's. */
const ANSWER_DIRECTION: Readonly<Record<Direction, Direction>> = {
  sendrecv: "sendrecv",
  sendonly: "recvonly",
  recvonly: "sendonly",
  inactive: "inactive",
};

/**
 * Answers an offer from the peer (a re-INVITE, including hold and unhold), keeping our ports.
 *
 * @remarks
 * Per m= line, in the peer's order: the first audio and the first video line we have a port for
 * get the first codec of the peer's list that we support (audio PCMU, PCMA, G722, opus plus
 * telephone-event; video H264 in packetization mode 0/1, VP8), with the peer's payload number.
 * With `srtp`, a line that offers a usable `a=crypto` key (RTP/SAVP, or RTP/AVP as a best-effort
 * offer) is answered with the same protocol and our key for the suite it chose first; RTP/SAVP
 * without a usable key, and with `srtp.required` any line without one, is rejected.
 * Every other line (m=application, a kind without a port, SRTP without `srtp`, no common codec) is rejected
 * with port 0. Hold mirrors the peer's direction. rtcp-mux is never accepted, so the peer sends
 * RTCP to port + 1 as before.
 * @throws SdpError NO_COMMON_CODECS when no line is usable, MALFORMED_SDP when unreadable.
 */
export function answerOffer(remoteOfferSdp: string, local: AnswerLocal): OfferAnswer {
  const session = parseSdp(remoteOfferSdp, "offer");
  const media: NegotiatedMedia = {};
  let refused = false;
  const sections = session.media.map((m, index) => {
    const answered = answerSection(session, m, index, local, media);
    if (answered === "refused") refused = true;
    if (answered === undefined || answered === "refused") return rejectedSection(m);
    media[answered.stream.kind] = answered.stream;
    return answered.section;
  });
  if (media.audio === undefined && media.video === undefined) {
    if (refused) throw new SdpError("SRTP_REFUSED", "SRTP is required and the offer has no usable a=crypto key");
    throw new SdpError("NO_COMMON_CODECS", "The offer has no audio or video line with a codec we support");
  }
  const sessionVersion = local.sessionVersion + 1;
  const sdp = write({
    version: 0,
    origin: { username: "sipcast", sessionId: local.sessionId, sessionVersion, netType: "IN", ipVer: 4, address: local.address },
    name: "sipcast",
    connection: { version: 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: sections,
  });
  return { sdp, media, sessionVersion };
}

function answerSection(
  session: CheckedSession,
  m: CheckedMedia,
  index: number,
  local: AnswerLocal,
  done: NegotiatedMedia,
): { section: SdpMedia; stream: NegotiatedStream } | "refused" | undefined {
  const kind = mediaKind(m.type);
  if (kind === undefined || done[kind] !== undefined) return undefined;
  const localPort = kind === "audio" ? local.audioPort : local.videoPort;
  const protocol = m.protocol.toUpperCase();
  if (localPort === undefined || m.port === 0 || !(PLAIN_PROTOCOLS.has(protocol) || SECURE_PROTOCOLS.has(protocol))) return undefined;
  const formats = remoteFormats(m);
  const allowed = kind === "audio" ? local.audioCodecs : undefined;
  const chosen = formats.filter(isSupportedMediaFormat).find((f) => allowed === undefined || allowed.includes(f.codec));
  if (chosen === undefined) return undefined;
  const remoteKey = local.srtp ? offeredCrypto(m, local.srtp.accepts?.bind(local.srtp)) : undefined;
  const srtp: NegotiatedSrtp | undefined =
    local.srtp && remoteKey ? { suite: remoteKey.suite, remote: remoteKey, local: { ...local.srtp.localKeyFor(kind, remoteKey.suite), tag: remoteKey.tag } } : undefined;
  if (!srtp && (SECURE_PROTOCOLS.has(protocol) || local.srtp?.required)) return local.srtp ? "refused" : undefined;

  const transport = readRemoteTransport(session, m, "offer", false);
  const event = kind === "audio" ? pickTelephoneEvent(formats, chosen.clockRate) : undefined;
  const feedback = kind === "video" ? readFeedback(m, chosen.payloadType) : { nack: false, pli: false, fir: false };

  const answerFormats: OfferedFormat[] = [answerFormat(chosen)];
  if (event !== undefined) answerFormats.push({ ...event, codec: "telephone-event", channels: 1, fmtp: event.fmtp ?? "0-16" });
  const section = formatSection(kind, localPort, m.protocol, answerFormats);
  if (srtp) section.crypto = [cryptoLine(srtp.local)];
  if (kind === "audio") section.ptime = 20;
  const fb = m.rtcpFb?.find((f) => f.payload === "*") === undefined ? chosen.payloadType : "*";
  section.rtcpFb = [
    ...(feedback.nack ? [{ payload: fb, type: "nack" }] : []),
    ...(feedback.pli ? [{ payload: fb, type: "nack", subtype: "pli" }] : []),
    ...(feedback.fir ? [{ payload: fb, type: "ccm", subtype: "fir" }] : []),
  ];
  section.direction = ANSWER_DIRECTION[transport.remoteDirection];

  const stream: NegotiatedStream = {
    kind,
    mlineIndex: index,
    codec: chosen.codec,
    payloadType: chosen.payloadType,
    receivePayloadTypes: [chosen.payloadType],
    clockRate: chosen.clockRate,
    channels: kind === "audio" ? chosen.channels : 1,
    ...(chosen.fmtp === undefined ? {} : { fmtp: chosen.fmtp }),
    ...(event === undefined ? {} : { telephoneEvent: { payloadType: event.payloadType, clockRate: event.clockRate } }),
    ...transport,
    feedback,
    localPort,
    ...(srtp ? { srtp } : {}),
  };
  return { section, stream };
}

function mediaKind(type: string): MediaKind | undefined {
  const t = type.toLowerCase();
  return t === "audio" || t === "video" ? t : undefined;
}

/** RFC 4733 wants the event clock to match the audio codec's; 8000 is the fallback every peer knows. */
function pickTelephoneEvent(formats: RemoteFormat[], clockRate: number): RemoteFormat | undefined {
  const events = formats.filter((f) => f.codec === "telephone-event");
  return events.find((f) => f.clockRate === clockRate) ?? events.find((f) => f.clockRate === 8000);
}

/** Our answer's format for the peer's chosen one: the peer's number, our canonical name and our fmtp. */
function answerFormat(f: RemoteFormat & { codec: CodecName }): OfferedFormat {
  const base = { payloadType: f.payloadType, codec: f.codec, clockRate: f.clockRate, channels: f.channels };
  if (f.codec === "opus") return { ...base, fmtp: "useinbandfec=1" };
  if (f.codec === "H264") {
    const profile = f.fmtp === undefined ? undefined : parseParams(f.fmtp)["profile-level-id"];
    return { ...base, fmtp: `profile-level-id=${profile ?? "42e01f"};packetization-mode=${packetizationMode(f.fmtp)}` };
  }
  return base;
}

/** RFC 3264 section 6: a rejected stream keeps its type, protocol and formats, with port 0. */
function rejectedSection(m: CheckedMedia): SdpMedia {
  const payloads = m.payloads === undefined || String(m.payloads).trim() === "" ? "0" : String(m.payloads).trim();
  return { type: m.type, port: 0, protocol: m.protocol, payloads, rtp: [], fmtp: [] };
}
