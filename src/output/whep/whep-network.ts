import { isIP } from "node:net";
import { ConfigError } from "../../errors";
import type { PortRange } from "../../rtp";

/** Where WebRTC viewers' media goes out, as a library user sets it (every field optional). */
export interface WhepNetworkOptions {
  /**
   * The IPv4 address whose interface carries viewers' media (ICE host candidates). Default: every
   * non-loopback interface of the machine. A loopback address (127.x) serves only browsers on this host.
   */
  bindAddress?: string;
  /** The address browsers must use to reach us (1:1 NAT, a container's published port): put in the answer's candidates instead of the local one. */
  publicAddress?: string;
  /** UDP ports for viewers' ICE (one per viewer); default: any free port. */
  portRange?: PortRange;
  /** A viewer whose ICE/DTLS has not connected after this long is closed (default {@link DEFAULT_ICE_TIMEOUT_MS}). */
  iceTimeoutMs?: number;
}

/** The settings with defaults applied. */
export type WhepNetwork = Required<Pick<WhepNetworkOptions, "iceTimeoutMs">> & Omit<WhepNetworkOptions, "iceTimeoutMs">;

/** A viewer has this long to complete ICE and DTLS, by default: browsers finish both in well under a second on a LAN. */
export const DEFAULT_ICE_TIMEOUT_MS = 10_000;
/** The longest ICE timeout accepted. */
export const MAX_ICE_TIMEOUT_MS = 120_000;

/** Checks the options once, at the engine's boundary. @throws ConfigError naming the field. */
export function resolveWhepNetwork(o: WhepNetworkOptions | undefined, field = "whep"): WhepNetwork {
  if (o !== undefined && (typeof o !== "object" || o === null)) throw new ConfigError(`${field}: expected an object`);
  const out: WhepNetwork = { iceTimeoutMs: DEFAULT_ICE_TIMEOUT_MS };
  if (o?.bindAddress !== undefined) {
    if (isIP(o.bindAddress) !== 4) throw new ConfigError(`${field}.bindAddress: expected an IPv4 address`);
    out.bindAddress = o.bindAddress;
  }
  if (o?.publicAddress !== undefined) {
    if (isIP(o.publicAddress) !== 4) throw new ConfigError(`${field}.publicAddress: expected an IPv4 address`);
    out.publicAddress = o.publicAddress;
  }
  if (o?.portRange !== undefined) {
    const r = o.portRange;
    const ok = typeof r === "object" && r !== null && Number.isInteger(r.min) && Number.isInteger(r.max) && r.min >= 1024 && r.max <= 65535 && r.min < r.max;
    if (!ok) throw new ConfigError(`${field}.portRange: expected 1024 ≤ min < max ≤ 65535`);
    out.portRange = { min: r.min, max: r.max };
  }
  if (o?.iceTimeoutMs !== undefined) {
    const t = o.iceTimeoutMs;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 1000 || t > MAX_ICE_TIMEOUT_MS) {
      throw new ConfigError(`${field}.iceTimeoutMs: expected a whole number of milliseconds from 1000 to ${MAX_ICE_TIMEOUT_MS}`);
    }
    out.iceTimeoutMs = t;
  }
  return out;
}

/** Puts `publicAddress` in place of the host address of every candidate line of an SDP. */
export function announceAddress(sdp: string, publicAddress: string | undefined): string {
  if (publicAddress === undefined) return sdp;
  return sdp.replace(/^(a=candidate:\S+ \d+ udp \d+ )(\S+)( \d+ typ host)/gim, `$1${publicAddress}$3`);
}

/** True for 127.0.0.0/8. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address);
}
