import * as dgram from "node:dgram";
import { isIPv6 } from "node:net";
import { ConfigError, SipcastError } from "../errors";

/** An inclusive range of UDP ports for RTP (even) and RTCP (RTP + 1). */
export interface PortRange {
  min: number;
  max: number;
}

/** The usual RTP range of SIP equipment (Asterisk's `rtp.conf` default, too). */
export const DEFAULT_RTP_PORT_RANGE: Readonly<PortRange> = Object.freeze({ min: 10000, max: 20000 });

/** An RTP socket on an even port and its RTCP socket on the next (odd) port. */
export interface RtpSocketPair {
  readonly rtp: dgram.Socket;
  readonly rtcp: dgram.Socket;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  /** Closes both sockets; idempotent. */
  close(): void;
}

/** Options for {@link bindRtpSocketPair}; `random` makes the start port deterministic in tests. */
export interface BindRtpSocketPairOptions {
  random?: () => number;
}

/**
 * Binds an even RTP port and RTP+1 for RTCP on `address` within `range`.
 *
 * @remarks
 * Starts at a random even port (so that two calls do not race for the same pair), moves on to
 * the next even port on EADDRINUSE for either socket, and wraps around. Any other bind error
 * (EADDRNOTAVAIL, EACCES) is not a matter of the port and fails at once. RFC 3550 §11 asks for
 * the even/odd pair when rtcp-mux is not used, which is what SIP peers such as baresip expect.
 *
 * @throws ConfigError for a malformed or too small range;
 *   SipcastError with code `RTP_PORTS_EXHAUSTED` when every pair in the range is taken.
 */
export async function bindRtpSocketPair(
  address: string,
  range: PortRange = DEFAULT_RTP_PORT_RANGE,
  options: BindRtpSocketPairOptions = {},
): Promise<RtpSocketPair> {
  const candidates = evenPortsIn(range);
  const random = options.random ?? Math.random;
  const start = Math.floor(random() * candidates.length) % candidates.length;
  const type: dgram.SocketType = isIPv6(address) ? "udp6" : "udp4";
  for (let i = 0; i < candidates.length; i++) {
    const port = candidates[(start + i) % candidates.length];
    const rtp = await tryBind(type, address, port);
    if (!rtp) continue;
    const rtcp = await tryBind(type, address, port + 1).catch((error: unknown) => {
      rtp.close();
      throw error;
    });
    if (!rtcp) {
      rtp.close();
      continue;
    }
    return makePair(rtp, rtcp, port);
  }
  throw new SipcastError(
    `No free RTP/RTCP port pair on ${address} in ${range.min}-${range.max} (${candidates.length} pairs tried)`,
    "RTP_PORTS_EXHAUSTED",
  );
}

function evenPortsIn(range: PortRange): number[] {
  const { min, max } = range;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
    throw new ConfigError(`Invalid RTP port range ${min}-${max}: need integers 1 <= min <= max <= 65535`);
  }
  const ports: number[] = [];
  for (let p = min % 2 === 0 ? min : min + 1; p + 1 <= max; p += 2) ports.push(p);
  if (ports.length === 0) {
    throw new ConfigError(`RTP port range ${min}-${max} holds no even port with its odd neighbour`);
  }
  return ports;
}

/** Resolves with the bound socket, or undefined when the port is in use; rejects on other errors. */
function tryBind(type: dgram.SocketType, address: string, port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type, reuseAddr: false });
    const onError = (error: NodeJS.ErrnoException): void => {
      socket.close();
      if (error.code === "EADDRINUSE") resolve(undefined);
      else reject(new SipcastError(`Cannot bind UDP ${address}:${port}: ${error.message}`, "RTP_BIND_FAILED"));
    };
    socket.once("error", onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

function makePair(rtp: dgram.Socket, rtcp: dgram.Socket, rtpPort: number): RtpSocketPair {
  let closed = false;
  return {
    rtp,
    rtcp,
    rtpPort,
    rtcpPort: rtpPort + 1,
    close() {
      if (closed) return;
      closed = true;
      safeClose(rtp);
      safeClose(rtcp);
    },
  };
}

/** dgram throws ERR_SOCKET_DGRAM_NOT_RUNNING when a socket is already closed: that is fine here. */
function safeClose(socket: dgram.Socket): void {
  try {
    socket.close();
  } catch {
    // already closed
  }
}
