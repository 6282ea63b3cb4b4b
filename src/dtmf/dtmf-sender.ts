import { ConfigError, InvalidStateError, SipcastError } from "../errors";
import { systemClock, type Clock, type TimerHandle } from "../rtp/clock";
import type { DtmfDigit } from "./dtmf-digits";
import { planDtmf, resolveDtmfOptions, type DtmfOptions, type DtmfStep, type DtmfType, type ResolvedDtmfOptions } from "./dtmf-plan";
import { IvrWaitError, type IvrListener, type IvrProgress } from "./ivr-wait";

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
  /**
   * Listens to the far end for `{…}` waits; undefined when the call has no received audio. Called once
   * per plan that has waits, when that plan starts; `release` when it ends.
   */
  listener?: () => IvrListener | undefined;
  release?: (listener: IvrListener) => void;
}

/** Options of {@link DtmfSender}. */
export interface DtmfSenderOptions {
  transport: DtmfTransport;
  /** Called after each key went out (INFO: accepted; RFC 4733: end packets sent). */
  onDigit?: (digit: DtmfDigit, type: DtmfType) => void;
  /** Called for each outcome of a `{…}` wait (prompt ended, replied, joined, re-prompt). */
  onIvr?: (progress: IvrProgress) => void;
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
  /** The listeners of the plans running now (at most one: plans run one after the other). */
  private readonly listeners = new Set<IvrListener>();
  private closed = false;

  constructor(private readonly o: DtmfSenderOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** Sequences queued or being sent (at most {@link MAX_PENDING_DTMF_SEQUENCES}). */
  get queued(): number {
    return this.pending;
  }

  /**
   * Queues `digits` and resolves when they have all been sent. `onIvr` hears this plan's wait
   * outcomes only (the constructor's `onIvr` hears every plan's).
   * @throws (rejects) ConfigError for invalid digits or options, or when {@link MAX_PENDING_DTMF_SEQUENCES}
   * sequences are already queued or running (before anything is queued),
   * InvalidStateError when closed before it finished, DtmfError when a key was refused.
   */
  send(digits: string, options?: DtmfOptions, onIvr?: (progress: IvrProgress) => void): Promise<void> {
    if (this.closed) return Promise.reject(new InvalidStateError("DTMF sender is closed"));
    if (this.pending >= MAX_PENDING_DTMF_SEQUENCES) {
      return Promise.reject(new ConfigError(`dtmf: ${this.pending} sequences are already waiting to be sent, at most ${MAX_PENDING_DTMF_SEQUENCES} (MAX_PENDING_DTMF_SEQUENCES) per call`));
    }
    let steps: DtmfStep[];
    let resolved: ResolvedDtmfOptions;
    try {
      resolved = resolveDtmfOptions(options);
      steps = planDtmf(digits, resolved);
    } catch (error) {
      return Promise.reject(error);
    }
    this.pending++;
    const run = this.tail.then(() => this.runPlan(steps, resolved, onIvr)).finally(() => this.pending--);
    // The next sequence waits for this one whether it succeeds or fails.
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs a plan; one with `{…}` waits holds a listener of the call's received media while it runs. */
  private async runPlan(steps: DtmfStep[], o: ResolvedDtmfOptions, onIvr: ((progress: IvrProgress) => void) | undefined): Promise<void> {
    if (!steps.some((s) => s.kind === "listen")) return this.run(steps, o, undefined, undefined);
    const listener = this.o.transport.listener?.();
    if (!listener) throw new IvrWaitError("dtmf: the plan waits for the far end's prompts, but the call receives no audio to listen to", "no-audio");
    this.listeners.add(listener);
    try {
      await this.run(steps, o, listener, onIvr);
    } finally {
      this.listeners.delete(listener);
      this.o.transport.release?.(listener);
    }
  }

  private async run(steps: DtmfStep[], o: ResolvedDtmfOptions, listener: IvrListener | undefined, onIvr: ((progress: IvrProgress) => void) | undefined): Promise<void> {
    const report = (progress: IvrProgress): void => {
      this.o.onIvr?.(progress);
      onIvr?.(progress);
    };
    // The keys since the last wait: what a re-prompt sends again.
    let group: DtmfStep[] = [];
    let groupsSent = 0;
    for (const step of steps) {
      if (this.closed) throw new InvalidStateError("DTMF sender closed before the digits were sent");
      if (step.kind !== "listen") {
        if (step.kind === "tone") listener?.keySent();
        await this.runStep(step, o.type);
        group.push(step);
        continue;
      }
      if (group.some((s) => s.kind === "tone")) groupsSent++;
      let retriesLeft = step.wait.retries;
      for (;;) {
        const outcome = await listener!.listen(step.wait, o.promptSilenceMs);
        if (this.closed) throw new InvalidStateError("DTMF sender closed before the digits were sent");
        if (outcome.kind !== "reprompt") {
          report({ ...outcome, groupsSent });
          break;
        }
        const retrying = retriesLeft > 0 && group.some((s) => s.kind === "tone");
        report({ ...outcome, groupsSent, retrying });
        if (!retrying) {
          throw new IvrWaitError(`dtmf: the far end asked again after key group ${groupsSent} instead of joining (a wrong PIN?)`, "reprompted");
        }
        retriesLeft--;
        // Only the keys go again: the far end has just finished asking, it listens now.
        for (const again of group) {
          if (again.kind !== "tone") continue;
          listener!.keySent();
          await this.runStep(again, o.type, group);
        }
      }
      group = [];
    }
  }

  /** One key or pause. With `within` (a resent group), the gap before each key but the first is kept. */
  private async runStep(step: Exclude<DtmfStep, { kind: "listen" }>, type: DtmfType, within?: DtmfStep[]): Promise<void> {
    if (within) {
      const i = within.indexOf(step);
      const before = within[i - 1];
      if (i > 0 && before?.kind === "wait") await this.wait(before.ms);
    }
    if (step.kind === "wait") return this.wait(step.ms);
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
    for (const listener of this.listeners) listener.cancel(new InvalidStateError("DTMF sender closed before the digits were sent"));
  }
}
