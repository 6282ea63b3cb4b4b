import { randomBytes } from "node:crypto";
import type * as dgram from "node:dgram";
import { RtcpPacketConverter, RtcpSrPacket, type RtpPacket } from "werift-rtp";
import { ConfigError, InvalidStateError } from "../errors";
import { type Logger, silentLogger } from "../util/logger";
import { TypedEmitter } from "../util/typed-emitter";
import { ArrivalAnchor, type ArrivalAnchorValue } from "./arrival-anchor";
import { type Clock, type TimerHandle, systemClock } from "./clock";
import { type Endpoint, formatEndpoint } from "./endpoint";
import { isH264KeyframeStart } from "./h264-keyframe";
import { ReceptionStats, type ReceptionStatsJson } from "./reception-stats";
import { buildFir, buildPli } from "./rtcp-feedback";
import { buildReceiverReport } from "./rtcp-report";
import { looksLikeRtcp, parseRtp } from "./rtp-classify";
import { findSenderReport, senderReportSsrc } from "./sender-report";
import type { PacketProtector } from "./packet-protector";
import type { RtpSocketPair } from "./rtp-socket-pair";
import { SymmetricLatch } from "./symmetric-latch";

/** The medium an {@link RtpChannel} carries. */
export type MediaKind = "audio" | "video";

/** What the negotiated SDP says about the peer's side of one medium. */
export interface RtpRemote {
  /** Connection address (c=) of the medium. */
  address: string;
  rtpPort: number;
  /** From a=rtcp, else rtpPort + 1 (RFC 3605); ignored when rtcpMux. */
  rtcpPort: number;
  rtcpMux: boolean;
  /** Payload types accepted on receive (the answer's formats, telephone-event included). */
  payloadTypes: readonly number[];
  /** The peer's SSRC from a=ssrc, used for keyframe requests before its first RTP packet. */
  ssrc?: number;
}

/** Options of {@link RtpChannel}. */
export interface RtpChannelOptions {
  kind: MediaKind;
  /** The sockets; the channel owns them from now on and closes them in close(). */
  sockets: RtpSocketPair;
  /** RTP clock rate of the received stream (90000 for video, 8000 for G.711), for jitter. */
  clockRate: number;
  /** Our SSRC in RTCP (and in RTP we send); random by default. */
  localSsrc?: number;
  /** Our SDES CNAME; a random 16-character one per RFC 7022 by default. */
  cname?: string;
  logger?: Logger;
  /** Receiver report period; default 2000 ms. Not randomized as RFC 3550 §6.3 would. */
  rrIntervalMs?: number;
  clock?: Clock;
  /** Tells whether a payload starts a keyframe; default: H.264 for video, none for audio. */
  keyframeDetector?: (payload: Buffer) => boolean;
  /** Datagrams kept while setRemote() has not been called yet; default 2000. */
  maxPendingBeforeRemote?: number;
}

/** Events of {@link RtpChannel}, emitted with safeEmit. */
export type RtpChannelEvents = {
  /** An accepted RTP packet, parsed and raw. */
  rtp: [RtpPacket, Buffer];
  /** An RTCP datagram from the peer (compound, as received). */
  rtcp: [Buffer];
  /** A packet that starts a keyframe arrived (once per frame timestamp). */
  keyframe: [];
  /** A flow latched to the peer's real source address. */
  latched: ["rtp" | "rtcp", Endpoint];
  close: [];
};

/** Snapshot of an {@link RtpChannel}. */
export interface RtpChannelJson {
  kind: MediaKind;
  localSsrc: number;
  remoteSsrc: number | undefined;
  rtpPort: number;
  rtcpPort: number;
  rtpDestination: string | undefined;
  rtcpDestination: string | undefined;
  rtpLatched: boolean;
  rtcpLatched: boolean;
  packetsReceived: number;
  bytesReceived: number;
  packetsLost: number;
  /** Jitter of the current remote SSRC in timestamp units and in milliseconds. */
  jitter: number;
  jitterMs: number;
  rtcpReceived: number;
  rtcpSent: number;
  rtpSent: number;
  pliSent: number;
  firSent: number;
  keyframesReceived: number;
  pendingBeforeRemote: number;
  dropped: { invalid: number; payloadType: number; foreignSource: number; pendingOverflow: number };
  sendErrors: number;
  sources: ReceptionStatsJson[];
}

interface Datagram {
  via: "rtp" | "rtcp";
  data: Buffer;
  source: Endpoint;
  arrivalMs: number;
}

