import { ConfigError, InvalidStateError } from "../../errors";
import { resolveRetryPolicy } from "../../media/retry-policy";
import { resolveStallTimeoutMs } from "../../media/stall-watch";
import type { Logger } from "../../util/logger";
import type { CallMedia } from "../call-media";
import type { CallReason } from "../call-reason";
import type { PublishEvent } from "../call-event";
import type { Publication } from "../publication";
import { checkJitterBufferMs } from "../call-options";
import { LimitError } from "../engine-limits";
import { DuplicateOutputError, type OutputSettings, type OutputSnapshot, type OutputTarget, type PublishOptions } from "./output-types";
import { checkImage, resolveTarget } from "./resolve-target";

/** Options of {@link CallOutputs}. */
export interface CallOutputsOptions {
  callId: string;
  /** The call's defaults for every output, and its jitter buffer (CallOptions.jitterBufferMs). */
  settings: OutputSettings & { jitterBufferMs?: number };
  /** Outputs running at once (EngineLimits.maxOutputsPerCall). */
  maxOutputs: number;
  /** The ffmpeg binary (throws FfmpegNotFoundError). */
  resolveFfmpeg: () => string;
  /** Sends a SIP INFO picture_fast_update in the call's dialog. */
  requestPictureFastUpdate: () => void;
  /** Every status change and stats report of every output. */
  emit: (event: PublishEvent) => void;
  /** An output failed for good and no other output is running any more. */
  onLastOutputFailed: (reason: CallReason, detail: string | undefined) => void;
  logger: Logger;
}

const ID = /^[A-Za-z0-9._~-]{1,64}$/;

/**
 * The outputs of one call (WCS `/push/startup`, `/push/terminate`): each an independent
 * {@link Publication} with its own ffmpeg, started and stopped without touching the others.
 */
export class CallOutputs {
  readonly #o: CallOutputsOptions;
  readonly #live = new Map<string, Publication>();
  #media: CallMedia | undefined;
  #seq = 0;

  constructor(o: CallOutputsOptions) {
    this.#o = o;
  }

  /** The call was answered: outputs can run on its media from now on. */
  attach(media: CallMedia): void {
    this.#media = media;
  }

  /**
   * Starts an output. Returns its id.
   * @throws InvalidStateError before the answer; DuplicateOutputError for an id in use; LimitError when
   * `maxOutputs` are running; ConfigError for
   * a bad target or option; FfmpegNotFoundError.
   */
  publish(target: OutputTarget, options: PublishOptions = {}): string {
    const media = this.#media;
    if (!media) throw new InvalidStateError("publish: the call is not answered");
    const id = options.id ?? this.#nextId();
    if (!ID.test(id)) throw new ConfigError(`publish: output id must be 1–64 characters of A-Z a-z 0-9 . _ ~ -`);
    if (this.#live.has(id)) throw new DuplicateOutputError(id);
    if (this.#live.size >= this.#o.maxOutputs) throw new LimitError("maxOutputsPerCall", this.#o.maxOutputs, `output ${id} of call ${this.#o.callId}`);
    const settings: OutputSettings = { ...this.#o.settings, ...definedOnly(options) };
    const output = resolveTarget(target, settings);
    checkImage(settings.slateImage, "slateImage");
    const retry = resolveRetryPolicy(settings.publishRetry);
    const ffmpegPath = this.#o.resolveFfmpeg();
    const publication = media.publish({
      id,
      output,
      ffmpegPath,
      retry,
      stallTimeoutMs: resolveStallTimeoutMs(settings.publishStallTimeoutMs),
      statsIntervalMs: settings.publishStatsIntervalMs,
      slateImage: settings.slateImage,
      keyframes: settings.keyframes,
      jitterBufferMs: checkJitterBufferMs(this.#o.settings.jitterBufferMs),
      requestPictureFastUpdate: this.#o.requestPictureFastUpdate,
    });
    this.#live.set(id, publication);
    const event = (): Omit<PublishEvent, "status" | "reason"> => ({ callId: this.#o.callId, outputId: id, kind: publication.kind, target: publication.target, timestamp: Date.now() });
    let failure: { reason: CallReason; detail: string | undefined } | undefined;
    publication.on("status", (status, reason, detail) => {
      if (status === "FAILED") failure = { reason, detail };
      this.#o.emit({ ...event(), status, reason, ...(detail !== undefined ? { detail } : {}) });
    });
    publication.on("stats", (stats) => this.#o.emit({ ...event(), status: "PUBLISHING", reason: "", stats }));
    publication.on("@close", () => {
      if (this.#live.get(id) === publication) this.#live.delete(id);
      if (failure && this.#live.size === 0) {
        this.#o.logger.log("warn", "call", `${this.#o.callId}: output ${id} failed for good and no output is left`);
        this.#o.onLastOutputFailed(failure.reason, failure.detail);
      }
    });
    publication.start();
    return id;
  }

  /** Stops one output (finishing its stream or file), or every output when `id` is absent. Unknown ids are ignored. */
  unpublish(id?: string): void {
    const targets = id === undefined ? [...this.#live.values()] : [this.#live.get(id)].filter((p) => p !== undefined);
    for (const publication of targets) publication.close();
  }

  /** The live outputs (STARTING, PUBLISHING or RECONNECTING), in start order. */
  list(): OutputSnapshot[] {
    return [...this.#live.values()].map((p) => p.snapshot());
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.#live].map(([id, p]) => [id, p.toJSON()]));
  }

  #nextId(): string {
    let id: string;
    do id = `out-${++this.#seq}`;
    while (this.#live.has(id));
    return id;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== "id")) as Partial<T>;
}
