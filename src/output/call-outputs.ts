import { ConfigError, InvalidStateError } from "../errors";
import type { RtpChannel } from "../rtp";
import { describeMediaChange, type MediaKind, type NegotiatedMedia } from "../sdp";
import type { Logger } from "../util/logger";
import { DuplicateOutputError, type OutputSettings, type OutputTarget, type PublishOptions } from "./output-types";
import { KeyframeRequestLimiter } from "./keyframe-request-limiter";
import type { OutputReason, OutputSnapshot, OutputStats, PublishStatus, Sink, SinkContext, SinkSettings } from "./sink";
import type { ResolvedTarget, SinkRegistry } from "./sink-registry";

/** A change of one of the call's outputs, as CallOutputs reports it (the call adds its id and sends it as a `publish` event). */
export interface OutputEvent {
  outputId: string;
  kind: string;
  status: PublishStatus;
  target: string;
  reason: OutputReason;
  detail?: string;
  stats?: OutputStats;
}

/** The call's media, as the outputs use it (CallMedia fits). */
export interface OutputMedia {
  /** The negotiated media; undefined before the answer. */
  readonly negotiated: NegotiatedMedia | undefined;
  readonly channels: ReadonlyMap<MediaKind, RtpChannel>;
  /** The product that answered (see SinkContext.peerAgent). */
  readonly peerAgent?: string | undefined;
}

/** Options of {@link CallOutputs}. */
export interface CallOutputsOptions {
  callId: string;
  /** The output kinds (see kinds.ts). */
  kinds: SinkRegistry;
  /** The call's defaults for every output, already checked (see checkCallOutputs). */
  settings: OutputSettings;
  /** Reorder/jitter buffer per received stream, already checked (CallOptions.jitterBufferMs). */
  jitterBufferMs: number;
  /** Outputs running at once (EngineLimits.maxOutputsPerCall). */
  maxOutputs: number;
  /** Refused when `maxOutputs` run; made by the caller so that the error names the limit its way. */
  limitError: (max: number, what: string) => Error;
  /** Sends a SIP INFO picture_fast_update in the call's dialog. */
  requestPictureFastUpdate: () => void;
  /** Every status change and stats report of every output. */
  emit: (event: OutputEvent) => void;
  /** An output failed for good and no other output is running any more. */
  onLastOutputFailed: (reason: OutputReason, detail: string | undefined) => void;
  logger: Logger;
}

const ID = /^[A-Za-z0-9._~-]{1,64}$/;

/**
 * The outputs of one call (WCS `/push/startup`, `/push/terminate`): each an independent {@link Sink},
 * started and stopped without touching the others. The registry picks each target's kind; nothing
 * here knows one.
 *
 * @remarks Ownership as in mediasoup: the call owns this, this owns the sinks; close() closes every
 * sink and resolves when each has released what it owned.
 */
export class CallOutputs {
  readonly #o: CallOutputsOptions;
  readonly #live = new Map<string, Sink>();
  readonly #keyframes = new KeyframeRequestLimiter();
  #media: OutputMedia | undefined;
  /** The negotiated media the outputs were last told of (see mediaChanged()). */
  #negotiated: NegotiatedMedia | undefined;
  readonly #mediaListeners = new Set<(media: NegotiatedMedia, change: string) => void>();
  #seq = 0;
  #closed = false;
  readonly #released = new Set<Promise<void>>();

  constructor(o: CallOutputsOptions) {
    this.#o = o;
  }

  /** The call was answered: outputs can run on its media from now on. */
  attach(media: OutputMedia): void {
    this.#media = media;
    this.#negotiated = media.negotiated;
  }

