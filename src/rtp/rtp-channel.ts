import { randomBytes } from "node:crypto";
import type * as dgram from "node:dgram";
import { RtcpPacketConverter, RtcpSrPacket, type RtpPacket } from "werift-rtp";
import { ConfigError, InvalidStateError } from "../errors";
import { type Logger, silentLogger } from "../util/logger";
import { TypedEmitter } from "../util/typed-emitter";
import { ArrivalAnchor, type ArrivalAnchorValue } from "./arrival-anchor";
import { type Clock, type TimerHandle, systemClock } from "./clock";
import { type Endpoint, formatEndpoint, sameAddress } from "./endpoint";
import { isH264KeyframeStart } from "./h264-keyframe";
import { ReceptionStats, type ReceptionStatsJson } from "./reception-stats";
import { buildFir, buildPli } from "./rtcp-feedback";
import { buildReceiverReport } from "./rtcp-report";
import { looksLikeRtcp, parseRtp } from "./rtp-classify";
import { findSenderReport, senderReportSsrc } from "./sender-report";
import type { PacketProtector } from "./packet-protector";
import type { RtpSocketPair } from "./rtp-socket-pair";
import { DEFAULT_RTP_SOURCE_CHECK, RTP_LEARN_PACKETS, type RtpSourceCheck } from "./rtp-source-check";
import { SymmetricLatch, endpointKey } from "./symmetric-latch";

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
  /** Bytes of those datagrams kept at most; default {@link MAX_PENDING_BYTES_BEFORE_REMOTE}. */
  maxPendingBytesBeforeRemote?: number;
  /** Which sources may become the peer's (see {@link RtpSourceCheck}); default "signalled". */
  sourceCheck?: RtpSourceCheck;
}

/**
 * Bytes of datagrams an {@link RtpChannel} keeps while the call is not answered yet (beyond, the
 * oldest go). 2000 datagrams of up to 64 KiB each would be ~131 MB per channel; 4 MiB holds the
 * 2000 packets of ordinary size (~1.2 kB) that the count allows.
 */
export const MAX_PENDING_BYTES_BEFORE_REMOTE = 4 * 1024 * 1024;

/** A dropped packet from an unexpected source is logged at most this often per channel. */
const FOREIGN_LOG_INTERVAL_MS = 10_000;

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
  /** The source check in force, and the address sources must have ("signalled"; in "learn" mode the RTP source's, for RTCP). */
  sourceCheck: RtpSourceCheck;
  expectedAddress: string | undefined;
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
  pendingBytesBeforeRemote: number;
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

/** Statistics are kept for this many SSRCs at most; the oldest is forgotten beyond. Also: candidates held in "learn" mode. */
const MAX_SOURCES = 8;

/** A candidate's held list that reaches this length loses its oldest: it keeps at most one probation's worth minus the packet that latches. */
const RTP_LEARN_HELD_MAX = RTP_LEARN_PACKETS;

