import { KeyframeRequester } from "../rtp/keyframe-requester";
import { type Clock, type TimerHandle, systemClock } from "../rtp/clock";

/** When and how an output asks the peer for keyframes. */
export interface KeyframePolicy {
  /** Delay between RTCP requests (PLI + FIR) while no keyframe comes; default 250 ms (baresip ignores ~1 in 8 single PLIs). */
  retryMs: number;
  /** Requests per round before giving up until the next check; default 20 (5 s). */
  maxTries: number;
  /**
   * Unanswered RTCP requests after which a SIP INFO `picture_fast_update` is sent too (once per
   * round), for peers that ignore RTCP feedback; default 4 (≈1 s). 0 sends it with the first request.
   */
  infoAfterTries: number;
  /**
   * Ask again when no keyframe came for this long while the output runs: CDNs want one every
   * 2–4 s, a SIP phone may send one every 10 s or only when asked. Default 4000 ms; 0 disables.
   */
  maxIntervalMs: number;
}

/** Defaults of {@link KeyframePolicy}. */
export const DEFAULT_KEYFRAME_POLICY: Readonly<KeyframePolicy> = Object.freeze({ retryMs: 250, maxTries: 20, infoAfterTries: 4, maxIntervalMs: 4000 });

/** Options of {@link KeyframeScheduler}. */
export interface KeyframeSchedulerOptions {
  /** Sends one RTCP request (PLI + FIR through the video channel). */
  requestRtcp: () => void;
  /** Sends a SIP INFO picture_fast_update; absent: never. */
  requestInfo?: () => void;
  policy?: Partial<KeyframePolicy>;
  clock?: Clock;
}

/** Snapshot of a {@link KeyframeScheduler}. */
export interface KeyframeSchedulerJson {
  rtcpRequests: number;
  infoRequests: number;
  keyframesSeen: number;
  /** Rounds started because no keyframe came for maxIntervalMs. */
  intervalRounds: number;
}

/**
 * Asks for keyframes for one output: a round of RTCP requests when the output (re)starts, SIP
 * INFO as a fallback when RTCP goes unanswered, and a new round whenever keyframes stop coming.
 *
 * @remarks Rounds are run by the rtp layer's KeyframeRequester; this adds the INFO fallback and the
 * interval watch. Timer logic only, on an injectable clock.
 */
export class KeyframeScheduler {
  readonly #policy: KeyframePolicy;
  readonly #clock: Clock;
  readonly #requester: KeyframeRequester;
  readonly #requestInfo: (() => void) | undefined;
  #watch: TimerHandle | undefined;
  #lastKeyframeAt = 0;
  #lastRoundAt = 0;
  #infoSentThisRound = false;
  #counters = { rtcpRequests: 0, infoRequests: 0, keyframesSeen: 0, intervalRounds: 0 };

  constructor(o: KeyframeSchedulerOptions) {
    this.#policy = { ...DEFAULT_KEYFRAME_POLICY, ...Object.fromEntries(Object.entries(o.policy ?? {}).filter(([, v]) => v !== undefined)) };
    this.#clock = o.clock ?? systemClock;
    this.#requestInfo = o.requestInfo;
    this.#requester = new KeyframeRequester({
      retryMs: this.#policy.retryMs,
      maxTries: this.#policy.maxTries,
      clock: this.#clock,
      send: () => {
        this.#counters.rtcpRequests++;
        o.requestRtcp();
        const unanswered = this.#requester.toJSON().tries - 1;
        if (this.#requestInfo && !this.#infoSentThisRound && unanswered >= this.#policy.infoAfterTries) {
          this.#infoSentThisRound = true;
          this.#counters.infoRequests++;
          this.#requestInfo();
        }
      },
    });
  }

  /** Starts a round now (an output started or restarted) and keeps watching the interval. */
  start(): void {
    this.#round();
    if (this.#watch === undefined && this.#policy.maxIntervalMs > 0) {
      const every = Math.max(100, Math.min(1000, this.#policy.maxIntervalMs / 2));
      this.#watch = this.#clock.setInterval(() => this.#check(), every);
    }
  }

  /** A keyframe arrived from the peer. */
  notifyKeyframe(): void {
    this.#counters.keyframesSeen++;
    this.#lastKeyframeAt = this.#clock.now();
    this.#requester.notifyKeyframe();
  }

  /** Stops every timer; start() may be called again. */
  stop(): void {
    this.#requester.stop();
    if (this.#watch !== undefined) this.#clock.clearInterval(this.#watch);
    this.#watch = undefined;
  }

  toJSON(): KeyframeSchedulerJson {
    return { ...this.#counters };
  }

  #round(): void {
    const now = this.#clock.now();
    this.#lastRoundAt = now;
    // The interval is measured from the request, so a peer that never answers is asked once per interval.
    this.#lastKeyframeAt = Math.max(this.#lastKeyframeAt, now);
    this.#infoSentThisRound = false;
    this.#requester.start();
  }

  #check(): void {
    if (this.#requester.running) return;
    const now = this.#clock.now();
    if (now - this.#lastKeyframeAt >= this.#policy.maxIntervalMs && now - this.#lastRoundAt >= this.#policy.maxIntervalMs) {
      this.#counters.intervalRounds++;
      this.#round();
    }
  }
}
