import type { RtpPacket } from "werift-rtp";
import type { MediaKind } from "../../sdp";
import { TypedEmitter } from "../../util/typed-emitter";
import type { OutputSnapshot, PublishStatus, Sink, SinkContext, SinkEvents } from "../sink";
import type { RtpListener, StreamSource } from "./stream-source";
import type { StreamRegistry } from "./stream-registry";

/** Unanswered RTCP keyframe requests after which a SIP INFO picture_fast_update goes too (peers that ignore RTCP feedback). */
const INFO_AFTER_REQUESTS = 4;

/**
 * The `whep` output of a call: its stream name made watchable by browsers, as long as the output
 * runs. The viewers themselves belong to the {@link StreamRegistry} (which the engine shares with
 * the WHEP endpoint); this sink hands them the call's media and ends them when it closes.
 *
 * @remarks Nothing here can fail or stall the call: viewers only listen to the call's channels.
 * It is PUBLISHING from start() on (the name answers WHEP offers), STOPPED when closed.
 */
export class WhepSink extends TypedEmitter<SinkEvents> implements Sink {
  readonly id: string;
  readonly kind = "whep";
  readonly target: string;
  #status: PublishStatus = "STARTING";
  #since = Date.now();
  #closed = false;

  constructor(
    private readonly stream: string,
    private readonly registry: StreamRegistry,
    private readonly ctx: SinkContext,
  ) {
    super();
    this.id = ctx.outputId;
    this.target = stream;
  }

  get status(): PublishStatus {
    return this.#status;
  }

  start(): void {
    if (this.#closed) return;
    this.registry.attach(this.stream, this.#source());
    this.#setStatus("PUBLISHING");
  }

  /** The call's media as the viewers take it: listeners on its channels, keyframes through the call's limiter. */
  #source(): StreamSource {
    const ctx = this.ctx;
    let unanswered = 0;
    const video = ctx.channels.get("video");
    const onKeyframe = (): void => void (unanswered = 0);
    video?.on("keyframe", onKeyframe);
    return {
      callId: ctx.callId,
      media: ctx.media,
      onRtp(kind: MediaKind, listener: RtpListener): () => void {
        const channel = ctx.channels.get(kind);
        if (!channel) return () => undefined;
        const onRtp = (packet: RtpPacket): void => listener(packet, Date.now());
        channel.on("rtp", onRtp);
        return () => channel.off("rtp", onRtp);
      },
      requestKeyframe(): void {
        if (!ctx.requestKeyframe()) return;
        if (++unanswered % INFO_AFTER_REQUESTS === 0) ctx.requestPictureFastUpdate();
      },
    };
  }

  #setStatus(status: PublishStatus): void {
    this.#status = status;
    this.#since = Date.now();
    this.safeEmit("status", status, "", undefined);
  }

  /** Ends the stream: its viewers are closed and the name is free. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.registry.release(this.stream, this.ctx.callId);
      if (this.#status !== "STARTING") this.#setStatus("STOPPED");
      this.safeEmit("@close");
    }
    return Promise.resolve();
  }

  snapshot(): OutputSnapshot {
    return { id: this.id, kind: this.kind, status: this.#status, target: this.target, since: this.#since, reconnects: 0 };
  }

  toJSON(): Record<string, unknown> {
    return { ...this.snapshot(), viewers: this.registry.list().find((s) => s.name === this.stream)?.viewers ?? [] };
  }
}
