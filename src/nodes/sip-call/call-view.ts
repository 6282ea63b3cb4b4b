import { CallStatus, type CallStateEvent } from "node-red-contrib-sipcast";
import { t } from "../shared/i18n";
import { statusText } from "../shared/input-handler";
import type { NodeStatus } from "../shared/node-red-types";
import { formatDuration } from "../shared/ticker";

/** The call payload sip-call and call-status send: the engine's event plus `duration` (ms) once answered. */
export type CallPayload = CallStateEvent & { duration?: number };

/** Adds `duration`: milliseconds from the answer to this event (absent before the answer). */
export function callPayload(event: CallStateEvent): CallPayload {
  return event.establishedAt !== undefined ? { ...event, duration: Math.max(0, event.timestamp - event.establishedAt) } : { ...event };
}

/** True while the call is answered and the status shows a running duration. */
export function isTicking(status: CallStatus): boolean {
  return status === CallStatus.ESTABLISHED || status === CallStatus.HOLD;
}

/**
 * The node status for a call: its state and, once answered, its duration (`now` − answer time).
 * green dot ESTABLISHED, yellow ring while setting up, blue ring HOLD, grey FINISH, red BUSY/FAILED.
 */
export function callView(event: CallStateEvent, now: number): NodeStatus {
  const answeredFor = event.establishedAt !== undefined ? ` ${formatDuration((isTicking(event.status) ? now : event.timestamp) - event.establishedAt)}` : "";
  switch (event.status) {
    case CallStatus.ESTABLISHED:
      return { fill: "green", shape: "dot", text: `ESTABLISHED${answeredFor}` };
    case CallStatus.HOLD:
      return { fill: "blue", shape: "ring", text: `HOLD${answeredFor}` };
    case CallStatus.FINISH:
      return { fill: "grey", shape: "dot", text: `FINISH${answeredFor}` };
    case CallStatus.BUSY:
      return { fill: "red", shape: "dot", text: "BUSY" };
    case CallStatus.FAILED:
      return { fill: "red", shape: "dot", text: statusText(t("sipCall.failed", { reason: event.reason ?? "" }).trim()) };
    default:
      return { fill: "yellow", shape: "ring", text: event.status };
  }
}
