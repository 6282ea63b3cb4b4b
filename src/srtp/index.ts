/** SDES-SRTP (RFC 4568 keys in SDP, RFC 3711 SRTP/SRTCP) for the calls' media. */
export * from "./srtp-suite";
export * from "./srtp-mode";
export { maskSdpKeys } from "./mask-sdp-keys";
export { SrtpTransform } from "./srtp-transform";
export { CallKeys } from "./call-keys";
export { newKeyMaterial, readCryptoLine, cryptoLine, type SdesKey, type SdpCryptoLine } from "./sdes-crypto";
