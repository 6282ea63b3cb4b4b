import { spawn, type ChildProcess } from "node:child_process";
import { groupAlive } from "./proc";
import { track } from "./registry";

/** How a managed process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  error?: Error;
}

/** Options of {@link spawnManaged}. */
export interface SpawnManagedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Open an IPC channel (for node children started with process.execPath). */
  ipc?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL in stop() (default 3000). */
  graceMs?: number;
  /** Receives stdout as bytes (e.g. decoded audio) instead of it going to logs(). */
  onStdoutBytes?: (chunk: Buffer) => void;
  /** Give the child a stdin pipe (`child.stdin`) for commands, instead of none. */
  stdinPipe?: boolean;
}

/** A child process in its own process group, with its output kept and a stop() that waits. */
export interface ManagedProcess {
  readonly name: string;
  /** Pid of the group leader (also the process group id); -1 when spawning failed. */
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the leader has exited. */
  readonly exited: Promise<ExitInfo>;
  isRunning(): boolean;
  /** stdout and stderr so far, interleaved in arrival order (the tail, at most 4 MB). */
  logs(): string;
  /** Calls `listener` for each complete output line; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void;
  /** Resolves with the first line (past or future) matching `re`; rejects on exit or timeout. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM to the whole group, SIGKILL after the grace period; resolves when all of it is gone. */
  stop(): Promise<void>;
}

const MAX_LOG_CHARS = 4 * 1024 * 1024;
const POLL_MS = 25;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= end) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/**
 * Spawns `file args` detached (a new session and process group, so stop() reaches the
 * program's own children too, e.g. Kamailio's workers) and tracks it in the registry.
 */
export function spawnManaged(name: string, file: string, args: readonly string[], opts: SpawnManagedOptions = {}): ManagedProcess {
  const graceMs = opts.graceMs ?? 3000;
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: [opts.stdinPipe === true ? "pipe" : "ignore", "pipe", "pipe", ...(opts.ipc === true ? ["ipc" as const] : [])],
  });
  const pid = child.pid ?? -1;
  let chunks: string[] = [];
  let size = 0;
  const listeners = new Set<(line: string) => void>();
  const lines: string[] = [];
  let running = pid > 0;
  let closed = false;

  const collect = (stream: NodeJS.ReadableStream | null): void => {
    if (stream === null) return;
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      chunks.push(text);
      size += text.length;
      if (size > MAX_LOG_CHARS) {
        const all = chunks.join("").slice(-MAX_LOG_CHARS / 2);
        chunks = [all];
        size = all.length;
      }
      const parts = (partial + text).split(/\r?\n/);
      partial = parts.pop() ?? "";
      for (const line of parts) emitLine(line);
    });
    stream.on("end", () => {
      if (partial !== "") emitLine(partial);
      partial = "";
    });
  };
  const emitLine = (line: string): void => {
    if (lines.length < 20000) lines.push(line);
    for (const l of [...listeners]) l(line);
  };
  const onBytes = opts.onStdoutBytes;
  if (onBytes !== undefined) child.stdout?.on("data", (chunk: Buffer) => onBytes(chunk));
  else collect(child.stdout);
  collect(child.stderr);

  // A late 'error' (e.g. a send on a closed IPC channel) must not become an uncaught exception.
  child.on("error", () => undefined);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (error) => {
      if (pid > 0) return; // a later error (e.g. IPC) is not a start failure
      running = false;
      resolve({ code: null, signal: null, error });
    });
    child.once("exit", (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  const closedPromise = new Promise<void>((resolve) => {
    child.once("close", () => {
      closed = true;
      resolve();
    });
    child.once("error", () => {
      if (pid <= 0) resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (pid > 0) {
        signalGroup(pid, "SIGTERM");
        const gone = await waitUntil(() => !running && !groupAlive(pid), graceMs);
        if (!gone) {
          signalGroup(pid, "SIGKILL");
          await waitUntil(() => !running && !groupAlive(pid), 5000);
        }
        await exited;
        // stdio closes once the last holder of the pipes is gone; bounded in case of a stray.
        if (!closed) await Promise.race([closedPromise, sleep(1000)]);
        if (child.connected) child.disconnect();
      }
      untrack();
    })();
    return stopping;
  };

  const untrack = track({ name, pgid: pid > 0 ? pid : undefined, stop, isRunning: () => pid > 0 && (running || groupAlive(pid)) });

  const onLine = (listener: (line: string) => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  const waitForLine = (re: RegExp, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const past = lines.find((l) => re.test(l));
      if (past !== undefined) return resolve(past);
      const timer = setTimeout(() => finish(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms`)), timeoutMs);
      const off = onLine((line) => {
        if (re.test(line)) finish(undefined, line);
      });
      let settled = false;
      const finish = (err?: Error, line?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        off();
        if (err !== undefined) reject(err);
        else resolve(line ?? "");
      };
      void exited.then(async (info) => {
        // Let the last output lines arrive first: they may hold the match or the reason.
        await Promise.race([closedPromise, sleep(500)]);
        const how = info.error?.message ?? `code ${info.code} signal ${info.signal}`;
        finish(new Error(`${name} exited (${how}) before a line matching ${re}`));
      });
    });

  return {
    name,
    pid,
    child,
    exited,
    isRunning: () => running,
    logs: () => chunks.join(""),
    onLine,
    waitForLine,
    stop,
  };
}
