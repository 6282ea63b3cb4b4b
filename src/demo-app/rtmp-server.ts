import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { FromRtmpChild, ToRtmpChild } from "./rtmp-messages";

/** The running RTMP server of the demo. */
export interface DemoRtmpServer {
  /** `rtmp://127.0.0.1:<port>/live`. */
  readonly rtmpUrl: string;
  readonly rtmpPort: number;
  readonly flvPort: number;
  /** `http://127.0.0.1:<flvPort>/live/<stream>.flv`: HTTP-FLV of a stream under /live. */
  flvUrl(stream: string): string;
  /** Whether `stream` (under /live) has a publisher now. */
  isPublishing(stream: string): boolean;
  /** Stops the server and waits for its process to exit. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startDemoRtmpServer}. */
export interface DemoRtmpServerOptions {
  rtmpPort: number;
  flvPort: number;
  /** node-media-server's own store (stream history). */
  storeDir: string;
  /** Each warning or error line the server prints. */
  onLine?: (line: string) => void;
  /** How long the server may take to listen (default 15 s). */
  startTimeoutMs?: number;
}

const STOP_GRACE_MS = 5000;

/**
 * Starts node-media-server (rtmp-server-child.ts) with RTMP and HTTP-FLV on 127.0.0.1, and resolves
 * once both listen. Rejects (with the server's own words) when a port is taken.
 */
export async function startDemoRtmpServer(options: DemoRtmpServerOptions): Promise<DemoRtmpServer> {
  const child = spawn(process.execPath, [path.join(__dirname, "rtmp-server-child.js")], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
  const lines: string[] = [];
  const onOutput = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 50) lines.shift();
      // Its start-up banner is printed at "info" before the level can be lowered; its advice to edit
      // its own bin/config.json does not apply here.
      if (!line.includes("[INFO]") && !line.includes("bin/config.json")) options.onLine?.(line);
    }
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const publishing = new Map<string, number>();
  child.on("message", (msg: FromRtmpChild) => {
    if (msg.type === "publish") publishing.set(msg.stream, (publishing.get(msg.stream) ?? 0) + 1);
    if (msg.type === "unpublish") publishing.set(msg.stream, Math.max(0, (publishing.get(msg.stream) ?? 1) - 1));
  });
  const stop = once(() => stopChild(child, exited));
  try {
    await ready(child, options.startTimeoutMs ?? 15_000, () => lines.join("\n"));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    rtmpUrl: `rtmp://127.0.0.1:${options.rtmpPort}/live`,
    rtmpPort: options.rtmpPort,
    flvPort: options.flvPort,
    flvUrl: (stream) => `http://127.0.0.1:${options.flvPort}/live/${encodeURIComponent(stream)}.flv`,
    isPublishing: (stream) => (publishing.get(`live/${stream}`) ?? 0) > 0,
    stop,
  };

  function ready(proc: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`the RTMP server did not start within ${timeoutMs} ms\n${log()}`)), timeoutMs);
      const onMessage = (msg: FromRtmpChild): void => {
        if (msg.type === "ready") finish();
        if (msg.type === "failed") finish(new Error(`the RTMP server failed: ${msg.message}`));
      };
      const onExit = (): void =>
        finish(new Error(`the RTMP server could not start: is port ${options.rtmpPort} (SIPCAST_DEMO_RTMP_PORT) or ${options.flvPort} (SIPCAST_DEMO_FLV_PORT) taken?`));
      function finish(error?: Error): void {
        clearTimeout(timer);
        proc.off("message", onMessage);
        proc.off("exit", onExit);
        if (error) reject(error);
        else resolve();
      }
      proc.on("message", onMessage);
      proc.once("exit", onExit);
      proc.send({ type: "start", rtmpPort: options.rtmpPort, flvPort: options.flvPort, storeDir: options.storeDir } satisfies ToRtmpChild);
    });
  }
}

/** Asks the child to stop; SIGKILL when it has not exited after a grace period. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: "stop" } satisfies ToRtmpChild);
  else child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), STOP_GRACE_MS)));
  if ((await Promise.race([exited, late])) === "late") {
    child.kill("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
