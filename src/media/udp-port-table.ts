import { readFile } from "node:fs/promises";

const TABLES = ["/proc/net/udp", "/proc/net/udp6"];

/**
 * The UDP ports bound on this machine, from Linux's `/proc/net/udp` and `/proc/net/udp6`
 * (local_address column, port in hex). Undefined where those files cannot be read (not Linux).
 *
 * @remarks
 * Read-only on purpose: probing a port by binding it ourselves could steal it from ffmpeg
 * in the instant before ffmpeg binds it.
 */
export async function readBoundUdpPorts(): Promise<Set<number> | undefined> {
  const ports = new Set<number>();
  let readable = 0;
  for (const table of TABLES) {
    let text: string;
    try {
      text = await readFile(table, "latin1");
    } catch {
      continue;
    }
    readable++;
    for (const port of parseUdpTable(text)) ports.add(port);
  }
  return readable > 0 ? ports : undefined;
}

/** Local ports listed in the text of a `/proc/net/udp{,6}` file. */
export function parseUdpTable(text: string): number[] {
  const ports: number[] = [];
  for (const line of text.split("\n")) {
    // "  12: 0100007F:9C40 00000000:0000 07 ..." — the header line has no "sl:" number.
    const m = /^\s*\d+:\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\s/.exec(line);
    if (m) ports.push(parseInt(m[1]!, 16));
  }
  return ports;
}

/** Timer functions, injectable so that tests need no real waiting. */
export interface PollTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: PollTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

/** Extra knobs of {@link waitForUdpPortsBound}. */
export interface WaitForUdpPortsOptions {
  /** Stops the wait early (resolves false). */
  signal?: AbortSignal;
  timers?: PollTimers;
  /** Source of the bound-port set (default {@link readBoundUdpPorts}). */
  readPorts?: () => Promise<Set<number> | undefined>;
}

/**
 * Resolves true once every port in `ports` is bound on this machine, polling every `pollMs`;
 * false after `timeoutMs`, when aborted, or when the port table cannot be read (not Linux).
 *
 * @remarks
 * Why: ffmpeg binds its RTP ports some time after spawn (after reading the SDP), and RTP sent
 * before that is lost — including the first keyframe (seen with Debian's ffmpeg 5.1: the first
 * packets forwarded right after spawn never reached the output).
 */
export function waitForUdpPortsBound(
  ports: number[],
  timeoutMs: number,
  pollMs = 20,
  opts: WaitForUdpPortsOptions = {},
): Promise<boolean> {
  const timers = opts.timers ?? realTimers;
  const readPorts = opts.readPorts ?? readBoundUdpPorts;
  const deadline = timers.now() + timeoutMs;
  return new Promise<boolean>((resolve) => {
    let handle: unknown;
    let done = false;
    const finish = (result: boolean): void => {
      if (done) return;
      done = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish(false);
    if (opts.signal?.aborted) return finish(false);
    opts.signal?.addEventListener("abort", onAbort);
    const check = (): void => {
      handle = undefined;
      readPorts().then(
        (bound) => {
          if (done) return;
          if (!bound) return finish(false);
          if (ports.every((p) => bound.has(p))) return finish(true);
          if (timers.now() >= deadline) return finish(false);
          handle = timers.setTimeout(check, pollMs);
        },
        () => finish(false),
      );
    };
    check();
  });
}
