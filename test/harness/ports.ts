import * as dgram from "node:dgram";
import * as net from "node:net";

/** Options of {@link freePorts}. */
export interface FreePortOptions {
  /** The ports must be free for UDP (default true). */
  udp?: boolean;
  /** The ports must be free for TCP (default true). */
  tcp?: boolean;
  /** The ports must be one run `p, p+1, …` (the first one even, as RTP wants). */
  consecutive?: boolean;
}

/*
 * Candidates come from below Linux's default ephemeral range (32768–60999), so the kernel
 * does not hand them to some outgoing socket between our check and the peer's bind.
 */
const LOW = 20000;
const HIGH = 32000;
const MAX_TRIES = 200;

/** Ports handed out by this process: never given twice, so peers started together differ. */
const handedOut = new Set<number>();

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: "127.0.0.1", exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

async function isFree(port: number, udp: boolean, tcp: boolean): Promise<boolean> {
  if (handedOut.has(port)) return false;
  if (tcp && !(await tcpFree(port))) return false;
  if (udp && !(await udpFree(port))) return false;
  return true;
}

/**
 * `n` distinct ports on 127.0.0.1 that were free when checked (UDP and TCP by default)
 * and that this process has not handed out before.
 */
export async function freePorts(n: number, opts: FreePortOptions = {}): Promise<number[]> {
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RangeError(`freePorts: n must be 1..100, got ${n}`);
  const udp = opts.udp ?? true;
  const tcp = opts.tcp ?? true;
  const found: number[] = [];
  for (let tries = 0; tries < MAX_TRIES && found.length < n; tries++) {
    if (opts.consecutive === true) {
      let base = LOW + Math.floor(Math.random() * (HIGH - LOW - n));
      base -= base % 2;
      const run = Array.from({ length: n }, (_, i) => base + i);
      let ok = true;
      for (const port of run) {
        if (!(await isFree(port, udp, tcp))) {
          ok = false;
          break;
        }
      }
      if (ok) found.push(...run);
    } else {
      const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
      if (!found.includes(port) && (await isFree(port, udp, tcp))) found.push(port);
    }
  }
  if (found.length < n) throw new Error(`freePorts: no ${n} free port(s) found in ${MAX_TRIES} tries`);
  for (const port of found) handedOut.add(port);
  return found;
}

/** One port on 127.0.0.1, free for both UDP and TCP. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}
