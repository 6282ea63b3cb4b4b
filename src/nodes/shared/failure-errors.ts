import { CallStatus, type CallStateEvent, type PublishEvent } from "node-red-contrib-sipcast";

/**
 * The errors a node raises (`node.error(err, msg)`, so Catch nodes get them) for failures that happen
 * after the input message was done: a call that ended BUSY or FAILED, an output given up after its
 * reconnect attempts. A normal end (FINISH, STOPPED) is no error.
 */

/** A call this node placed ended BUSY or FAILED. */
export class CallEndedError extends Error {
  readonly callId: string;
  readonly status: CallStatus;
  readonly reason: string;

  constructor(event: CallStateEvent) {
    const sip = event.sipStatus > 0 ? ` (SIP ${event.sipStatus}${event.sipMessage ? ` ${event.sipMessage}` : ""})` : "";
    super(`call ${event.callId} ended ${event.status}: ${event.reason || "no reason given"}${sip}${event.detail ? `: ${event.detail}` : ""}`);
    this.name = "CallEndedError";
    this.callId = event.callId;
    this.status = event.status;
    this.reason = event.reason;
  }
}

/** An output was given up (publish FAILED, after its reconnect attempts or when it could not start). */
export class OutputGivenUpError extends Error {
  readonly callId: string;
  readonly outputId: string;
  readonly reason: string;

  constructor(event: PublishEvent) {
    super(`output ${event.outputId} of call ${event.callId} given up: ${event.reason || "no reason given"}${event.detail ? ` (${event.detail})` : ""}`);
    this.name = "OutputGivenUpError";
    this.callId = event.callId;
    this.outputId = event.outputId;
    this.reason = event.reason;
  }
}

/** True for the final states that are failures (reach Catch), false for FINISH and live states. */
export function isFailedEnd(status: CallStatus): boolean {
  return status === CallStatus.BUSY || status === CallStatus.FAILED;
}
