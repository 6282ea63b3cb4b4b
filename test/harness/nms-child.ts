/**
 * The RTMP test peer: node-media-server 4 in a child process of its own.
 *
 * Why not in the test process: node-media-server keeps its state in module singletons
 * (config, sessions, broadcasts, event emitter), so two servers in one process share
 * them; every run() adds store listeners that stop() never removes (the next server's
 * publish then throws "store is closed" from a stale listener); a busy port makes it call
 * process.exit(1). A child per server keeps tests isolated and lets several run at once.
 */
import NodeMediaServer = require("node-media-server");
import logger = require("node-media-server/src/core/logger.js");
import type { FromNmsChild, ToNmsChild } from "./nms-messages";

function send(msg: FromNmsChild): void {
  if (process.send !== undefined && process.connected) process.send(msg);
}

function streamOf(path: string): string {
  return path.replace(/^\//, "");
}

let nms: NodeMediaServer | undefined;
let stopping = false;

async function start(cfg: Extract<ToNmsChild, { type: "start" }>): Promise<void> {
  nms = new NodeMediaServer({
    bind: "127.0.0.1",
    rtmp: { port: cfg.rtmpPort },
    ...(cfg.rtmpsPort !== undefined ? { rtmps: { port: cfg.rtmpsPort, key: cfg.key, cert: cfg.cert } } : {}),
    record: { auto: true, path: cfg.recordDir },
    store: { path: cfg.storeDir },
  });
  logger.level = "info"; // the constructor forces "debug"
  nms.on("postPublish", (session) => {
    const stream = streamOf(session.streamPath);
    send({ type: "publish", stream, at: Date.now() });
    // donePublish only fires after a 30 s resume window: the publisher's socket closing is
    // the moment a test wants.
    session.socket?.once("close", () => send({ type: "unpublish", stream, at: Date.now() }));
  });
  const servers = [nms.rtmpServer.tcpServer, nms.rtmpServer.tlsServer].filter((s) => s !== undefined);
  const listening = servers.map((s) => new Promise<void>((resolve) => (s.listening ? resolve() : s.once("listening", () => resolve()))));
  await nms.run();
  await Promise.all(listening);
  send({ type: "ready", at: Date.now() });
}

process.on("message", (raw: ToNmsChild) => {
  if (raw.type === "start") {
    start(raw).catch((err: unknown) => {
      send({ type: "failed", message: (err as Error).message });
      process.exit(1);
    });
  } else if (raw.type === "stop") {
    stopping = true;
    void (async () => {
      await nms?.stop();
      // Leave with no forced exit: the process ending by itself shows that stop() released every handle.
      process.disconnect();
    })();
  }
});
process.on("disconnect", () => {
  // The test process went away without asking us to stop: do not linger.
  if (!stopping) void (nms?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
