import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { NodeModule } from "./node-red-helper";

type ExpressApp = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

/**
 * An HTTP server on 127.0.0.1 in front of the Node-RED runtime the test helper loads: the test helper's own
 * server does not route `httpNode`, so a loaded `capture` module hands it over and this server passes every
 * request to it (503 before a flow is loaded, 404 for a path no node serves).
 */
export interface HttpNodeFront {
  /** Load this beside the nodes under test: it keeps the runtime's httpNode. */
  readonly capture: NodeModule;
  /** `http://127.0.0.1:<port>`, once started. */
  readonly base: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function httpNodeFront(): HttpNodeFront {
  let app: ExpressApp | undefined;
  let server: http.Server | undefined;
  let base = "";
  return {
    capture: (RED) => {
      app = (RED as { httpNode: ExpressApp }).httpNode;
    },
    get base() {
      return base;
    },
    async start() {
      const s = http.createServer((req, res) => {
        if (!app) return void res.writeHead(503).end();
        app(req, res, () => void res.writeHead(404, { "Content-Type": "text/plain" }).end("no route"));
      });
      server = s;
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
