import { TransportState } from "sip.js";
import type { Logger } from "../util/logger";
import type { SipTransport } from "./transport";

/** Waits before each reconnect attempt after the SIP connection was lost: at once, then doubling to 30 s. */
export const RECONNECT_DELAYS_MS: readonly number[] = [0, 1000, 2000, 4000, 8000, 16000, 30000];

/** Options of {@link TransportRecovery}. */
export interface TransportRecoveryOptions {
  transport: SipTransport;
  /** The connection is back after a loss (new local port over TCP/TLS): registrations and dialogs must learn it. */
  onRecovered: () => void;
  logger: Logger;
  /** Waits before each attempt; the last one repeats. Default {@link RECONNECT_DELAYS_MS}. */
  delaysMs?: readonly number[];
}

/**
 * Brings a lost SIP connection back without waiting for something to send.
 *
 * @remarks
 * A TCP/TLS connection the server or the network dropped takes the Contact's port with it: the
 * registrar and the peers of live dialogs still send to the old one. The transport reconnects
 * lazily, on the next request; a call that sends nothing (most of a broadcast) would then miss the
 * peer's BYE or re-INVITE until the registration refresh, minutes later. So after a loss this
 * reconnects at once, then after growing waits, until it succeeds or the transport is closed, and
 * then calls `onRecovered` (which re-registers and refreshes each dialog's target, RFC 3261 §12.2).
 */
export class TransportRecovery {
  private readonly delays: readonly number[];
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lost = false;
  private closed = false;
  private readonly listener = (state: TransportState): void => this.onState(state);

  constructor(private readonly o: TransportRecoveryOptions) {
    this.delays = o.delaysMs ?? RECONNECT_DELAYS_MS;
    o.transport.stateChange.addListener(this.listener);
  }

  /** Stops watching; a scheduled attempt is cancelled. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.o.transport.stateChange.removeListener(this.listener);
  }

  private onState(state: TransportState): void {
    if (this.closed) return;
    const reason = this.o.transport.lostReason;
    if (state === TransportState.Disconnected && reason) {
      this.lost = true;
      this.schedule(reason);
    } else if (state === TransportState.Connected && this.lost) {
      this.lost = false;
      this.attempt = 0;
      this.o.logger.log("info", "sip", "SIP connection re-established");
      try {
        this.o.onRecovered();
      } catch (error) {
        this.o.logger.log("error", "sip", `after reconnecting: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private schedule(reason: Error): void {
    if (this.timer) return;
    const delay = this.delays[Math.min(this.attempt, this.delays.length - 1)];
    this.attempt++;
    this.o.logger.log("warn", "sip", `SIP connection lost (${reason.message}): reconnecting in ${delay} ms`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed || this.o.transport.state !== TransportState.Disconnected) return;
      // A failure comes back through onState (Connecting → Disconnected with a reason) and schedules the next try.
      this.o.transport.connect().catch(() => undefined);
    }, delay);
  }
}
