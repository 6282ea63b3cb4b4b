import { ConfigError } from "../errors";

/**
 * Media encryption of an account's calls (SDES-SRTP, RFC 4568).
 * - `off`: plain RTP/AVP, no keys in the SDP.
 * - `offered`: RTP/AVP with `a=crypto` lines; a peer that answers with a key gets SRTP, one
 *   that ignores them gets plain RTP (best effort).
 * - `required`: RTP/SAVP; a peer that answers without a usable key fails the call (SRTP_REFUSED).
 */
export type SrtpMode = "off" | "offered" | "required";
export const SRTP_MODES: readonly SrtpMode[] = ["off", "offered", "required"];

/** Checks a user-given mode; `field` names the option in the error. */
export function parseSrtpMode(value: unknown, field = "srtp"): SrtpMode {
  if (typeof value === "string" && (SRTP_MODES as readonly string[]).includes(value)) return value as SrtpMode;
  throw new ConfigError(`${field}: expected one of ${SRTP_MODES.join(", ")}, got ${JSON.stringify(value)}`);
}
