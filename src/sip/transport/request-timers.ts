import { parseStartLine, transactionKey } from "./message-head";
import type { TimerClock } from "./sip-transport-options";

/** Settings of {@link RequestTimers}. */
export interface RequestTimersOptions {
  t1Ms: number;
  t2Ms: number;
  /** No response within this time: the request is given up and `onTimeout` called. */
  timeoutMs: number;
  /** true over UDP: retransmit with Timer A (INVITE) or Timer E (other requests). */
  retransmit: boolean;
  clock: TimerClock;
}

/** What {@link RequestTimers} asks its owner to do. */
export interface RequestTimersHandlers {
  /** Send `request` again, unchanged. */
  onRetransmit(request: string): void;
  /** No response came in time; the request is no longer tracked. */
  onTimeout(request: string): void;
}

interface Pending {
  request: string;
  isInvite: boolean;
  intervalMs: number;
  retransmitTimer?: unknown;
  timeoutTimer: unknown;
}

/**
 * The client-transaction timers sip.js 0.21 leaves out (it assumes a reliable transport, as a
 * browser WebSocket is, and has no Timer A/E/G): retransmission and a timeout per
 * outgoing request, until the first response of any kind.
 *
 * @remarks
 * Timer A (INVITE) starts at T1 and doubles without a cap; Timer E (other requests) doubles up to
 * T2 (RFC 3261 §17.1.1.2, §17.1.2.2). Both stop on any response, matched by top Via branch and
 * CSeq method (§17.1.3). ACK has no transaction and is never tracked. Pure: time comes only from
 * the injected clock, and every message goes out through the handlers.
 */
export class RequestTimers {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly options: RequestTimersOptions,
    private readonly handlers: RequestTimersHandlers,
  ) {}

  /** Number of requests waiting for a response. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Starts the timers of a request about to be sent. Returns its key, or undefined when not tracked.
   * `timeoutMs` replaces the usual timeout for this request (a shorter wait before another server is tried).
   */
  track(request: string, timeoutMs = this.options.timeoutMs): string | undefined {
    const start = parseStartLine(request);
    const key = transactionKey(request);
    if (start?.kind !== "request" || start.method === "ACK" || !key) return undefined;
    this.stop(key);
    const { clock, t1Ms } = this.options;
    const entry: Pending = {
      request,
      isInvite: start.method === "INVITE",
      intervalMs: t1Ms,
      timeoutTimer: clock.setTimeout(() => this.expire(key), timeoutMs),
    };
    this.pending.set(key, entry);
    if (this.options.retransmit) this.scheduleRetransmit(key, entry);
    return key;
  }

  /** A response arrived: stops its request's timers. Returns true when it matched one. */
  responseReceived(response: string): boolean {
    const key = transactionKey(response);
    return key !== undefined && this.stop(key);
  }

  /** Stops the timers of the request with this key without notice (e.g. its send failed). */
  stop(key: string): boolean {
    const entry = this.pending.get(key);
    if (!entry) return false;
    this.clear(entry);
    this.pending.delete(key);
    return true;
  }

  /** Stops everything and returns the requests still waiting, oldest first (for connection loss). */
  drain(): string[] {
    const requests = [...this.pending.values()].map((e) => e.request);
    this.dispose();
    return requests;
  }

  /** Stops every timer. Nothing is pending afterwards. */
  dispose(): void {
    for (const entry of this.pending.values()) this.clear(entry);
    this.pending.clear();
  }

  private scheduleRetransmit(key: string, entry: Pending): void {
    entry.retransmitTimer = this.options.clock.setTimeout(() => {
      entry.retransmitTimer = undefined;
      if (this.pending.get(key) !== entry) return;
      entry.intervalMs = entry.isInvite ? entry.intervalMs * 2 : Math.min(entry.intervalMs * 2, this.options.t2Ms);
      this.scheduleRetransmit(key, entry);
      this.handlers.onRetransmit(entry.request);
    }, entry.intervalMs);
  }

  private expire(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    entry.timeoutTimer = undefined;
    this.stop(key);
    this.handlers.onTimeout(entry.request);
  }

  private clear(entry: Pending): void {
    const { clock } = this.options;
    if (entry.retransmitTimer !== undefined) clock.clearTimeout(entry.retransmitTimer);
    if (entry.timeoutTimer !== undefined) clock.clearTimeout(entry.timeoutTimer);
    entry.retransmitTimer = undefined;
    entry.timeoutTimer = undefined;
  }
}
