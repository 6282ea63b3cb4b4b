/**
 * The states a call goes through, named as Flashphoner WCS names them so that flows and REST clients
 * written for WCS keep working.
 *
 * ```
 *             ┌──────────────┬─────────────────┐
 *  (start) → TRYING → RING ⇄ SESSION_PROGRESS  │
 *             │        │        │              │
 *             └────────┴────────┴──→ ESTABLISHED ⇄ HOLD
 *                                      │          │
 *  any state before ESTABLISHED ──→ BUSY / FAILED / FINISH
 *  ESTABLISHED, HOLD ──→ FAILED / FINISH
 * ```
 * BUSY, FAILED and FINISH are final: a call that reached one of them is over.
 */
export enum CallStatus {
  TRYING = "TRYING",
  RING = "RING",
  SESSION_PROGRESS = "SESSION_PROGRESS",
  ESTABLISHED = "ESTABLISHED",
  HOLD = "HOLD",
  BUSY = "BUSY",
  FAILED = "FAILED",
  FINISH = "FINISH",
}

/** The state a call is in before its INVITE leaves (account registration, port binding). Never emitted. */
export const CALL_STATUS_NEW = "NEW" as const;
export type CallStatusOrNew = CallStatus | typeof CALL_STATUS_NEW;

const FINAL: ReadonlySet<CallStatusOrNew> = new Set([CallStatus.BUSY, CallStatus.FAILED, CallStatus.FINISH]);
const ENDINGS = [CallStatus.BUSY, CallStatus.FAILED, CallStatus.FINISH];

const EDGES: Record<CallStatusOrNew, readonly CallStatus[]> = {
  NEW: [CallStatus.TRYING, ...ENDINGS],
  [CallStatus.TRYING]: [CallStatus.RING, CallStatus.SESSION_PROGRESS, CallStatus.ESTABLISHED, ...ENDINGS],
  [CallStatus.RING]: [CallStatus.SESSION_PROGRESS, CallStatus.ESTABLISHED, ...ENDINGS],
  [CallStatus.SESSION_PROGRESS]: [CallStatus.RING, CallStatus.ESTABLISHED, ...ENDINGS],
  [CallStatus.ESTABLISHED]: [CallStatus.HOLD, CallStatus.FAILED, CallStatus.FINISH],
  [CallStatus.HOLD]: [CallStatus.ESTABLISHED, CallStatus.FAILED, CallStatus.FINISH],
  [CallStatus.BUSY]: [],
  [CallStatus.FAILED]: [],
  [CallStatus.FINISH]: [],
};

/** True when `status` ends the call. */
export function isFinalStatus(status: CallStatusOrNew): boolean {
  return FINAL.has(status);
}

/** True when the state diagram has an edge from `from` to `to`. */
export function canTransition(from: CallStatusOrNew, to: CallStatus): boolean {
  return EDGES[from].includes(to);
}

/** True once the call has been answered (media flows or is on hold). */
export function isAnswered(status: CallStatusOrNew): boolean {
  return status === CallStatus.ESTABLISHED || status === CallStatus.HOLD;
}
