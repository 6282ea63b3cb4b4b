import { NodeTextError } from "./i18n";
import { CallStatus, isFinalStatus, type Call, type CallStateEvent } from "node-red-contrib-sipcast";
import { realTimers, type Timers } from "./timers";

/** How a wait for ESTABLISHED ended (errors are rejections). */
export type WaitOutcome = "established" | "cancelled";

/** A pending wait; `cancel()` settles it with "cancelled" and releases its timer and listener. */
export interface EstablishedWait {
  promise: Promise<WaitOutcome>;
  cancel(): void;
}

/** The part of a Call a wait needs. */
export interface WaitableCall {
  readonly id: string;
  readonly status: Call["status"];
  readonly isClosed: boolean;
  on(event: "state", listener: (event: CallStateEvent) => void): unknown;
  off(event: "state", listener: (event: CallStateEvent) => void): unknown;
}

/**
 * Waits up to `timeoutMs` for `call` to be ESTABLISHED. Resolves at once when it is; rejects when the call
 * ends first or the time runs out (with the status it was in).
 */
export function waitEstablished(call: WaitableCall, timeoutMs: number, timers: Timers = realTimers): EstablishedWait {
  if (call.status === CallStatus.ESTABLISHED) return { promise: Promise.resolve("established"), cancel: () => undefined };
  if (call.isClosed || (call.status !== "NEW" && isFinalStatus(call.status))) {
    return { promise: Promise.reject(new NodeTextError("call.hasEnded", { callId: call.id, status: call.status })), cancel: () => undefined };
  }
  let settle: (outcome: WaitOutcome | Error) => void = () => undefined;
  const promise = new Promise<WaitOutcome>((resolve, reject) => {
    let timer: unknown;
    const onState = (event: CallStateEvent): void => {
      if (event.status === CallStatus.ESTABLISHED) settle("established");
      else if (isFinalStatus(event.status)) settle(new NodeTextError("call.endedFirst", { callId: call.id, status: event.status }));
    };
    settle = (outcome) => {
      call.off("state", onState);
      timers.clearTimeout(timer);
      settle = () => undefined;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    call.on("state", onState);
    timer = timers.setTimeout(() => settle(new NodeTextError("call.notAnswered", { callId: call.id, seconds: timeoutMs / 1000, status: call.status })), timeoutMs);
  });
  return { promise, cancel: () => settle("cancelled") };
}
