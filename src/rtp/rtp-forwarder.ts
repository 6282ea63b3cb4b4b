import { randomBytes } from "node:crypto";
import * as dgram from "node:dgram";
import { isIPv6 } from "node:net";
import type { RtpPacket } from "werift-rtp";
import { ConfigError, InvalidStateError } from "../errors";
import { type Logger, silentLogger } from "../util/logger";
import { type Clock, type TimerHandle, systemClock } from "./clock";
import { buildCompoundBye, stripRtcpBye } from "./rtcp-bye";
import { looksLikeRtcp, rtpPayloadType } from "./rtp-classify";
import { TimelineRewriter, type TimelineRewriterJson, type TimelineRewriterOptions } from "./timeline-rewriter";

/** Options of {@link RtpForwarder}. */
export interface RtpForwarderOptions {
  /** Received payload types to forward (one codec: ffmpeg takes one per SDP m-line). */
  payloadTypes: readonly number[];
  /** Payload type written into forwarded packets, the one in the consumer's SDP. */
  outputPayloadType: number;
  /** Packets (RTP and RTCP) held until open(); the oldest go beyond. Default 4000. */
  maxQueue?: number;
  /** Bytes of those packets held at most; default {@link MAX_FORWARDER_QUEUE_BYTES}. */
  maxQueueBytes?: number;
  logger?: Logger;
  /** Consumer host; default 127.0.0.1. */
  host?: string;
  /** Our SSRC in the RR that precedes the BYE; random by default. */
  reporterSsrc?: number;
  /** Queued packets sent per flush tick when open() delivers the queue; default 50. */
  flushBatchSize?: number;
  /** Delay between flush ticks; default 1 ms (50 packets/ms: no loss into ffmpeg here). */
  flushIntervalMs?: number;
  clock?: Clock;
  /**
   * Where sendBye() goes: the consumer's RTP port (default) or its RTCP port (port + 1).
   * ffmpeg parses RTCP on either; on the RTP port the BYE cannot overtake media still unread.
   */
  byePort?: "rtp" | "rtcp";
  /**
   * When given, the stream is kept on one continuous timeline across SSRC changes and
   * sequence/timestamp jumps (see {@link TimelineRewriter}): its RTP clock rate, and whether the
   * marker bit ends a frame (video). Without it packets go out with the peer's numbers.
   */
  timeline?: { clockRate: number } & TimelineRewriterOptions;
}

/**
 * Bytes an {@link RtpForwarder} holds until its consumer listens (beyond, the oldest go).
 * 4000 packets of up to 64 KiB would be ~262 MB; 8 MiB holds the 4000 packets of ordinary size
 * (~1.2 kB) that the count allows.
 */
export const MAX_FORWARDER_QUEUE_BYTES = 8 * 1024 * 1024;

/** Lifecycle of an {@link RtpForwarder}. */
export type RtpForwarderState = "queueing" | "opening" | "flushing" | "open" | "closed";

/** Snapshot of an {@link RtpForwarder}. */
export interface RtpForwarderJson {
  state: RtpForwarderState;
  /** Consumer RTP port (RTCP is port + 1), once open. */
  port: number | undefined;
  /** Our sending socket's port, once open. */
  localPort: number | undefined;
  queued: number;
  queuedBytes: number;
  forwardedRtp: number;
  forwardedRtcp: number;
  byeSent: boolean;
  /** Peer BYEs removed from forwarded RTCP. */
  byeStripped: number;
  /** `straggler`: late packets of a timeline already left (see TimelineRewriter.rewrite). */
  dropped: { payloadType: number; invalid: number; overflow: number; discarded: number; straggler: number };
  ssrcs: number[];
  /** The output timeline's rebases, when the forwarder rewrites it (option `timeline`). */
  timeline?: TimelineRewriterJson;
  /** Peer RTCP not forwarded because the timeline was rebased (the peer's SRs no longer describe it). */
  rtcpWithheld: number;
}

interface Item {
  data: Buffer;
  /** Which consumer port it goes to. */
  port: "rtp" | "rtcp";
  what: "rtp" | "rtcp" | "bye";
}

