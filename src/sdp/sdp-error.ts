import { SipcastError } from "../errors";

/** Why an SDP could not be used. */
export type SdpErrorCode = "NO_COMMON_CODECS" | "MALFORMED_SDP" | "UNRESOLVED_ADDRESS" | "SRTP_REFUSED";

/**
 * An SDP (answer or offer) from the peer could not be used.
 *
 * @remarks
 * `NO_COMMON_CODECS`: no medium ended up usable (all rejected, or no codec in common).
 * `MALFORMED_SDP`: the text is not SDP, an m= line cannot be read, or a used medium has no c= address.
 * `UNRESOLVED_ADDRESS`: a c= line names a host that did not resolve (in time) to an address.
 * `SRTP_REFUSED`: SRTP is required and the peer answered or offered no usable `a=crypto` key.
 */
export class SdpError extends SipcastError {
  declare readonly code: SdpErrorCode;

  constructor(code: SdpErrorCode, message: string) {
    super(message, code);
  }
}