  /**
   * The call's SDP was negotiated again (a re-INVITE): when what shapes the received media changed
   * (describeMediaChange), every running output hears it through SinkContext.onMediaChange.
   * Returns the change, or undefined when there was none.
   */
  mediaChanged(): string | undefined {
    const now = this.#media?.negotiated;
    const before = this.#negotiated;
    if (this.#closed || !now) return undefined;
    this.#negotiated = now;
    if (!before) return undefined;
    const change = describeMediaChange(before, now);
    if (change === undefined) return undefined;
    this.#o.logger.log("info", "call", `${this.#o.callId}: negotiated media changed: ${change}`);
    for (const listener of [...this.#mediaListeners]) {
      try {
        listener(now, change);
      } catch (error) {
        this.#o.logger.log("warn", "call", `${this.#o.callId}: an output failed to follow the media change: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return change;
  }

  /**
   * Checks a target and the settings it would run with, before anything runs.
   * @throws ConfigError for a target no kind takes, or one its kind finds wrong.
   */
  resolve(target: OutputTarget | object, options: PublishOptions = {}): ResolvedTarget {
    return this.#o.kinds.resolve(target, this.#settings(options));
  }

  /**
   * Starts an output. Returns its id.
   * @throws InvalidStateError before the answer or after close; DuplicateOutputError for an id in use;
   * the limit error when `maxOutputs` are running; ConfigError for a bad target or option; whatever the
   * kind's create() throws (FfmpegNotFoundError).
   */
  publish(target: OutputTarget | object, options: PublishOptions = {}): string {
    return this.start(this.resolve(target, options), options);
  }

  /** Starts an output whose target was resolved before (see resolve()). Throws as publish(). */
  start(resolved: ResolvedTarget, options: PublishOptions = {}): string {
    const media = this.#media;
    const negotiated = media?.negotiated;
    if (this.#closed || !media || !negotiated) throw new InvalidStateError("publish: the call is not answered");
    const id = options.id ?? this.#nextId();
    if (!ID.test(id)) throw new ConfigError(`publish: output id must be 1–64 characters of A-Z a-z 0-9 . _ ~ -`);
    if (this.#live.has(id)) throw new DuplicateOutputError(id);
    if (this.#live.size >= this.#o.maxOutputs) throw this.#o.limitError(this.#o.maxOutputs, `output ${id} of call ${this.#o.callId}`);
    const settings: SinkSettings = { ...this.#settings(options), jitterBufferMs: this.#o.jitterBufferMs };
    const video = negotiated.video ? media.channels.get("video") : undefined;
    const ctx: SinkContext = {
      callId: this.#o.callId,
      outputId: id,
      media: negotiated,
      onMediaChange: (listener) => {
        this.#mediaListeners.add(listener);
        return () => this.#mediaListeners.delete(listener);
      },
      channels: media.channels,
      requestKeyframe: () => (video ? this.#keyframes.request(() => video.requestKeyframe()) : false),
      requestPictureFastUpdate: () => this.#o.requestPictureFastUpdate(),
      ...(media.peerAgent !== undefined ? { peerAgent: media.peerAgent } : {}),
      logger: this.#o.logger,
    };
    const sink = resolved.kind.create(resolved.target, settings, ctx);
    this.#live.set(id, sink);
    const event = (): Pick<OutputEvent, "outputId" | "kind" | "target"> => ({ outputId: id, kind: sink.kind, target: sink.target });
    let failure: { reason: OutputReason; detail: string | undefined } | undefined;
    sink.on("status", (status, reason, detail) => {
      if (status === "FAILED") failure = { reason, detail };
      this.#o.emit({ ...event(), status, reason, ...(detail !== undefined ? { detail } : {}) });
    });
    sink.on("stats", (stats) => this.#o.emit({ ...event(), status: "PUBLISHING", reason: "", stats }));
    sink.on("@close", () => {
      // Stopped, closed with the call, or given up by itself: the call's close waits for its release
      // (an output stopped mid-call may still be finishing its file).
      const released = sink.close();
      this.#released.add(released);
      void released.finally(() => this.#released.delete(released));
      if (this.#live.get(id) === sink) this.#live.delete(id);
      if (failure && this.#live.size === 0 && !this.#closed) {
        this.#o.logger.log("warn", "call", `${this.#o.callId}: output ${id} failed for good and no output is left`);
        this.#o.onLastOutputFailed(failure.reason, failure.detail);
      }
    });
    sink.start();
    return id;
  }

  /** Stops one output (finishing its stream or file), or every output when `id` is absent. Unknown ids are ignored. */
  unpublish(id?: string): void {
    const targets = id === undefined ? [...this.#live.values()] : [this.#live.get(id)].filter((s) => s !== undefined);
    for (const sink of targets) void sink.close();
  }

  /** The live outputs (STARTING, PUBLISHING or RECONNECTING), in start order. */
  list(): OutputSnapshot[] {
    return [...this.#live.values()].map((s) => s.snapshot());
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.#live].map(([id, s]) => [id, s.toJSON()]));
  }

  /** Closes every output; resolves when each has released what it owned (including outputs stopped before). Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    for (const sink of [...this.#live.values()]) void sink.close();
    return Promise.all([...this.#released]).then(() => undefined);
  }

  #settings(options: PublishOptions): OutputSettings {
    return { ...this.#o.settings, ...definedOnly(options) };
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