/** Statistics are kept for this many SSRCs at most; the oldest is forgotten beyond. */
const MAX_SOURCES = 8;

/**
 * One medium of a call: receives RTP/RTCP on its socket pair, latches to the peer's real
 * addresses, keeps RFC 3550 receive statistics, sends receiver reports and keyframe requests.
 *
 * @remarks
 * Symmetric RTP latching: until a packet arrives, RTP and RTCP go to the SDP addresses. The
 * source of the first valid RTP packet (version 2, accepted payload type) becomes the RTP
 * destination, the source of the first RTCP packet the RTCP destination; later packets from
 * other sources are dropped and counted. Peers send RTP and RTCP before their 200 OK is
 * processed (baresip: 10–20 ms), so the sockets are read from construction on, and datagrams
 * that arrive before setRemote() are kept and processed, in order, when it is called.
 * From the first accepted RTP packet on, a compound RR + SDES CNAME goes out every
 * `rrIntervalMs`. SRs from the peer feed LSR/DLSR. No jitter buffer: packets are emitted
 * as they arrive (each consumer reorders with its own {@link JitterBuffer}).
 *
 * For A/V sync of an output that starts mid-call, the channel keeps the peer's latest SR per
 * SSRC (peers send one only every ~5 s, and ffmpeg needs one before the first packet: see
 * RepublishAttempt) and an {@link ArrivalAnchor}, the stand-in for peers that send none.
 */
