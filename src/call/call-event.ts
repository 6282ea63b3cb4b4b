import { CallReason } from "./call-reason";
import { CallStatus } from "./call-status";

/** What every state change of a call reports (WCS field names). */
export interface CallStateEvent {
  callId: string;
  status: CallStatus;
  /** The last SIP status code of the INVITE transaction (or REGISTER when registration failed); 0 before any. */
  sipStatus: number;
  /** The reason phrase that came with `sipStatus`. */
  sipMessage: string;
  reason: CallReason;
  /** A human-readable detail for failures (never contains a secret). */
  detail?: string;
  /** Who ended the call, for final states. */
  initiator?: "local" | "remote";
  caller: string;
  callee: string;
  /** Epoch milliseconds of the change. */
  timestamp: number;
  /** Epoch milliseconds of the answer, once answered. */
  establishedAt?: number;
}

/** Where a republish of the call's media stands. */
export type PublishStatus = "STARTING" | "PUBLISHING" | "STOPPED" | "FAILED";

/** A change of the call's RTMP output. `target` has its stream key hidden. */
export interface PublishEvent {
  callId: string;
  status: PublishStatus;
  target: string;
  reason: CallReason;
  detail?: string;
  timestamp: number;
}
