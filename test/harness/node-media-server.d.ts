/*
 * The part of node-media-server 4.4.x that the RTMP test peer uses. The package ships no
 * type declarations; these follow its src/index.js and src/core/context.js.
 */
declare module "node-media-server" {
  interface NmsSession {
    id: string;
    streamApp: string;
    streamName: string;
    streamPath: string;
    /** Present on RTMP sessions. */
    socket?: import("node:net").Socket;
  }
  interface NmsConfig {
    bind?: string;
    rtmp?: { port?: number };
    rtmps?: { port?: number; key?: string; cert?: string };
    record?: { auto?: boolean; path?: string };
    store?: { path?: string };
  }
  class NodeMediaServer {
    constructor(config: NmsConfig);
    on(event: string, listener: (session: NmsSession) => void): void;
    run(): Promise<void>;
    stop(): Promise<void>;
    rtmpServer: { tcpServer?: import("node:net").Server; tlsServer?: import("node:tls").Server };
  }
  export = NodeMediaServer;
}

declare module "node-media-server/src/core/logger.js" {
  const logger: { level: string };
  export = logger;
}
