import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { handleWhepRequest, parseAuthorization, sameSecret, type StreamRegistry, type WhepAccess } from "../../src/index";

/** The engine host's WHEP endpoint for the viewers step: 127.0.0.1, a free port, a bearer token. */
export interface WhepListener {
  /** `http://127.0.0.1:PORT` (the endpoint is `${origin}/sipcast/whep/{stream}`). */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `registry`'s streams over WHEP as the CLI's --whep-listen does, every POST and DELETE needing `Bearer token`. */
export async function listenWhep(registry: StreamRegistry, token: string): Promise<WhepListener> {
  const authorize = (req: http.IncomingMessage): WhepAccess => {
    const given = parseAuthorization(req.headers.authorization);
    return given?.scheme === "bearer" && sameSecret(given.token, token) ? { ok: true } : { ok: false, status: 401, message: "authentication required", challenges: ['Bearer realm="sipcast bench"'] };
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    handleWhepRequest(req, res, path, { registry, authorize }).then(
      (served) => {
        if (!served) res.writeHead(404).end();
      },
      () => {
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
