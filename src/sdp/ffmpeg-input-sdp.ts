import { write, type SdpMedia } from "sdp-transform";
import { ConfigError } from "../errors";
import { formatSection } from "./format-section";
import type { NegotiatedMedia, NegotiatedStream } from "./negotiated-types";

/**
 * The SDP file ffmpeg reads: what it will receive on 127.0.0.1 at the given ports.
 *
 * @remarks
 * ONE payload type per m= line (ffmpeg's RTP demuxer takes one per stream, so telephone-event
 * must be dropped before forwarding), with the negotiated number, rtpmap and fmtp. RTCP is
 * expected at port + 1 (ffmpeg's default). A kind appears when it was negotiated and a port is
 * given for it.
 * @throws ConfigError when that leaves no m= line.
 */
export function ffmpegInputSdp(media: NegotiatedMedia, ports: { audio?: number; video?: number }): string {
  const sections: SdpMedia[] = [];
  if (media.audio !== undefined && ports.audio !== undefined) sections.push(section(media.audio, ports.audio));
  if (media.video !== undefined && ports.video !== undefined) sections.push(section(media.video, ports.video));
  if (sections.length === 0) throw new ConfigError("ffmpegInputSdp: no negotiated stream has a port");
  return write({
    version: 0,
    origin: { username: "-", sessionId: 0, sessionVersion: 0, netType: "IN", ipVer: 4, address: "127.0.0.1" },
    name: "sipcast",
    connection: { version: 4, ip: "127.0.0.1" },
    timing: { start: 0, stop: 0 },
    media: sections,
  });
}

function section(s: NegotiatedStream, port: number): SdpMedia {
  if (!(Number.isInteger(port) && port > 0 && port < 65535)) throw new ConfigError(`ffmpegInputSdp: bad ${s.kind} port ${port}`);
  const format = { payloadType: s.payloadType, codec: s.codec, clockRate: s.clockRate, channels: s.channels, fmtp: s.fmtp };
  return formatSection(s.kind, port, "RTP/AVP", [format]);
}
