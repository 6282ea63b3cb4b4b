import * as dgram from "node:dgram";
import type { RtpSocketPair } from "../rtp";
import { forStream, Impairment, validateImpairment, type ImpairmentOptions, type ImpairmentStats } from "./impairment";
import type { LayoutSwitch } from "./layout-switch";
import type { MediaPauses } from "./media-pauses";
import type { TimelineShifter } from "./timeline-events";

/** Where the caller wants one medium's RTP and RTCP (from its SDP). */
export interface RelayDestination {
  address: string;
  rtpPort: number;
  rtcpPort: number;
}

/** What {@link MediaRelay.toJSON} reports. */
export interface MediaRelayStats {
  /** Datagrams relayed (received from ffmpeg), per kind. */
  rtp: number;
  rtcp: number;
  /** Datagrams ignored: not from loopback, or after close(). */
  dropped: number;
  destination: string;
  /** With an impairment: what it did to each kind. */
  impairment?: { rtp: ImpairmentStats; rtcp: ImpairmentStats };
  /** With timeline events: how many were applied. */
  timelineEvents?: number;
  /** With pauses: the RTP datagrams they dropped. */
  pausedRtp?: number;
  /** With a layout change: whether the other encoding took over. */
  layoutSwitched?: boolean;
}

/**
 * Carries one medium from the peer's ffmpeg to the caller, out of the socket pair the peer's SDP
 * advertised.
 *
 * @remarks
 * Why not let ffmpeg send to the caller itself: callers that do symmetric RTP (RFC 4961; this
 * engine's RtpChannel latches on the first packet's source) send their RTP — RFC 4733 DTMF
 * included — back to wherever media came from. ffmpeg would send from a port of its own, so the
 * caller's DTMF would go to ffmpeg and never reach the peer's decoder. ffmpeg therefore sends to
 * two loopback sockets here, and every datagram is re-sent unchanged from the advertised RTP/RTCP
 * socket, which is also where the caller's packets arrive.
 *
 * With an {@link ImpairmentOptions | impairment}, RTP and RTCP toward the caller are both dropped
 * and delayed, each from its own seeded generator: a real path loses and delays RTCP too (a lost
 * sender report is something a receiver's A/V sync must live with), and separate generators keep
 * each stream's drops independent of how the two interleave. `withholdRtcp` sends no RTCP at all.
 * A {@link TimelineShifter} rewrites RTP and RTCP headers first (a restart or SSRC change mid-call);
 * {@link MediaPauses} drop the RTP of a stretch of time (video that stops and resumes).
 */
export class MediaRelay {
  #closed = false;
  #relayed = { rtp: 0, rtcp: 0, dropped: 0 };
  readonly #impairment: { rtp: Impairment; rtcp: Impairment } | undefined;
  readonly #withholdRtcp: boolean;

  private constructor(
    private readonly inbound: { rtp: dgram.Socket; rtcp: dgram.Socket },
    private readonly advertised: RtpSocketPair,
    private readonly destination: RelayDestination,
    impairment: ImpairmentOptions | undefined,
    private readonly timeline: TimelineShifter | undefined,
    private readonly pauses: MediaPauses | undefined,
    private readonly layout: { switch: LayoutSwitch; rtp: dgram.Socket; rtcp: dgram.Socket } | undefined,
  ) {
    if (impairment) this.#impairment = { rtp: new Impairment(forStream(impairment, 0)), rtcp: new Impairment(forStream(impairment, 1)) };
    this.#withholdRtcp = impairment?.withholdRtcp === true;
    this.#wire(inbound.rtp, advertised.rtp, destination.rtpPort, "rtp");
    this.#wire(inbound.rtcp, advertised.rtcp, destination.rtcpPort, "rtcp");
    if (layout) {
      this.#wire(layout.rtp, advertised.rtp, destination.rtpPort, "rtp", (d) => layout.switch.alternate(d));
      // The other encoding's own reports describe a timeline the caller never sees.
      layout.rtcp.on("message", () => undefined);
      layout.rtcp.on("error", () => undefined);
    }
  }

