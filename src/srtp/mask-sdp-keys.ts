/**
 * The SDP with every SDES key replaced by `***`, for logs: `a=crypto:1 AES_CM_128_HMAC_SHA1_80
 * inline:***|2^31`. Anything after the key (lifetime, MKI) stays, as it is no secret.
 */
export function maskSdpKeys(sdp: string): string {
  return sdp.replace(/(inline:)[^|\s;]+/gi, "$1***");
}
