/**
 * The SDES crypto suites sipcast offers and accepts (RFC 4568 §6.2), strongest first.
 *
 * @remarks
 * Both use a 128-bit AES-CM master key and a 112-bit master salt (30 bytes in `inline:`). They
 * differ only in the SRTP authentication tag: 80 or 32 bits. SRTCP always carries an 80-bit tag
 * (RFC 4568 §6.2.2 for _32), so only RTP differs between them.
 */
export const SRTP_SUITES = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"] as const;
export type SrtpSuite = (typeof SRTP_SUITES)[number];

/** Master key (16) + master salt (14) bytes, the key material of one `inline:` parameter. */
export const SRTP_MASTER_KEY_BYTES = 16;
export const SRTP_MASTER_SALT_BYTES = 14;
export const SRTP_KEY_MATERIAL_BYTES = SRTP_MASTER_KEY_BYTES + SRTP_MASTER_SALT_BYTES;

/** Bytes of the SRTP (RTP) authentication tag of a suite. */
export function srtpTagBytes(suite: SrtpSuite): number {
  return suite === "AES_CM_128_HMAC_SHA1_32" ? 4 : 10;
}

export function isSrtpSuite(value: string): value is SrtpSuite {
  return (SRTP_SUITES as readonly string[]).includes(value);
}