export class RtpChannel extends TypedEmitter<RtpChannelEvents> {
  readonly kind: MediaKind;
  readonly localSsrc: number;
  readonly cname: string;
  readonly #sockets: RtpSocketPair;
  readonly #clockRate: number;
  readonly #logger: Logger;
  readonly #category: string;
  readonly #rrIntervalMs: number;
  readonly #clock: Clock;
  readonly #keyframeDetector: ((payload: Buffer) => boolean) | undefined;
  readonly #maxPending: number;
  readonly #rtpLatch = new SymmetricLatch();
  readonly #rtcpLatch = new SymmetricLatch();
  readonly #sources = new Map<number, ReceptionStats>();
  /** The peer's latest SR packet per sender SSRC (at most MAX_SOURCES). */
  readonly #senderReports = new Map<number, Buffer>();
  readonly #arrival: ArrivalAnchor;
  readonly #onRtpMessage = (data: Buffer, rinfo: dgram.RemoteInfo): void => this.#onDatagram("rtp", data, rinfo);
  readonly #onRtcpMessage = (data: Buffer, rinfo: dgram.RemoteInfo): void => this.#onDatagram("rtcp", data, rinfo);
  readonly #onSocketError = (error: Error): void => {
    this.#logger.log("warn", this.#category, `socket error: ${error.message}`);
  };
  #remote: RtpRemote | undefined;
  #protector: PacketProtector | undefined;
  #payloadTypes = new Set<number>();
  #pending: Datagram[] = [];
  #rrTimer: TimerHandle | undefined;
  #closed = false;
  #remoteSsrc: number | undefined;
  #lastKeyframeTimestamp: number | undefined;
  #firSeq = 0;
  #counters = {
    packetsReceived: 0,
    bytesReceived: 0,
    rtcpReceived: 0,
    rtcpSent: 0,
    rtpSent: 0,
    pliSent: 0,
    firSent: 0,
    keyframesReceived: 0,
    sendErrors: 0,
  };
  #dropped = { invalid: 0, payloadType: 0, foreignSource: 0, pendingOverflow: 0 };

  constructor(options: RtpChannelOptions) {
    super();
    if (!(options.clockRate > 0)) throw new ConfigError(`RtpChannel: clockRate must be > 0, got ${options.clockRate}`);
    this.kind = options.kind;
    this.#sockets = options.sockets;
    this.#clockRate = options.clockRate;
    this.localSsrc = (options.localSsrc ?? randomBytes(4).readUInt32BE(0)) >>> 0;
    this.cname = options.cname ?? randomBytes(12).toString("base64");
    this.#logger = options.logger ?? silentLogger;
    this.#category = `rtp:${options.kind}`;
    this.#rrIntervalMs = options.rrIntervalMs ?? 2000;
    this.#clock = options.clock ?? systemClock;
    this.#keyframeDetector = options.keyframeDetector ?? (options.kind === "video" ? isH264KeyframeStart : undefined);
    this.#maxPending = options.maxPendingBeforeRemote ?? 2000;
    this.#arrival = new ArrivalAnchor(options.clockRate);
    for (const [socket, listener] of [
      [this.#sockets.rtp, this.#onRtpMessage],
      [this.#sockets.rtcp, this.#onRtcpMessage],
    ] as const) {
      socket.on("message", listener);
      socket.on("error", this.#onSocketError);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Local RTP port (even) and RTCP port (RTP + 1), for the SDP. */
  get rtpPort(): number {
    return this.#sockets.rtpPort;
  }

  get rtcpPort(): number {
    return this.#sockets.rtcpPort;
  }

  /** The peer's media SSRC: the last one seen in RTP, else the SDP's. */
  get remoteSsrc(): number | undefined {
    return this.#remoteSsrc ?? this.#remote?.ssrc;
  }

  /**
   * The peer's latest RTCP SR (the SR packet alone, as sent) for the current remote SSRC, or,
   * before any RTP, the latest SR of any source; undefined when it has sent none.
   */
  latestSenderReport(): Buffer | undefined {
    const ssrc = this.remoteSsrc;
    if (ssrc !== undefined) return this.#senderReports.get(ssrc);
    return [...this.#senderReports.values()].at(-1);
  }

  /** Where the current source's last RTP timestamp sits on this channel's clock, from arrival times (see ArrivalAnchor). */
  arrivalAnchor(): ArrivalAnchorValue | undefined {
    return this.#arrival.value();
  }

  /**
   * SRTP/SRTCP at the socket edge: datagrams are unprotected before anything reads them (those
   * that fail are dropped as invalid) and protected as they are sent. Set it before setRemote(),
   * which processes the datagrams that came earlier. undefined: plain RTP.
   */
  setProtector(protector: PacketProtector | undefined): void {
    this.#protector = protector;
  }

  /**
   * Sets the peer's addresses and accepted payload types from the negotiated SDP, then
   * processes the datagrams that arrived before. Calling it again (re-INVITE) replaces them
   * and forgets the latched sources.
   * @throws InvalidStateError after close(); ConfigError for bad ports or payload types.
   */
  setRemote(remote: RtpRemote): void {
    if (this.#closed) throw new InvalidStateError("RtpChannel is closed");
    validateRemote(remote);
    const first = this.#remote === undefined;
    this.#remote = { ...remote, payloadTypes: [...remote.payloadTypes] };
    this.#payloadTypes = new Set(remote.payloadTypes);
    this.#rtpLatch.setFallback({ address: remote.address, port: remote.rtpPort });
    this.#rtcpLatch.setFallback({ address: remote.address, port: remote.rtcpMux ? remote.rtpPort : remote.rtcpPort });
    if (!first) {
      this.#rtpLatch.reset();
      this.#rtcpLatch.reset();
    }
    const pending = this.#pending;
    this.#pending = [];
    if (pending.length > 0) {
      this.#logger.log("debug", this.#category, `processing ${pending.length} datagram(s) that came before the SDP`);
    }
    for (const d of pending) {
      if (this.#closed) break;
      this.#process(d);
    }
  }

  /**
   * Asks the peer for a keyframe: a PLI and a FIR (new sequence number each time), as two
   * datagrams to the RTCP destination. The media SSRC is the last one seen in RTP, else the
   * SDP's, else 0 (baresip does not check it).
   * @returns false when closed or when there is no RTCP destination yet.
   */
  requestKeyframe(): boolean {
    const destination = this.#rtcpLatch.destination;
    if (this.#closed || !destination) return false;
    const mediaSsrc = this.remoteSsrc ?? 0;
    this.#sendRtcp(buildPli(this.localSsrc, mediaSsrc), destination);
    this.#sendRtcp(buildFir(this.localSsrc, mediaSsrc, this.#firSeq), destination);
    this.#firSeq = (this.#firSeq + 1) & 0xff;
    this.#counters.pliSent++;
    this.#counters.firSent++;
    return true;
  }

  /**
   * Sends a ready-made RTP datagram (DTMF events, silence) to the RTP destination.
   * @returns false when closed or when there is no destination yet.
   */
  sendRtp(buf: Buffer): boolean {
    const destination = this.#rtpLatch.destination;
    if (this.#closed || !destination) return false;
    this.#counters.rtpSent++;
    this.#sendTo(this.#sockets.rtp, buf, destination, "rtp");
    return true;
  }

  toJSON(): RtpChannelJson {
    const current = this.#remoteSsrc === undefined ? undefined : this.#sources.get(this.#remoteSsrc);
    const sources = [...this.#sources.values()].filter((s) => s.packetsReceived > 0);
    const rtpDestination = this.#rtpLatch.destination;
    const rtcpDestination = this.#rtcpLatch.destination;
    return {
      kind: this.kind,
      localSsrc: this.localSsrc,
      remoteSsrc: this.remoteSsrc,
      rtpPort: this.rtpPort,
      rtcpPort: this.rtcpPort,
      rtpDestination: rtpDestination && formatEndpoint(rtpDestination),
      rtcpDestination: rtcpDestination && formatEndpoint(rtcpDestination),
      rtpLatched: this.#rtpLatch.latched !== undefined,
      rtcpLatched: this.#rtcpLatch.latched !== undefined,
      ...this.#counters,
      packetsLost: sources.reduce((sum, s) => sum + s.packetsLost, 0),
      jitter: current ? Math.floor(current.jitter) : 0,
      jitterMs: current ? (current.jitter * 1000) / this.#clockRate : 0,
      pendingBeforeRemote: this.#pending.length,
      dropped: { ...this.#dropped },
      sources: sources.map((s) => s.toJSON()),
    };
  }

  /** Stops the report timer and closes the sockets; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#rrTimer !== undefined) this.#clock.clearInterval(this.#rrTimer);
    this.#rrTimer = undefined;
    this.#pending = [];
    this.#sockets.rtp.off("message", this.#onRtpMessage);
    this.#sockets.rtcp.off("message", this.#onRtcpMessage);
    this.#sockets.close();
    // Keep the error listeners: a late error on a closing socket must not become an uncaught one.
    this.safeEmit("close");
  }

  #onDatagram(via: "rtp" | "rtcp", data: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#closed) return;
    const datagram: Datagram = { via, data, source: { address: rinfo.address, port: rinfo.port }, arrivalMs: this.#clock.now() };
    if (this.#remote) {
      this.#process(datagram);
      return;
    }
    this.#pending.push(datagram);
    if (this.#pending.length > this.#maxPending) {
      this.#pending.shift();
      this.#dropped.pendingOverflow++;
    }
  }

  #process(received: Datagram): void {
    const d = this.#unprotect(received);
    if (!d) {
      this.#dropped.invalid++;
    } else if (looksLikeRtcp(d.data)) {
      // With rtcp-mux RTCP shares the RTP port (RFC 5761); otherwise only the RTCP port has it.
      if (d.via === "rtcp" || this.#remote?.rtcpMux) this.#onRtcp(d);
      else this.#dropped.invalid++;
    } else if (d.via === "rtp") {
      this.#onRtp(d);
    } else {
      this.#dropped.invalid++;
    }
  }

  #unprotect(d: Datagram): Datagram | undefined {
    if (!this.#protector) return d;
    const data = looksLikeRtcp(d.data) ? this.#protector.unprotectRtcp(d.data) : this.#protector.unprotectRtp(d.data);
    return data ? { ...d, data } : undefined;
  }

  #onRtp(d: Datagram): void {
    const packet = parseRtp(d.data);
    if (!packet) {
      this.#dropped.invalid++;
      return;
    }
    if (!this.#payloadTypes.has(packet.header.payloadType)) {
      this.#dropped.payloadType++;
      return;
    }
    if (!this.#admit(this.#rtpLatch, "rtp", d.source)) return;
    this.#counters.packetsReceived++;
    this.#counters.bytesReceived += d.data.length;
    const ssrc = packet.header.ssrc;
    if (this.#remoteSsrc !== ssrc) {
      this.#logger.log("debug", this.#category, `remote SSRC ${ssrc.toString(16)}`);
      this.#remoteSsrc = ssrc;
    }
    this.#statsFor(ssrc).update(packet.header, d.arrivalMs, this.#clockRate);
    this.#arrival.update(ssrc, packet.header.timestamp, d.arrivalMs);
    this.#startReports();
    this.safeEmit("rtp", packet, d.data);
    if (this.#keyframeDetector?.(packet.payload) && this.#lastKeyframeTimestamp !== packet.header.timestamp) {
      this.#lastKeyframeTimestamp = packet.header.timestamp;
      this.#counters.keyframesReceived++;
      this.safeEmit("keyframe");
    }
  }

  #onRtcp(d: Datagram): void {
    if (!this.#admit(this.#rtcpLatch, "rtcp", d.source)) return;
    this.#counters.rtcpReceived++;
    let packets: ReturnType<typeof RtcpPacketConverter.deSerialize> = [];
    try {
      packets = RtcpPacketConverter.deSerialize(d.data);
    } catch {
      // a truncated compound packet: keep what the peer meant for ffmpeg, skip our statistics
    }
    for (const packet of packets) {
      if (packet instanceof RtcpSrPacket) this.#statsFor(packet.ssrc).onSenderReport(packet, d.arrivalMs);
    }
    this.#rememberSenderReport(d.data);
    this.safeEmit("rtcp", d.data);
  }

  #rememberSenderReport(data: Buffer): void {
    const sr = findSenderReport(data);
    if (!sr) return;
    const ssrc = senderReportSsrc(sr);
    // Re-inserted so that the map's order is the order of arrival.
    this.#senderReports.delete(ssrc);
    this.#senderReports.set(ssrc, sr);
    if (this.#senderReports.size > MAX_SOURCES) this.#senderReports.delete(this.#senderReports.keys().next().value as number);
  }

  /** Applies latching; logs and emits on the first packet, counts foreign ones. */
  #admit(latch: SymmetricLatch, flow: "rtp" | "rtcp", source: Endpoint): boolean {
    const verdict = latch.offer(source);
    if (verdict === "rejected") {
      this.#dropped.foreignSource++;
      return false;
    }
    if (verdict === "latched") {
      this.#logger.log("debug", this.#category, `${flow} latched to ${formatEndpoint(source)}`);
      this.safeEmit("latched", flow, { ...source });
    }
    return true;
  }

  #statsFor(ssrc: number): ReceptionStats {
    let stats = this.#sources.get(ssrc);
    if (!stats) {
      stats = new ReceptionStats(ssrc);
      this.#sources.set(ssrc, stats);
      if (this.#sources.size > MAX_SOURCES) {
        const oldest = this.#sources.keys().next().value as number;
        this.#sources.delete(oldest);
      }
    }
    return stats;
  }

  #startReports(): void {
    if (this.#rrTimer !== undefined || this.#closed) return;
    this.#rrTimer = this.#clock.setInterval(() => this.#sendReport(), this.#rrIntervalMs);
  }

  #sendReport(): void {
    const destination = this.#rtcpLatch.destination;
    if (this.#closed || !destination) return;
    const now = this.#clock.now();
    const blocks = [...this.#sources.values()].filter((s) => s.packetsReceived > 0).map((s) => s.reportBlock(now));
    this.#sendRtcp(buildReceiverReport(this.localSsrc, blocks, this.cname), destination);
  }

  #sendRtcp(buf: Buffer, destination: Endpoint): void {
    this.#counters.rtcpSent++;
    const socket = this.#remote?.rtcpMux ? this.#sockets.rtp : this.#sockets.rtcp;
    this.#sendTo(socket, buf, destination, "rtcp");
  }

  #sendTo(socket: dgram.Socket, plain: Buffer, destination: Endpoint, flow: "rtp" | "rtcp"): void {
    // An unspecified address is the old way to say "hold" (RFC 3264 §8.4): never send there.
    if (destination.address === "0.0.0.0" || destination.address === "::") return;
    try {
      const p = this.#protector;
      const buf = !p ? plain : flow === "rtp" ? p.protectRtp(plain) : p.protectRtcp(plain);
      socket.send(buf, destination.port, destination.address, (error) => {
        if (!error) return;
        this.#counters.sendErrors++;
        this.#logger.log("debug", this.#category, `send to ${formatEndpoint(destination)} failed: ${error.message}`);
      });
    } catch (error) {
      this.#counters.sendErrors++;
      this.#logger.log("debug", this.#category, `send failed: ${(error as Error).message}`);
    }
  }
}

function validateRemote(remote: RtpRemote): void {
  const badPort = (p: number): boolean => !Number.isInteger(p) || p < 1 || p > 65535;
  if (!remote.address) throw new ConfigError("RtpChannel.setRemote: address is empty");
  if (badPort(remote.rtpPort)) throw new ConfigError(`RtpChannel.setRemote: bad rtpPort ${remote.rtpPort}`);
  if (!remote.rtcpMux && badPort(remote.rtcpPort)) {
    throw new ConfigError(`RtpChannel.setRemote: bad rtcpPort ${remote.rtcpPort}`);
  }
  for (const pt of remote.payloadTypes) {
    if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new ConfigError(`RtpChannel.setRemote: bad payload type ${pt}`);
  }
}
