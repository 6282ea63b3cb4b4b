/** Where the caller wants each medium, read from its SDP offer. */
export interface OfferedMedia {
  address: string;
  /** The m= lines of the offer, in order (the answer must have the same). */
  order: Array<"audio" | "video">;
  audio?: { port: number; rtcpPort: number; payloadType: number };
  video?: { port: number; rtcpPort: number; payloadType: number };
}

/**
 * Reads an offer well enough for the bench: c= address, the m=audio/m=video ports, the
 * payload number of PCMU and of H.264 packetization-mode 1. (The engine's own src/sdp would
 * do, but the peer is meant to be a separate, dumb party: it does not share the engine's code.)
 */
export function readOffer(sdp: string): OfferedMedia {
  const lines = sdp.split(/\r?\n/);
  let address = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1] ?? "127.0.0.1";
  const out: OfferedMedia = { address, order: [] };
  let kind: "audio" | "video" | undefined;
  let port = 0;
  let rtcpPort: number | undefined;
  const rtpmap = new Map<number, string>();
  const fmtp = new Map<number, string>();
  let formats: number[] = [];
  const flush = (): void => {
    if (kind === undefined || port === 0) return;
    const rtcp = rtcpPort ?? port + 1;
    if (kind === "audio") {
      const pt = formats.find((f) => f === 0 || /^PCMU\/8000/i.test(rtpmap.get(f) ?? ""));
      if (pt !== undefined) out.audio = { port, rtcpPort: rtcp, payloadType: pt };
    } else {
      const pt = formats.find((f) => /^H264\/90000/i.test(rtpmap.get(f) ?? "") && /packetization-mode=1/.test(fmtp.get(f) ?? ""));
      if (pt !== undefined) out.video = { port, rtcpPort: rtcp, payloadType: pt };
    }
  };
  for (const line of lines) {
    const m = /^m=(audio|video) (\d+) \S+ (.*)$/.exec(line);
    if (m) {
      flush();
      kind = m[1] as "audio" | "video";
      out.order.push(kind);
      port = Number(m[2]);
      rtcpPort = undefined;
      formats = (m[3] ?? "").trim().split(/\s+/).map(Number);
      rtpmap.clear();
      fmtp.clear();
      continue;
    }
    const map = /^a=rtpmap:(\d+) (\S+)/.exec(line);
    if (map) rtpmap.set(Number(map[1]), map[2] as string);
    const fm = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (fm) fmtp.set(Number(fm[1]), fm[2] as string);
    const rtcp = /^a=rtcp:(\d+)/.exec(line);
    if (rtcp) rtcpPort = Number(rtcp[1]);
    const c = /^c=IN IP4 (\S+)/.exec(line);
    if (c && kind !== undefined) address = c[1] as string;
  }
  flush();
  out.address = address;
  return out;
}

/** Our answer: PCMU and H.264 (the recording's codecs) on the peer's shared ports, or port 0 for a medium we cannot take. */
export function buildAnswer(offer: OfferedMedia, ports: { audio: number; video: number }, sessionId: number): string {
  const lines = ["v=0", `o=benchpeer ${sessionId} 1 IN IP4 127.0.0.1`, "s=bench", "c=IN IP4 127.0.0.1", "t=0 0"];
  for (const kind of offer.order) {
    if (kind === "audio" && offer.audio) {
      const pt = offer.audio.payloadType;
      lines.push(`m=audio ${ports.audio} RTP/AVP ${pt}`, `a=rtpmap:${pt} PCMU/8000`, "a=ptime:20", "a=sendrecv");
    } else if (kind === "video" && offer.video) {
      const pt = offer.video.payloadType;
      lines.push(`m=video ${ports.video} RTP/AVP ${pt}`, `a=rtpmap:${pt} H264/90000`, `a=fmtp:${pt} profile-level-id=42e01f;packetization-mode=1`, `a=rtcp-fb:${pt} nack pli`, `a=rtcp-fb:${pt} ccm fir`, "a=sendrecv");
    } else {
      lines.push(`m=${kind} 0 RTP/AVP ${kind === "audio" ? 0 : 96}`);
    }
  }
  return `${lines.join("\r\n")}\r\n`;
}
