import { createSocket } from "node:dgram";
import { ConfigError } from "../errors";

/** Inclusive range of UDP ports to take ffmpeg's input ports from. */
export interface PortRange {
  min: number;
  max: number;
}

/** Default range for ffmpeg's RTP input ports. */
export const DEFAULT_FFMPEG_PORT_RANGE: PortRange = { min: 40000, max: 49999 };

/**
 * Ports handed out recently, with the time their hold ends. Between our bind test and ffmpeg's
 * own bind a port looks free; without this two calls starting together could get the same pair.
 * Expired lazily, so it needs no timer.
 */
const recentlyGiven = new Map<number, number>();
const HOLD_MS = 15_000;

/**
 * Finds `count` free pairs for ffmpeg's input: an even port P with P (RTP) and P+1 (RTCP) both
 * free on 127.0.0.1, tested by binding and releasing them. Returns the even ports.
 *
 * @remarks
 * The search starts at a random pair so that concurrent processes rarely collide, and walks
 * the whole range once.
 */
export async function findFreeUdpPortPairs(count: number, range: PortRange = DEFAULT_FFMPEG_PORT_RANGE): Promise<number[]> {
  validateRange(range);
  const first = range.min + (range.min % 2);
  const pairs = Math.floor((range.max - 1 - first) / 2) + 1;
  if (!Number.isInteger(count) || count < 1 || count > pairs) {
    throw new ConfigError(`findFreeUdpPortPairs: count ${count} must be 1..${pairs} for range ${range.min}-${range.max}`);
  }
  const now = Date.now();
  for (const [port, until] of recentlyGiven) if (until <= now) recentlyGiven.delete(port);

  const found: number[] = [];
  const start = Math.floor(Math.random() * pairs);
  for (let i = 0; i < pairs && found.length < count; i++) {
    const port = first + 2 * ((start + i) % pairs);
    if (recentlyGiven.has(port)) continue;
    if ((await canBind(port)) && (await canBind(port + 1))) found.push(port);
  }
  if (found.length < count) {
    throw new ConfigError(`no ${count} free UDP port pair(s) in ${range.min}-${range.max}`);
  }
  for (const port of found) recentlyGiven.set(port, now + HOLD_MS);
  return found;
}

function validateRange(r: PortRange): void {
  const ok = Number.isInteger(r.min) && Number.isInteger(r.max) && r.min >= 1024 && r.max <= 65535 && r.max - r.min >= 1;
  if (!ok) throw new ConfigError(`port range ${r.min}-${r.max} must be integers within 1024-65535 holding one even/odd pair`);
}

/** Binds 127.0.0.1:port exclusively and releases it at once. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: "127.0.0.1", exclusive: true }, () => {
      socket.close(() => resolve(true));
    });
  });
}
