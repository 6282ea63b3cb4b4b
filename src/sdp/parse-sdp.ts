import { parse, type SdpMedia, type SdpSession } from "sdp-transform";
import { SdpError } from "./sdp-error";

/** A parsed SDP whose m= lines all have a type, a numeric port and a protocol. */
export interface CheckedMedia extends SdpMedia {
  type: string;
  port: number;
  protocol: string;
}

/** A parsed SDP that passed {@link parseSdp}'s checks. */
export interface CheckedSession extends SdpSession {
  media: CheckedMedia[];
}

/**
 * Parses a peer's SDP and checks the parts sdp-transform leaves to us.
 *
 * @remarks
 * sdp-transform never throws: it drops lines it cannot read (an m= line with a bad port becomes a
 * section without type). So a `v=` line and readable m= lines are checked here; c= is checked
 * per used medium by the callers.
 * @param what - names the SDP in error messages ("answer", "offer").
 * @throws SdpError MALFORMED_SDP
 */
export function parseSdp(text: string, what: string): CheckedSession {
  if (typeof text !== "string" || !/^v=/m.test(text)) {
    throw new SdpError("MALFORMED_SDP", `The ${what} is not SDP (no v= line)`);
  }
  const session = parse(text);
  if (session.version === undefined) {
    throw new SdpError("MALFORMED_SDP", `The ${what} has an unreadable v= line`);
  }
  session.media.forEach((m, index) => {
    if (typeof m.type !== "string" || m.type === "" || typeof m.port !== "number" || !m.protocol) {
      throw new SdpError("MALFORMED_SDP", `The ${what} has an unreadable m= line (#${index})`);
    }
  });
  return session as CheckedSession;
}