  /**
   * Binds the two loopback sockets ffmpeg sends to.
   * @param impairment - loss and jitter to apply toward the caller (validated; ConfigError).
   */
  static async open(advertised: RtpSocketPair, destination: RelayDestination, impairment?: ImpairmentOptions, timeline?: TimelineShifter, pauses?: MediaPauses, layout?: LayoutSwitch): Promise<MediaRelay> {
    if (impairment) validateImpairment(impairment); // before binding anything
    const sockets: dgram.Socket[] = [];
    try {
      for (let i = 0; i < (layout ? 4 : 2); i++) sockets.push(await bindLoopback());
    } catch (error) {
      for (const socket of sockets) socket.close();
      throw error;
    }
    const [rtp, rtcp, altRtp, altRtcp] = sockets;
    const alt = layout && altRtp && altRtcp ? { switch: layout, rtp: altRtp, rtcp: altRtcp } : undefined;
    return new MediaRelay({ rtp, rtcp }, advertised, destination, impairment, timeline, pauses, alt);
  }

  /** Ports ffmpeg sends the layout change's encoding to (RTP, RTCP), when there is one. */
  get alternatePorts(): { rtpPort: number; rtcpPort: number } | undefined {
    return this.layout ? { rtpPort: this.layout.rtp.address().port, rtcpPort: this.layout.rtcp.address().port } : undefined;
  }

  /** Port ffmpeg sends RTP to. */
  get rtpPort(): number {
    return this.inbound.rtp.address().port;
  }

  /** Port ffmpeg sends RTCP to. */
  get rtcpPort(): number {
    return this.inbound.rtcp.address().port;
  }

  #wire(from: dgram.Socket, out: dgram.Socket, port: number, kind: "rtp" | "rtcp", pick?: (d: Buffer) => Buffer | undefined): void {
    from.on("message", (arrived, rinfo) => {
      // The main encoding gives way to the other one at a layout change.
      const received = pick ? pick(arrived) : kind === "rtp" && this.layout ? this.layout.switch.main(arrived) : arrived;
      if (!received) return;
      // Only our own ffmpeg on loopback may feed the caller.
      if (this.#closed || rinfo.address !== "127.0.0.1") {
        this.#relayed.dropped++;
        return;
      }
      if (kind === "rtcp" && this.#withholdRtcp) {
        this.#relayed.dropped++;
        return;
      }
      // A pause stops the RTP only: a sender's reports go on while it sends nothing.
      if (kind === "rtp" && this.pauses?.drops()) return;
      this.#relayed[kind]++;
      const data = !this.timeline ? received : kind === "rtp" ? this.timeline.rtp(received) : this.timeline.rtcp(received);
      const impairment = this.#impairment?.[kind];
      if (impairment) impairment.push(data, (d) => this.#send(out, d, port));
      else this.#send(out, data, port);
    });
    from.on("error", () => undefined);
  }

  #send(out: dgram.Socket, data: Buffer, port: number): void {
    try {
      out.send(data, port, this.destination.address, () => undefined);
    } catch {
      // the call closed its advertised socket first: the call is ending, nothing to relay to
      this.#relayed.dropped++;
    }
  }

  toJSON(): MediaRelayStats {
    const impairment = this.#impairment ? { impairment: { rtp: this.#impairment.rtp.toJSON(), rtcp: this.#impairment.rtcp.toJSON() } } : {};
    const timeline = this.timeline ? { timelineEvents: this.timeline.applied } : {};
    const pauses = this.pauses ? { pausedRtp: this.pauses.dropped } : {};
    const layout = this.layout ? { layoutSwitched: this.layout.switch.switched } : {};
    return { ...this.#relayed, destination: `${this.destination.address}:${this.destination.rtpPort}`, ...impairment, ...timeline, ...pauses, ...layout };
  }

  /**
   * Stops relaying at once (so ffmpeg's closing RTCP BYE never reaches the caller after our SIP
   * BYE), drops what the impairment still holds, and closes the loopback sockets. The advertised
   * pair belongs to the call. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#impairment?.rtp.close();
    this.#impairment?.rtcp.close();
    for (const socket of [this.inbound.rtp, this.inbound.rtcp, ...(this.layout ? [this.layout.rtp, this.layout.rtcp] : [])]) {
      socket.removeAllListeners("message");
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }
}

function bindLoopback(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind({ address: "127.0.0.1", port: 0, exclusive: true }, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}
