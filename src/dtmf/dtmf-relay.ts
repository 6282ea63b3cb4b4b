import type { DtmfDigit } from "./dtmf-digits";

/** The Content-Type of SIP INFO DTMF (the Cisco/Asterisk/FreeSWITCH de-facto format; no RFC). */
export const DTMF_RELAY_CONTENT_TYPE = "application/dtmf-relay";

/**
 * The body of a SIP INFO `application/dtmf-relay` request: `Signal=5\r\nDuration=160`.
 * The key is sent as its character (`*`, `#`, `A`), which Asterisk, FreeSWITCH and baresip read.
 */
export function dtmfRelayBody(digit: DtmfDigit, durationMs: number): string {
  return `Signal=${digit}\r\nDuration=${Math.round(durationMs)}`;
}
