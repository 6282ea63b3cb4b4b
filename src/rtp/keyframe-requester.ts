import { type Clock, type TimerHandle, systemClock } from "./clock";

/** Options of {@link KeyframeRequester}. */
export interface KeyframeRequesterOptions {
  /** Sends one keyframe request (e.g. `channel.requestKeyframe()`). */
  send: () => void;
  /** Delay between requests; default 250 ms (baresip ignores about 1 in 8 single PLIs). */
  retryMs?: number;
  /** Most requests per start(), the first included; default 20. */
  maxTries?: number;
  clock?: Clock;
  /** Called once when maxTries requests went unanswered. */
  onGiveUp?: () => void;
}

/** Snapshot of a {@link KeyframeRequester}. */
export interface KeyframeRequesterJson {
  running: boolean;
  /** Requests sent since the last start(). */
  tries: number;
  /** Requests sent in total. */
  requestsSent: number;
  keyframesSeen: number;
}

/**
 * Asks for a keyframe until one arrives.
 *
 * @remarks
 * `start()` sends a request at once and then every `retryMs` until `notifyKeyframe()`, `stop()`
 * or `maxTries` requests. Calling `start()` again (e.g. when a consumer restarts) begins a
 * new round. Only timer logic: what a request is and how a keyframe is noticed is the caller's.
 */
export class KeyframeRequester {
  readonly #send: () => void;
  readonly #retryMs: number;
  readonly #maxTries: number;
  readonly #clock: Clock;
  readonly #onGiveUp: (() => void) | undefined;
  #timer: TimerHandle | undefined;
  /** Bumped by start/stop/notify so that a tick can tell whether send() changed the state. */
  #generation = 0;
  #tries = 0;
  #requestsSent = 0;
  #keyframesSeen = 0;

  constructor(options: KeyframeRequesterOptions) {
    this.#send = options.send;
    this.#retryMs = options.retryMs ?? 250;
    this.#maxTries = options.maxTries ?? 20;
    this.#clock = options.clock ?? systemClock;
    this.#onGiveUp = options.onGiveUp;
    if (!(this.#retryMs > 0) || !Number.isInteger(this.#maxTries) || this.#maxTries < 1) {
      throw new RangeError("KeyframeRequester needs retryMs > 0 and an integer maxTries >= 1");
    }
  }

  /** True while requests are being repeated. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Sends a request now and keeps asking; restarts the count if already running. */
  start(): void {
    this.#generation++;
    this.#cancelTimer();
    this.#tries = 0;
    this.#tick();
  }

  /** A keyframe arrived: stop asking. */
  notifyKeyframe(): void {
    this.#keyframesSeen++;
    this.#generation++;
    this.#cancelTimer();
  }

  /** Stops asking; start() may be called again later. */
  stop(): void {
    this.#generation++;
    this.#cancelTimer();
  }

  toJSON(): KeyframeRequesterJson {
    return {
      running: this.running,
      tries: this.#tries,
      requestsSent: this.#requestsSent,
      keyframesSeen: this.#keyframesSeen,
    };
  }

  #tick(): void {
    this.#timer = undefined;
    const generation = this.#generation;
    this.#tries++;
    this.#requestsSent++;
    this.#send();
    // send() may have led to notifyKeyframe()/stop()/start() synchronously: respect that.
    if (generation !== this.#generation) return;
    if (this.#tries >= this.#maxTries) {
      this.#onGiveUp?.();
      return;
    }
    this.#timer = this.#clock.setTimeout(() => this.#tick(), this.#retryMs);
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
