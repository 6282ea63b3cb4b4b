import * as fs from "node:fs";
import * as path from "node:path";
import { spawnManaged } from "./managed-process";
import type { FromNmsChild, ToNmsChild } from "./nms-messages";
import { runDir } from "./paths";
import { freePort } from "./ports";
import { selfSignedCert } from "./tls-cert";

/** A running node-media-server on 127.0.0.1 that records every published stream to FLV. */
export interface RtmpServer {
  port: number;
  /** `rtmp://127.0.0.1:PORT/live`: append `/<stream>` to publish. */
  url: string;
  /** Set when started with `rtmpsPort`: `rtmps://127.0.0.1:PORT/live` (self-signed certificate). */
  rtmpsPort?: number;
  rtmpsUrl?: string;
  /** FLV files land in `<recordDir>/live/<stream>/<ms>.flv`. */
  recordDir: string;
  stop(): Promise<void>;
  /** Resolves when `stream` (name under /live, or "app/name") is or was being published. */
  waitForPublish(stream: string, timeoutMs: number): Promise<void>;
  /**
   * Resolves when the publisher of `stream` has closed its connection (now or earlier).
   * (node-media-server's own donePublish comes ~30 s later: it waits for a resume.)
   */
  waitForUnpublish(stream: string, timeoutMs: number): Promise<void>;
  /** The newest recorded FLV of `stream`, if any. */
  recordedFile(stream: string): string | undefined;
  /** Date.now() of every publish of `stream` to this server (a publisher that reconnects adds one). */
  publishTimes(stream: string): number[];
  /** Date.now() when `stream` was first published to this server. */
  firstPublishAt(stream: string): number | undefined;
  /** The server's log (node-media-server at level info). */
  logs(): string;
  /**
   * Freezes the server (SIGSTOP): connections stay open but nothing is read, so a publisher's
   * writes block once the socket buffers are full. stop() thaws it first.
   */
  freeze(): void;
  /** Thaws a frozen server (SIGCONT). */
  thaw(): void;
}

/** Options of {@link startRtmpServer}. */
export interface RtmpServerOptions {
  port?: number;
  /** Also listen for RTMPS on this port (a self-signed certificate from .run/tls). */
  rtmpsPort?: number;
}

const START_TIMEOUT_MS = 15000;

function streamKey(stream: string): string {
  return stream.includes("/") ? stream.replace(/^\/+/, "") : `live/${stream}`;
}

/**
 * Starts node-media-server 4.4 (RTMP, optionally RTMPS) bound to 127.0.0.1, recording
 * every publish. It runs in a child node process (see nms-child.ts for why); stop() ends
 * it and waits until it exited.
 */
export async function startRtmpServer(o: RtmpServerOptions = {}): Promise<RtmpServer> {
  const port = o.port ?? (await freePort());
  const tls = o.rtmpsPort !== undefined ? await selfSignedCert() : undefined;
  const dir = runDir(`nms-${port}`);
  const recordDir = path.join(dir, "record");
  const proc = spawnManaged(`node-media-server rtmp:${port}`, process.execPath, [path.join(__dirname, "nms-child.js")], { cwd: dir, ipc: true });
  const published = new Map<string, number>();
  const publishes = new Map<string, number[]>();
  const publishing = new Map<string, number>(); // open publisher connections per stream
  const left = new Set<string>();
  const changed = new Set<() => void>();
  let failure: string | undefined;
  let ready = false;

  proc.child.on("message", (msg: FromNmsChild) => {
    if (msg.type === "publish") {
      if (!published.has(msg.stream)) published.set(msg.stream, msg.at);
      publishes.set(msg.stream, [...(publishes.get(msg.stream) ?? []), msg.at]);
      publishing.set(msg.stream, (publishing.get(msg.stream) ?? 0) + 1);
    } else if (msg.type === "unpublish") {
      const open = (publishing.get(msg.stream) ?? 1) - 1;
      publishing.set(msg.stream, open);
      if (open <= 0) left.add(msg.stream);
    } else if (msg.type === "ready") {
      ready = true;
    } else if (msg.type === "failed") {
      failure = msg.message;
    }
    for (const f of [...changed]) f();
  });

  /** Resolves once `cond()` holds (checked now and after each message). */
  const waitFor = (what: string, cond: () => boolean, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (cond()) return resolve();
      let settled = false;
      const done = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        changed.delete(check);
        if (err === undefined) resolve();
        else reject(err);
      };
      const check = (): void => {
        if (failure !== undefined) done(new Error(`node-media-server failed: ${failure}`));
        else if (cond()) done();
      };
      const timer = setTimeout(() => done(new Error(`node-media-server: ${what} not seen within ${timeoutMs} ms`)), timeoutMs);
      changed.add(check);
      void proc.exited.then(() => done(new Error(`node-media-server exited while waiting for ${what}`)));
    });

  let frozen = false;
  const signal = (sig: NodeJS.Signals): void => {
    if (proc.child.pid !== undefined && proc.child.exitCode === null && proc.child.signalCode === null) process.kill(proc.child.pid, sig);
  };
  const thaw = (): void => {
    if (!frozen) return;
    frozen = false;
    signal("SIGCONT");
  };
  const stop = async (): Promise<void> => {
    thaw(); // a stopped process would not act on the stop message nor on SIGTERM
    if (proc.child.connected) proc.child.send({ type: "stop" } satisfies ToNmsChild);
    await proc.stop();
  };
  try {
    const start: ToNmsChild = { type: "start", rtmpPort: port, recordDir, storeDir: path.join(dir, "store"), rtmpsPort: o.rtmpsPort, key: tls?.key, cert: tls?.cert };
    proc.child.send(start);
    await waitFor("ready", () => ready, START_TIMEOUT_MS);
  } catch (err) {
    await stop();
    throw new Error(`startRtmpServer: ${(err as Error).message}\n--- log ---\n${proc.logs().slice(-4000)}`);
  }

  return {
    port,
    url: `rtmp://127.0.0.1:${port}/live`,
    rtmpsPort: o.rtmpsPort,
    rtmpsUrl: o.rtmpsPort !== undefined ? `rtmps://127.0.0.1:${o.rtmpsPort}/live` : undefined,
    recordDir,
    stop,
    freeze: () => {
      if (frozen) return;
      frozen = true;
      signal("SIGSTOP");
    },
    thaw,
    waitForPublish: (stream, timeoutMs) => waitFor(`publish of ${stream}`, () => published.has(streamKey(stream)), timeoutMs),
    waitForUnpublish: (stream, timeoutMs) => waitFor(`end of publish of ${stream}`, () => left.has(streamKey(stream)) && (publishing.get(streamKey(stream)) ?? 0) <= 0, timeoutMs),
    recordedFile: (stream) => {
      const folder = path.join(recordDir, streamKey(stream));
      let names: string[];
      try {
        names = fs.readdirSync(folder).filter((n) => n.endsWith(".flv"));
      } catch {
        return undefined;
      }
      names.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
      const newest = names[names.length - 1];
      return newest === undefined ? undefined : path.join(folder, newest);
    },
    publishTimes: (stream) => [...(publishes.get(streamKey(stream)) ?? [])],
    firstPublishAt: (stream) => published.get(streamKey(stream)),
    logs: () => proc.logs(),
  };
}
