import type { Call } from "../../../src/call/call";
import type { CallStateEvent } from "../../../src/call/call-event";
import type { CallStatus } from "../../../src/call/call-status";

/** Resolves with the state event once `call` reaches `status` (at once if it is there); rejects after `timeoutMs`. */
export function waitForStatus(call: Call, status: CallStatus, timeoutMs: number): Promise<CallStateEvent> {
  return new Promise((resolve, reject) => {
    if (call.status === status) return resolve(call.snapshot());
    const timer = setTimeout(() => reject(new Error(`no ${status} within ${timeoutMs} ms (now ${call.status})`)), timeoutMs);
    const onState = (e: CallStateEvent): void => {
      if (e.status !== status) return;
      clearTimeout(timer);
      call.off("state", onState);
      resolve(e);
    };
    call.on("state", onState);
  });
}
