import { write, type SdpMedia, type SdpSession } from "sdp-transform";
import { ConfigError } from "../errors";
import { AUDIO_FORMATS, DEFAULT_AUDIO_CODECS, DEFAULT_VIDEO_CODECS, TELEPHONE_EVENT, TELEPHONE_EVENT_48K, VIDEO_FORMATS } from "./codec-catalogue";
import type { LocalOffer, OfferOptions, OfferedMedia } from "./offer-types";
import { formatSection } from "./format-section";
import { cryptoLine } from "../srtp/sdes-crypto";

/**
 * Builds our SDP offer: RTP/AVP (no ICE, no DTLS, no rtcp-mux), one m=audio and/or one
 * m=video line, only the codecs listed in the options. With `srtp`, the protocol it names and
 * one `a=crypto` line per key.
 *
 * @remarks
 * Audio: the chosen codecs with PCMU 0, PCMA 8, G722 9, opus 111, always telephone-event 101
 * (8 kHz) and, with opus, telephone-event 110 on opus's 48 kHz clock; `a=ptime:20`. Video: H264 96 (packetization-mode 1) and 97 (mode 0), VP8 98, with generic
 * NACK, PLI and FIR feedback for every payload.
 * @throws ConfigError when a port or the address is unusable, or a codec list is empty.
 */
export function buildOffer(o: OfferOptions): LocalOffer {
  checkOptions(o);
  const sessionId = o.sessionId ?? Math.floor(Math.random() * 0x7fffffff) + 1;
  const sessionVersion = o.sessionVersion ?? 1;
  const offered: OfferedMedia[] = [];
  if (o.audioPort !== undefined) {
    const codecs = o.audioCodecs ?? DEFAULT_AUDIO_CODECS;
    const formats = [...new Set(codecs)].map((c) => AUDIO_FORMATS[c]);
    const events = codecs.includes("opus") ? [TELEPHONE_EVENT, TELEPHONE_EVENT_48K] : [TELEPHONE_EVENT];
    offered.push({ kind: "audio", mlineIndex: offered.length, port: o.audioPort, formats: [...formats, ...events] });
  }
  if (o.videoPort !== undefined) {
    const codecs = o.videoCodecs ?? DEFAULT_VIDEO_CODECS;
    const formats = [...new Set(codecs)].flatMap((c) => VIDEO_FORMATS[c]);
    offered.push({ kind: "video", mlineIndex: offered.length, port: o.videoPort, formats });
  }
  const session: SdpSession = {
    version: 0,
    origin: { username: o.userName ?? "sipcast", sessionId, sessionVersion, netType: "IN", ipVer: 4, address: o.address },
    name: "sipcast",
    connection: { version: 4, ip: o.address },
    timing: { start: 0, stop: 0 },
    media: offered.map((m) => offerSection(m, o)),
  };
  const audio = offered.find((m) => m.kind === "audio");
  const video = offered.find((m) => m.kind === "video");
  return { sdp: write(session), sessionId, sessionVersion, address: o.address, hasAudio: audio !== undefined, hasVideo: video !== undefined, audio, video, ...(o.srtp ? { srtp: o.srtp } : {}) };
}

function offerSection(m: OfferedMedia, o: OfferOptions): SdpMedia {
  const section = formatSection(m.kind, m.port, o.srtp?.protocol ?? "RTP/AVP", m.formats);
  const keys = o.srtp?.keys[m.kind] ?? [];
  if (keys.length > 0) section.crypto = keys.map(cryptoLine);
  if (m.kind === "audio") section.ptime = 20;
  else section.rtcpFb = [
    { payload: "*", type: "nack" },
    { payload: "*", type: "nack", subtype: "pli" },
    { payload: "*", type: "ccm", subtype: "fir" },
  ];
  section.direction = "sendrecv";
  return section;
}

function checkOptions(o: OfferOptions): void {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(o.address)) throw new ConfigError(`buildOffer: address must be an IPv4 address, got "${o.address}"`);
  for (const [name, port] of [["audioPort", o.audioPort], ["videoPort", o.videoPort]] as const) {
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65535)) {
      throw new ConfigError(`buildOffer: ${name} must be an integer in 1..65534, got ${port}`);
    }
  }
  if (o.audioPort === undefined && o.videoPort === undefined) throw new ConfigError("buildOffer: give audioPort, videoPort or both");
  if (o.audioCodecs !== undefined && o.audioCodecs.length === 0) throw new ConfigError("buildOffer: audioCodecs is empty");
  if (o.videoCodecs !== undefined && o.videoCodecs.length === 0) throw new ConfigError("buildOffer: videoCodecs is empty");
}
