import type { SdpMedia, SdpSession } from "sdp-transform";
import type { RtcpFeedback } from "./negotiated-types";
import { SdpError } from "./sdp-error";
import type { Direction } from "./sdp-types";

/** Where and how a peer's m= section sends and receives. */
export interface RemoteTransport {
  remoteAddress: string;
  remoteRtpPort: number;
  remoteRtcpPort: number;
  rtcpMux: boolean;
  remoteDirection: Direction;
  remoteSsrcs: number[];
}

const DIRECTIONS: readonly string[] = ["sendrecv", "sendonly", "recvonly", "inactive"];

/**
 * Reads address, ports, direction and SSRCs of a used (port ≠ 0) m= section.
 *
 * @remarks
 * RTCP goes to a=rtcp when given, else to the RTP port with rtcp-mux, else to RTP port + 1
 * (RFC 3605, RFC 5761). `honourMux` is false when we answer an offer: we never accept rtcp-mux
 * (our RTCP has its own socket), so the peer must not mux either.
 * A c= of 0.0.0.0 is the RFC 2543 way to put a call on hold: it means "do not send to me", so it
 * turns sendrecv into sendonly and recvonly into inactive.
 * @throws SdpError MALFORMED_SDP when neither the section nor the session has c=.
 */
export function readRemoteTransport(session: SdpSession, media: SdpMedia & { port: number }, what: string, honourMux: boolean): RemoteTransport {
  const address = media.connection?.ip ?? session.connection?.ip;
  if (address === undefined || address === "") {
    throw new SdpError("MALFORMED_SDP", `The ${what} has no c= line for its m=${media.type ?? "?"} section`);
  }
  const rtcpMux = honourMux && media.rtcpMux !== undefined;
  const rtcpAttr = media.rtcp?.port;
  const remoteRtcpPort = typeof rtcpAttr === "number" && rtcpAttr > 0 ? rtcpAttr : rtcpMux ? media.port : media.port + 1;
  return {
    remoteAddress: address,
    remoteRtpPort: media.port,
    remoteRtcpPort,
    rtcpMux,
    remoteDirection: readDirection(session, media, address === "0.0.0.0"),
    remoteSsrcs: readSsrcs(media),
  };
}

function readDirection(session: SdpSession, media: SdpMedia, oldStyleHold: boolean): Direction {
  const raw = media.direction ?? session.direction ?? "sendrecv";
  const direction = (DIRECTIONS.includes(raw) ? raw : "sendrecv") as Direction;
  if (!oldStyleHold) return direction;
  if (direction === "sendrecv") return "sendonly";
  if (direction === "recvonly") return "inactive";
  return direction;
}

function readSsrcs(media: SdpMedia): number[] {
  const ids = new Set<number>();
  for (const line of media.ssrcs ?? []) {
    const id = Number(line.id);
    if (Number.isInteger(id) && id >= 0 && id <= 0xffffffff) ids.add(id);
  }
  return [...ids];
}

/** The RTCP feedback an m= section allows for one payload: `a=rtcp-fb` lines with `*` or that payload number. */
export function readFeedback(media: SdpMedia, payloadType: number): RtcpFeedback {
  const feedback: RtcpFeedback = { nack: false, pli: false, fir: false };
  for (const fb of media.rtcpFb ?? []) {
    if (fb.payload !== "*" && Number(fb.payload) !== payloadType) continue;
    const type = fb.type.toLowerCase();
    const subtype = fb.subtype?.toLowerCase();
    if (type === "nack" && subtype === undefined) feedback.nack = true;
    else if (type === "nack" && subtype === "pli") feedback.pli = true;
    else if (type === "ccm" && subtype === "fir") feedback.fir = true;
  }
  return feedback;
}
