/**
 * The demo's RTMP server: node-media-server 4 in a process of its own, started by rtmp-server.ts.
 *
 * Why a child process: node-media-server keeps its state in module singletons and calls
 * process.exit(1) when a port is taken; in a child neither can touch Node-RED (as in the test
 * harness's RTMP peer). It serves RTMP and HTTP-FLV on 127.0.0.1 only, records nothing, and has its
 * web admin console and API off.
 */
import type * as net from "node:net";
import type { FromRtmpChild, ToRtmpChild } from "./rtmp-messages";

/** The part of node-media-server 4.4 used here (it ships no type declarations). */
interface NmsConfig {
  bind: string;
  rtmp: { port: number };
  http: { port: number };
  webadmin: { enable: boolean };
  store: { path: string };
}
interface NmsSession {
  streamPath: string;
  socket?: net.Socket;
}
interface NodeMediaServer {
  on(event: "postPublish", listener: (session: NmsSession) => void): void;
  run(): Promise<void>;
  stop(): Promise<void>;
  rtmpServer: { tcpServer?: net.Server };
  httpServer: { httpServer?: net.Server };
}
type NmsConstructor = new (config: NmsConfig) => NodeMediaServer;

const NodeMediaServerClass = require("node-media-server") as NmsConstructor;
const nmsLogger = require("node-media-server/src/core/logger.js") as { level: string };

let nms: NodeMediaServer | undefined;
let stopping = false;

function send(msg: FromRtmpChild): void {
  if (process.send !== undefined && process.connected) process.send(msg);
}

async function start(cfg: Extract<ToRtmpChild, { type: "start" }>): Promise<void> {
  nms = new NodeMediaServerClass({
    bind: "127.0.0.1",
    rtmp: { port: cfg.rtmpPort },
    http: { port: cfg.flvPort },
    webadmin: { enable: false },
    store: { path: cfg.storeDir },
  });
  // The constructor sets "debug"; sessions coming and going at "info" would flood the demo's terminal.
  nmsLogger.level = "warn";
  nms.on("postPublish", (session) => {
    const stream = session.streamPath.replace(/^\//, "");
    send({ type: "publish", stream });
    session.socket?.once("close", () => send({ type: "unpublish", stream }));
  });
  const servers = [nms.rtmpServer.tcpServer, nms.httpServer.httpServer].filter((s): s is net.Server => s !== undefined);
  const listening = servers.map((s) => new Promise<void>((resolve) => (s.listening ? resolve() : s.once("listening", () => resolve()))));
  await nms.run();
  await Promise.all(listening);
  send({ type: "ready" });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await nms?.stop();
  // No forced exit: the process ends by itself once every socket is closed.
  if (process.connected) process.disconnect();
}

process.on("message", (msg: ToRtmpChild) => {
  if (msg.type === "start") {
    start(msg).catch((error: unknown) => {
      send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
  } else if (msg.type === "stop") {
    void stop();
  }
});
// Ctrl-C reaches the whole process group: the launcher stops this server in its own order.
process.on("SIGINT", () => undefined);
// The launcher went away without a stop: do not linger.
process.on("disconnect", () => {
  if (!stopping) void stop().finally(() => process.exit(0));
});
