import { SipcastError } from "../../errors";

/** A WHEP request that cannot be served; `status` is the HTTP status to answer with. */
export class WhepError extends SipcastError {
  constructor(
    readonly status: 400 | 404 | 406 | 409 | 413 | 415 | 429 | 503,
    message: string,
  ) {
    super(message, "WHEP_REFUSED");
  }
}
