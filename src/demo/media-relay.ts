import * as dgram from "node:dgram";
import type { RtpSocketPair } from "../rtp";

/** Where the caller wants one medium's RTP and RTCP (from its SDP). */
export interface RelayDestination {
  address: string;
  rtpPort: number;
  rtcpPort: number;
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
 */
export class MediaRelay {
  #closed = false;
  #relayed = { rtp: 0, rtcp: 0, dropped: 0 };

  private constructor(
    private readonly inbound: { rtp: dgram.Socket; rtcp: dgram.Socket },
    private readonly advertised: RtpSocketPair,
    private readonly destination: RelayDestination,
  ) {
    this.#wire(inbound.rtp, advertised.rtp, destination.rtpPort, "rtp");
    this.#wire(inbound.rtcp, advertised.rtcp, destination.rtcpPort, "rtcp");
  }

  /** Binds the two loopback sockets ffmpeg sends to. */
  static async open(advertised: RtpSocketPair, destination: RelayDestination): Promise<MediaRelay> {
    const rtp = await bindLoopback();
    const rtcp = await bindLoopback().catch((error: unknown) => {
      rtp.close();
      throw error;
    });
    return new MediaRelay({ rtp, rtcp }, advertised, destination);
  }

  /** Port ffmpeg sends RTP to. */
  get rtpPort(): number {
    return this.inbound.rtp.address().port;
  }

  /** Port ffmpeg sends RTCP to. */
  get rtcpPort(): number {
    return this.inbound.rtcp.address().port;
  }

  #wire(from: dgram.Socket, out: dgram.Socket, port: number, kind: "rtp" | "rtcp"): void {
    from.on("message", (data, rinfo) => {
      // Only our own ffmpeg on loopback may feed the caller.
      if (this.#closed || rinfo.address !== "127.0.0.1") {
        this.#relayed.dropped++;
        return;
      }
      this.#relayed[kind]++;
      try {
        out.send(data, port, this.destination.address, () => undefined);
      } catch {
        // the call closed its advertised socket first: the call is ending, nothing to relay to
        this.#relayed.dropped++;
      }
    });
    from.on("error", () => undefined);
  }

  toJSON(): { rtp: number; rtcp: number; dropped: number; destination: string } {
    return { ...this.#relayed, destination: `${this.destination.address}:${this.destination.rtpPort}` };
  }

  /**
   * Stops relaying at once (so ffmpeg's closing RTCP BYE never reaches the caller after our SIP
   * BYE) and closes the loopback sockets. The advertised pair belongs to the call. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of [this.inbound.rtp, this.inbound.rtcp]) {
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
