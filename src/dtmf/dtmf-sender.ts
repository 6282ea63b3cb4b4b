import { ConfigError, InvalidStateError, SipcastError } from "../errors";
import { systemClock, type Clock, type TimerHandle } from "../rtp/clock";
import type { DtmfDigit } from "./dtmf-digits";
import { planDtmf, resolveDtmfOptions, type DtmfOptions, type DtmfStep, type DtmfType } from "./dtmf-plan";

/** A key could not be delivered (e.g. the peer answered the INFO with an error). */
export class DtmfError extends SipcastError {
  constructor(message: string) {
    super(message, "DTMF_FAILED");
  }
}

/**
 * The most DTMF sequences one call holds at a time, the one being sent included. Each waits for the
 * one before it (seconds each, with pauses), so a client that keeps sending would otherwise pile up
 * plans and promises without end; 8 leaves room for a PIN, a menu choice and a few retries.
 */
export const MAX_PENDING_DTMF_SEQUENCES = 8;

/** How the keys leave: supplied by the call. */
export interface DtmfTransport {
  /** Sends one key as RFC 4733 events; resolves once its last end packet has left. */
  sendEvent(code: number, durationMs: number): Promise<void>;
  /** Sends one key as SIP INFO; resolves when the peer accepted it, rejects when it refused or did not answer. */
  sendInfo(digit: DtmfDigit, durationMs: number): Promise<void>;
}

/** Options of {@link DtmfSender}. */
export interface DtmfSenderOptions {
  transport: DtmfTransport;
  /** Called after each key went out (INFO: accepted; RFC 4733: end packets sent). */
  onDigit?: (digit: DtmfDigit, type: DtmfType) => void;
  clock?: Clock;
}

/**
 * Runs DTMF sequences one after the other: `send()` calls queue in call order, and within a
 * sequence each key starts only after the previous one is done: for RFC 4733 when its end
 * packets are out, for INFO when the peer accepted it (sip.js 0.21 resolves `info()` when the request is sent, not
 * when it is answered, and a lost INFO would otherwise overlap the next) and its duration has passed.
 */
export class DtmfSender {
  private tail: Promise<void> = Promise.resolve();
  /** Sequences queued or running. */
  private pending = 0;
  private readonly clock: Clock;
  private readonly waits = new Map<TimerHandle, () => void>();
  private closed = false;

  constructor(private readonly o: DtmfSenderOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** Sequences queued or being sent (at most {@link MAX_PENDING_DTMF_SEQUENCES}). */
  get queued(): number {
    return this.pending;
  }

  /**
   * Queues `digits` and resolves when they have all been sent.
   * @throws (rejects) ConfigError for invalid digits or options, or when {@link MAX_PENDING_DTMF_SEQUENCES}
   * sequences are already queued or running (before anything is queued),
   * InvalidStateError when closed before it finished, DtmfError when a key was refused.
   */
  send(digits: string, options?: DtmfOptions): Promise<void> {
    if (this.closed) return Promise.reject(new InvalidStateError("DTMF sender is closed"));
    if (this.pending >= MAX_PENDING_DTMF_SEQUENCES) {
      return Promise.reject(new ConfigError(`dtmf: ${this.pending} sequences are already waiting to be sent, at most ${MAX_PENDING_DTMF_SEQUENCES} (MAX_PENDING_DTMF_SEQUENCES) per call`));
    }
    let steps: DtmfStep[];
    let type: DtmfType;
    try {
      const resolved = resolveDtmfOptions(options);
      type = resolved.type;
      steps = planDtmf(digits, resolved);
    } catch (error) {
      return Promise.reject(error);
    }
    this.pending++;
    const run = this.tail.then(() => this.run(steps, type)).finally(() => this.pending--);
    // The next sequence waits for this one whether it succeeds or fails.
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async run(steps: DtmfStep[], type: DtmfType): Promise<void> {
    for (const step of steps) {
      if (this.closed) throw new InvalidStateError("DTMF sender closed before the digits were sent");
      if (step.kind === "wait") {
        await this.wait(step.ms);
        continue;
      }
      if (type === "INFO") {
        // The key lasts `durationMs` for the peer too: the next INFO must not cut its tone short
        // (baresip, like a PBX, plays the tone for Duration and restarts it on an early next key).
        await Promise.all([this.o.transport.sendInfo(step.digit, step.durationMs), this.wait(step.durationMs)]);
      } else {
        await this.o.transport.sendEvent(step.code, step.durationMs);
      }
      if (this.closed) throw new InvalidStateError("DTMF sender closed before the digits were sent");
      this.o.onDigit?.(step.digit, type);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const handle = this.clock.setTimeout(() => {
        this.waits.delete(handle);
        resolve();
      }, ms);
      this.waits.set(handle, () => reject(new InvalidStateError("DTMF sender closed before the digits were sent")));
    });
  }

  /** Stops: pending and running sequences reject with InvalidStateError. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [handle, cancel] of this.waits) {
      this.clock.clearTimeout(handle);
      cancel();
    }
    this.waits.clear();
  }
}
