import { randomBytes } from "node:crypto";
import { isSrtpSuite, SRTP_KEY_MATERIAL_BYTES, type SrtpSuite } from "./srtp-suite";

/** One `a=crypto` line as sdp-transform reads it: `a=crypto:<id> <suite> <config> [<sessionConfig>]`. */
export interface SdpCryptoLine {
  id: number;
  suite: string;
  config: string;
  sessionConfig?: string;
}

/** A usable SDES offer or answer line: the tag, the suite and 30 bytes of master key + salt. */
export interface SdesKey {
  tag: number;
  suite: SrtpSuite;
  /** Master key (16 bytes) followed by master salt (14 bytes). Never log it. */
  keyMaterial: Buffer;
}

/** Fresh key material from the system's CSPRNG, one per call and medium. */
export function newKeyMaterial(): Buffer {
  return randomBytes(SRTP_KEY_MATERIAL_BYTES);
}

/** The `a=crypto` line for our key (sdp-transform form). */
export function cryptoLine(key: SdesKey): SdpCryptoLine {
  return { id: key.tag, suite: key.suite, config: `inline:${key.keyMaterial.toString("base64")}` };
}

/**
 * Reads an `a=crypto` line we can use, or undefined.
 *
 * @remarks
 * Accepted: a suite from SRTP_SUITES and exactly one `inline:` key parameter of 30 bytes, with
 * an optional lifetime (ignored: a call never comes near 2^31 packets). Refused, so that the
 * peer's next line or plain RTP is used instead: several key parameters or an MKI (we keep no
 * key table), and any session parameter (UNENCRYPTED_SRTP, KDR, … change the transform).
 */
export function readCryptoLine(line: SdpCryptoLine): SdesKey | undefined {
  if (!Number.isInteger(line.id) || line.id < 0 || line.id > 999999999) return undefined;
  if (!isSrtpSuite(line.suite) || (line.sessionConfig !== undefined && line.sessionConfig.trim() !== "")) return undefined;
  const config = line.config.trim();
  if (config.includes(";")) return undefined;
  const m = /^inline:([A-Za-z0-9+/]+={0,2})(?:\|(2\^\d+|\d+))?$/.exec(config);
  if (!m) return undefined;
  const keyMaterial = Buffer.from(m[1], "base64");
  if (keyMaterial.length !== SRTP_KEY_MATERIAL_BYTES) return undefined;
  return { tag: line.id, suite: line.suite, keyMaterial };
}