/**
 * Forwards one medium to a local consumer (ffmpeg) at host:port (RTP) and port+1 (RTCP),
 * from its own ephemeral UDP socket.
 *
 * @remarks
 * The consumer binds its ports some time after the call is answered, and the first packets
 * carry the first keyframe (without them ffmpeg gave up: "dimensions not set"), so packets
 * are held in a queue bounded in packets and bytes until open(port), then delivered in order. When the queue is
 * full the oldest packet goes: a consumer that late needs a fresh keyframe anyway.
 * The queue is paced out, `flushBatchSize` packets every `flushIntervalMs`: sent in one
 * burst, 4000 1.2 kB packets overflowed ffmpeg's socket buffer (up to a third lost, the BYE
 * too); yielding with setImmediate between batches still lost some; 50 per 1 ms lost none.
 *
 * Only RTP of `payloadTypes` is forwarded, with its payload type rewritten to
 * `outputPayloadType` (telephone-event and anything else is dropped). The peer's RTCP is
 * forwarded (ffmpeg uses the SR for timing) minus any BYE: ffmpeg adds up BYEs over all its
 * streams and ends when the sum reaches the stream count, so two BYEs on one medium would end
 * the other too. The only BYE the consumer sees is the one sendBye() sends, once.
 *
 * With `timeline`, every packet goes out on one SSRC and one continuous sequence and timestamp line
 * ({@link TimelineRewriter}); once that line had to be rebased, the peer's RTCP is withheld.
 */
export class RtpForwarder {
  readonly #payloadTypes: ReadonlySet<number>;
  readonly #outputPayloadType: number;
  readonly #maxQueue: number;
  readonly #maxQueueBytes: number;
  readonly #logger: Logger;
  readonly #host: string;
  readonly #reporterSsrc: number;
  readonly #flushBatchSize: number;
  readonly #flushIntervalMs: number;
  readonly #clock: Clock;
  readonly #byePort: "rtp" | "rtcp";
  readonly #ssrcs = new Set<number>();
  #state: RtpForwarderState = "queueing";
  #queue: Item[] = [];
  #queueBytes = 0;
  #socket: dgram.Socket | undefined;
  #port: number | undefined;
  #flushTimer: TimerHandle | undefined;
  #flushed: (() => void) | undefined;
  #byeSent = false;
  readonly #timeline: TimelineRewriter | undefined;
  #counters = { forwardedRtp: 0, forwardedRtcp: 0, byeStripped: 0, rtcpWithheld: 0 };
  #dropped = { payloadType: 0, invalid: 0, overflow: 0, discarded: 0, straggler: 0 };