/**
 * One medium of a call: receives RTP/RTCP on its socket pair, latches to the peer's real
 * addresses, keeps RFC 3550 receive statistics, sends receiver reports and keyframe requests.
 *
 * @remarks
 * Symmetric RTP latching, restricted to the peer: until a packet arrives, RTP and RTCP go to the
 * SDP addresses. With `sourceCheck` "signalled" (default), the source of the first valid RTP
 * packet (version 2, accepted payload type) whose address is the SDP's connection address, from
 * any port, becomes the RTP destination, likewise for RTCP; with "learn", the first source that
 * sends {@link RTP_LEARN_PACKETS} in-sequence RTP packets (held meanwhile, then delivered), and
 * RTCP from that source's address. Every other packet is dropped and counted
 * (`dropped.foreignSource`), and logged at most every 10 s: a third party spraying the port, even
 * before the answer, gets neither the call's media nor its DTMF.
 * Peers send RTP and RTCP before their 200 OK is processed (baresip: 10–20 ms), so the sockets
 * are read from construction on, and datagrams that arrive before setRemote() are kept (bounded
 * in count and bytes, the oldest go) and processed, in order, when it is called; an SDP seen
 * before the answer (183) names the address they must come from (expectPeerAddress).
 * From the first accepted RTP packet on, a compound RR + SDES CNAME goes out every
 * `rrIntervalMs`. SRs from the peer feed LSR/DLSR. No jitter buffer: packets are emitted
 * as they arrive (each consumer reorders with its own {@link JitterBuffer}).
 *
 * For A/V sync of an output that starts mid-call, the channel keeps the peer's latest SR per
 * SSRC (peers send one only every ~5 s, and ffmpeg needs one before the first packet: see
 * chooseSyncAnchors in src/output/ffmpeg) and an {@link ArrivalAnchor}, the stand-in for peers that send none.
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
  readonly #maxPendingBytes: number;
  readonly #sourceCheck: RtpSourceCheck;
  readonly #rtpLatch: SymmetricLatch;
  /** Always "signalled": its expected address is the SDP's, or in "learn" mode the learnt RTP source's. */
  readonly #rtcpLatch = new SymmetricLatch({ sourceCheck: "signalled" });
  /** "learn" mode: RTP of each candidate source, delivered once it is learnt. */
  readonly #held = new Map<string, Array<{ packet: RtpPacket; datagram: Datagram }>>();
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
  #pendingBytes = 0;
  #foreignLoggedAt: number | undefined;
  #foreignSinceLog = 0;
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
    this.#maxPendingBytes = options.maxPendingBytesBeforeRemote ?? MAX_PENDING_BYTES_BEFORE_REMOTE;
    this.#sourceCheck = options.sourceCheck ?? DEFAULT_RTP_SOURCE_CHECK;
    if (this.#sourceCheck !== "signalled" && this.#sourceCheck !== "learn") {
      throw new ConfigError(`RtpChannel: sourceCheck must be "signalled" or "learn", got ${String(this.#sourceCheck)}`);
    }
    this.#rtpLatch = new SymmetricLatch({ sourceCheck: this.#sourceCheck });
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
   * processes the datagrams that arrived before. Calling it again (re-INVITE) replaces them;
   * when the address or a port changed, the latched sources are forgotten and latching starts
   * over from the new address. An unspecified address (c=0.0.0.0, the old way to hold) keeps
   * the address sources must come from: the peer may still send from where it was.
   * `address` must be an IP address (resolve host names first: a name here would be looked up
   * for every packet sent).
   * @throws InvalidStateError after close(); ConfigError for bad ports or payload types.
   */
  setRemote(remote: RtpRemote): void {
    if (this.#closed) throw new InvalidStateError("RtpChannel is closed");
    validateRemote(remote);
    const previous = this.#remote;
    this.#remote = { ...remote, payloadTypes: [...remote.payloadTypes] };
    this.#payloadTypes = new Set(remote.payloadTypes);
    this.#rtpLatch.setFallback({ address: remote.address, port: remote.rtpPort });
    this.#rtcpLatch.setFallback({ address: remote.address, port: remote.rtcpMux ? remote.rtpPort : remote.rtcpPort });
    const unspecified = isUnspecified(remote.address);
    if (previous !== undefined && movedPeer(previous, remote, unspecified)) {
      this.#rtpLatch.reset();
      this.#rtcpLatch.reset();
      this.#dropHeld();
      if (this.#sourceCheck === "learn") this.#rtcpLatch.setExpectedAddress(undefined);
    }
    if (!unspecified) this.expectPeerAddress(remote.address);
    const pending = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (pending.length > 0) {
      this.#logger.log("debug", this.#category, `processing ${pending.length} datagram(s) that came before the SDP`);
    }
    for (const d of pending) {
      if (this.#closed) break;
      this.#process(d);
    }
  }

  /**
   * Names the address the peer's packets come from ("signalled" mode), before the answer when an
   * early SDP (183) gave it: datagrams from other addresses are dropped at once instead of being
   * kept for setRemote(). An IP address (resolved), as for setRemote(). No effect in "learn" mode.
   */
  expectPeerAddress(address: string): void {
    if (this.#closed || this.#sourceCheck === "learn" || isUnspecified(address)) return;
    this.#rtpLatch.setExpectedAddress(address);
    this.#rtcpLatch.setExpectedAddress(address);
    if (this.#remote !== undefined) return;
    const kept = this.#pending.filter((d) => this.#rtpLatch.mayLatch(d.source));
    for (const d of this.#pending) if (!kept.includes(d)) this.#foreign(d.via, d.source);
    this.#pending = kept;
    this.#pendingBytes = kept.reduce((sum, d) => sum + d.data.length, 0);
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
      sourceCheck: this.#sourceCheck,
      expectedAddress: this.#sourceCheck === "learn" ? this.#rtcpLatch.expectedAddress : this.#rtpLatch.expectedAddress,
      ...this.#counters,
      packetsLost: sources.reduce((sum, s) => sum + s.packetsLost, 0),
      jitter: current ? Math.floor(current.jitter) : 0,
      jitterMs: current ? (current.jitter * 1000) / this.#clockRate : 0,
      pendingBeforeRemote: this.#pending.length,
      pendingBytesBeforeRemote: this.#pendingBytes,
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
    this.#pendingBytes = 0;
    this.#held.clear();
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
    // An early SDP named the peer's address: nobody else's datagrams are worth keeping.
    if (this.#rtpLatch.expectedAddress !== undefined && !this.#rtpLatch.mayLatch(datagram.source)) {
      this.#foreign(via, datagram.source);
      return;
    }
    this.#pending.push(datagram);
    this.#pendingBytes += data.length;
    // The oldest go: what is kept is closest to live, and the first output asks for a fresh keyframe anyway.
    while (this.#pending.length > this.#maxPending || this.#pendingBytes > this.#maxPendingBytes) {
      const dropped = this.#pending.shift();
      if (!dropped) break;
      this.#pendingBytes -= dropped.data.length;
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
    const verdict = this.#rtpLatch.offer(d.source, packet.header.sequenceNumber);
    if (verdict === "rejected") {
      this.#foreign("rtp", d.source);
      return;
    }
    if (verdict === "learning") {
      this.#hold(packet, d);
      return;
    }
    if (verdict === "latched") {
      this.#onLatched("rtp", d.source);
      const held = this.#held.get(endpointKey(d.source)) ?? [];
      this.#held.delete(endpointKey(d.source));
      this.#dropHeld();
      for (const h of held) this.#acceptRtp(h.packet, h.datagram);
      if (this.#closed) return;
    }
    this.#acceptRtp(packet, d);
  }

  #acceptRtp(packet: RtpPacket, d: Datagram): void {
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
    const verdict = this.#rtcpLatch.offer(d.source);
    if (verdict === "rejected") {
      this.#foreign("rtcp", d.source);
      return;
    }
    if (verdict === "latched") this.#onLatched("rtcp", d.source);
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

  #onLatched(flow: "rtp" | "rtcp", source: Endpoint): void {
    this.#logger.log("debug", this.#category, `${flow} latched to ${formatEndpoint(source)}`);
    // In "learn" mode RTCP is taken from the learnt peer's address only.
    if (flow === "rtp" && this.#sourceCheck === "learn") this.#rtcpLatch.setExpectedAddress(source.address);
    this.safeEmit("latched", flow, { ...source });
  }

  /** "learn" mode: keeps a candidate's packets (at most one probation's worth) until it is learnt. */
  #hold(packet: RtpPacket, datagram: Datagram): void {
    const key = endpointKey(datagram.source);
    const list = this.#held.get(key) ?? [];
    this.#held.delete(key);
    this.#held.set(key, list);
    list.push({ packet, datagram });
    if (list.length >= RTP_LEARN_HELD_MAX) {
      list.shift();
      this.#foreign("rtp", datagram.source);
    }
    if (this.#held.size > MAX_SOURCES) {
      const oldest = this.#held.keys().next().value as string;
      for (const h of this.#held.get(oldest) ?? []) this.#foreign("rtp", h.datagram.source);
      this.#held.delete(oldest);
    }
  }

  /** Forgets every candidate's held packets, counted as foreign. */
  #dropHeld(): void {
    for (const list of this.#held.values()) for (const h of list) this.#foreign("rtp", h.datagram.source);
    this.#held.clear();
  }

  /** Counts a packet from a source that is not the peer's; logs the first, then at most every 10 s. */
  #foreign(flow: "rtp" | "rtcp", source: Endpoint): void {
    this.#dropped.foreignSource++;
    this.#foreignSinceLog++;
    const now = this.#clock.now();
    if (this.#foreignLoggedAt !== undefined && now - this.#foreignLoggedAt < FOREIGN_LOG_INTERVAL_MS) return;
    const expected = this.#sourceCheck === "learn" ? "a source that is learnt (rtpSourceCheck learn)" : `${this.#rtpLatch.expectedAddress ?? "the answer's address"} (rtpSourceCheck signalled)`;
    const latched = (flow === "rtp" ? this.#rtpLatch : this.#rtcpLatch).latched;
    const peer = latched ? `latched to ${formatEndpoint(latched)}` : `expecting ${expected}`;
    this.#logger.log("warn", this.#category, `dropped ${this.#foreignSinceLog} packet(s) from sources that are not the peer's, e.g. ${flow} from ${formatEndpoint(source)}; ${peer}`);
    this.#foreignLoggedAt = now;
    this.#foreignSinceLog = 0;
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

/** The unspecified address: the RFC 2543 way to say "hold", not where the peer is. */
function isUnspecified(address: string): boolean {
  return address === "0.0.0.0" || address === "::";
}

/** Whether a re-INVITE moved the peer: another address (an unspecified one does not count) or port. */
function movedPeer(previous: RtpRemote, next: RtpRemote, unspecified: boolean): boolean {
  const rtcp = (r: RtpRemote): number => (r.rtcpMux ? r.rtpPort : r.rtcpPort);
  if (!unspecified && !sameAddress(previous.address, next.address)) return true;
  return previous.rtpPort !== next.rtpPort || rtcp(previous) !== rtcp(next);
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