  constructor(options: RtpForwarderOptions) {
    const { outputPayloadType } = options;
    if (!Number.isInteger(outputPayloadType) || outputPayloadType < 0 || outputPayloadType > 127) {
      throw new ConfigError(`RtpForwarder: bad outputPayloadType ${outputPayloadType}`);
    }
    this.#payloadTypes = new Set(options.payloadTypes);
    this.#outputPayloadType = outputPayloadType;
    this.#maxQueue = options.maxQueue ?? 4000;
    this.#maxQueueBytes = options.maxQueueBytes ?? MAX_FORWARDER_QUEUE_BYTES;
    this.#flushBatchSize = options.flushBatchSize ?? 50;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1;
    this.#clock = options.clock ?? systemClock;
    for (const [name, value] of [["maxQueue", this.#maxQueue], ["maxQueueBytes", this.#maxQueueBytes], ["flushBatchSize", this.#flushBatchSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new ConfigError(`RtpForwarder: ${name} must be an integer >= 1, got ${value}`);
    }
    if (!(this.#flushIntervalMs >= 0)) throw new ConfigError(`RtpForwarder: flushIntervalMs must be >= 0, got ${this.#flushIntervalMs}`);
    this.#logger = options.logger ?? silentLogger;
    this.#host = options.host ?? "127.0.0.1";
    this.#reporterSsrc = (options.reporterSsrc ?? randomBytes(4).readUInt32BE(0)) >>> 0;
    this.#byePort = options.byePort ?? "rtp";
    const timeline = options.timeline;
    if (timeline) {
      if (!(timeline.clockRate > 0)) throw new ConfigError(`RtpForwarder: timeline.clockRate must be > 0, got ${timeline.clockRate}`);
      this.#timeline = new TimelineRewriter(timeline.clockRate, timeline);
    }
  }

  get state(): RtpForwarderState {
    return this.#state;
  }

  /**
   * Forwards (or queues) one RTP packet if its payload type is wanted, on the output timeline.
   * `arrivalMs` (on the forwarder's clock; default now) is when the packet was received: a timeline
   * rebase continues the output by the time that really passed, not by a jitter buffer's hold.
   * `placeAt`: see TimelineRewriter.rewrite.
   */
  pushRtp(packet: RtpPacket | Buffer, arrivalMs?: number, placeAt?: number): void {
    if (this.#state === "closed") return;
    const buf = Buffer.isBuffer(packet) ? packet : Buffer.from(packet.serialize());
    if (buf.length < 12 || buf[0] >> 6 !== 2 || looksLikeRtcp(buf)) {
      this.#dropped.invalid++;
      return;
    }
    if (!this.#payloadTypes.has(rtpPayloadType(buf))) {
      this.#dropped.payloadType++;
      return;
    }
    // A copy: the caller's buffer may go to other listeners too.
    const out = Buffer.from(buf);
    out[1] = (out[1] & 0x80) | this.#outputPayloadType;
    if (this.#timeline) {
      const r = this.#timeline.rewrite(out.readUInt32BE(8), out.readUInt16BE(2), out.readUInt32BE(4), arrivalMs ?? this.#clock.now(), (out[1] & 0x80) !== 0, placeAt);
      if (!r) {
        this.#dropped.straggler++;
        return;
      }
      if (r.rebased) this.#logger.log("info", "rtp:forward", `the peer's RTP timeline changed (SSRC ${out.readUInt32BE(8).toString(16)}, seq ${out.readUInt16BE(2)}): the output continues at seq ${r.seq}`);
      out.writeUInt16BE(r.seq, 2);
      out.writeUInt32BE(r.timestamp, 4);
      out.writeUInt32BE(r.ssrc, 8);
    }
    this.#ssrcs.add(out.readUInt32BE(8));
    this.#deliver({ data: out, port: "rtp", what: "rtp" });
  }

  /** Forwards (or queues) one RTCP datagram from the peer, without its BYE packets. */
  pushRtcp(buf: Buffer): void {
    if (this.#state === "closed") return;
    if (!looksLikeRtcp(buf)) {
      this.#dropped.invalid++;
      return;
    }
    // After a rebase the peer's SRs map its NTP clock to timestamps the output no longer uses (and a
    // new source's NTP clock may not be the old one's): ffmpeg keeps timing from the last SR it had,
    // on the output's continuous timestamps.
    // A new source's reports may come before its first packet (a re-INVITE's new sender): they map
    // its own timestamps, not the output's, and ffmpeg does not check whose SR it reads.
    if (this.#timeline?.rebased || (this.#timeline && buf.length >= 8 && !this.#timeline.isCurrentSource(buf.readUInt32BE(4)))) {
      this.#counters.rtcpWithheld++;
      return;
    }
    const kept = stripRtcpBye(buf);
    if (kept !== buf) this.#counters.byeStripped++;
    if (kept) this.#deliver({ data: kept, port: "rtcp", what: "rtcp" });
  }

  /**
   * Puts an RTCP datagram ahead of everything queued (after open(): sends it now), to the
   * consumer's RTP port: the SR that anchors this stream's timing. ffmpeg parses RTCP on either
   * port but reads the two sockets in no fixed order; on the RTP port nothing queued behind the SR
   * can overtake it.
   */
  pushLeadingRtcp(buf: Buffer): void {
    if (this.#state === "closed") return;
    if (!looksLikeRtcp(buf)) {
      this.#dropped.invalid++;
      return;
    }
    const item: Item = { data: this.#mapLeadingReport(Buffer.from(buf)), port: "rtp", what: "rtcp" };
    if (this.#state === "open") this.#send(item);
    else {
      this.#queue.unshift(item);
      this.#queueBytes += item.data.length;
      this.#trimQueue(1);
    }
  }

  /**
   * The consumer listens now: binds our sending socket, then delivers the queue in order.
   * Resolves once the queue is flushed (at once if close() comes first).
   * @throws InvalidStateError when called twice; ConfigError for a bad port.
   */
  async open(port: number): Promise<void> {
    if (!Number.isInteger(port) || port < 1 || port > 65534) {
      throw new ConfigError(`RtpForwarder.open: bad consumer port ${port} (RTCP goes to port + 1)`);
    }
    if (this.#state !== "queueing") throw new InvalidStateError(`RtpForwarder.open: state is ${this.#state}`);
    this.#state = "opening";
    const socket = dgram.createSocket(isIPv6(this.#host) ? "udp6" : "udp4");
    socket.on("error", (error) => this.#logger.log("warn", "rtp:forward", `socket error: ${error.message}`));
    await new Promise<void>((resolve) => socket.bind({ address: this.#host, port: 0 }, resolve));
    // ffmpeg sends RTCP RRs back to us: nobody needs them.
    socket.on("message", () => undefined);
    // close() may have run while we were binding.
    if ((this.#state as RtpForwarderState) === "closed") {
      socket.close();
      return;
    }
    this.#socket = socket;
    this.#port = port;
    this.#state = "flushing";
    this.#logger.log("debug", "rtp:forward", `consumer at port ${port}: delivering ${this.#queue.length} queued packet(s)`);
    await new Promise<void>((resolve) => {
      this.#flushed = resolve;
      this.#flushBatch();
    });
  }

  /**
   * Sends, once, an RTCP BYE (after an empty RR, see buildCompoundBye) for the SSRCs
   * forwarded so far: ffmpeg ends its input when every stream got one. Queued behind the
   * media until open().
   * @returns false if a BYE was sent before or the forwarder is closed.
   */
  sendBye(): boolean {
    if (this.#state === "closed" || this.#byeSent) return false;
    this.#byeSent = true;
    const ssrcs = this.#ssrcs.size > 0 ? [...this.#ssrcs].slice(0, 31) : [this.#reporterSsrc];
    this.#deliver({ data: buildCompoundBye(this.#reporterSsrc, ssrcs), port: this.#byePort, what: "bye" });
    return true;
  }

  /**
   * Drops everything queued so far (only before open()): the consumer is to start with what comes
   * next. Returns how many packets went.
   */
  discardQueued(): number {
    if (this.#state !== "queueing") return 0;
    const n = this.#queue.length;
    this.#queue = [];
    this.#queueBytes = 0;
    this.#dropped.discarded += n;
    return n;
  }

  toJSON(): RtpForwarderJson {
    return {
      state: this.#state,
      port: this.#port,
      localPort: this.#socket?.address().port,
      queued: this.#queue.length,
      queuedBytes: this.#queueBytes,
      ...this.#counters,
      byeSent: this.#byeSent,
      dropped: { ...this.#dropped },
      ssrcs: [...this.#ssrcs],
      ...(this.#timeline ? { timeline: this.#timeline.toJSON() } : {}),
    };
  }

  /** Drops the queue and closes the socket; idempotent. A pending open() resolves. */
  close(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#queue = [];
    this.#queueBytes = 0;
    if (this.#flushTimer !== undefined) this.#clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#resolveFlushed();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  /**
   * A leading SR (a bare SR, see findSenderReport/buildSenderReport) about the current source, on the
   * output timeline: the source may have changed before the consumer opened. Others pass unchanged.
   */
  #mapLeadingReport(sr: Buffer): Buffer {
    if (!this.#timeline || sr.length < 28 || sr[1] !== 200) return sr;
    const mapped = this.#timeline.mapReport(sr.readUInt32BE(4), sr.readUInt32BE(16));
    if (mapped) {
      sr.writeUInt32BE(mapped.ssrc, 4);
      sr.writeUInt32BE(mapped.timestamp, 16);
    }
    return sr;
  }

  #deliver(item: Item): void {
    if (this.#state === "open") {
      this.#send(item);
      return;
    }
    this.#queue.push(item);
    this.#queueBytes += item.data.length;
    this.#trimQueue();
  }

  /**
   * Drops the oldest packets beyond the count and byte limits, sparing the first `spare` (a leading
   * SR just put in front). The oldest, not the newest: what is kept is closest to live, and a
   * consumer that late asks for a fresh keyframe anyway.
   */
  #trimQueue(spare = 0): void {
    while ((this.#queue.length > this.#maxQueue || this.#queueBytes > this.#maxQueueBytes) && this.#queue.length > spare) {
      const [dropped] = this.#queue.splice(spare, 1);
      if (!dropped) break;
      this.#queueBytes -= dropped.data.length;
      this.#dropped.overflow++;
    }
  }

  /** Sends one batch; packets pushed meanwhile join the queue's tail, so order holds. */
  #flushBatch(): void {
    this.#flushTimer = undefined;
    if (this.#state !== "flushing") return;
    for (const item of this.#queue.splice(0, this.#flushBatchSize)) {
      this.#queueBytes -= item.data.length;
      this.#send(item);
    }
    if (this.#queue.length > 0) {
      this.#flushTimer = this.#clock.setTimeout(() => this.#flushBatch(), this.#flushIntervalMs);
      return;
    }
    this.#state = "open";
    this.#resolveFlushed();
  }

  #resolveFlushed(): void {
    const resolve = this.#flushed;
    this.#flushed = undefined;
    resolve?.();
  }

  #send(item: Item): void {
    const socket = this.#socket;
    const port = this.#port;
    if (!socket || port === undefined) return;
    if (item.what === "rtp") this.#counters.forwardedRtp++;
    else if (item.what === "rtcp") this.#counters.forwardedRtcp++;
    socket.send(item.data, item.port === "rtcp" ? port + 1 : port, this.#host, (error) => {
      if (error) this.#logger.log("debug", "rtp:forward", `send failed: ${error.message}`);
    });
  }
}
