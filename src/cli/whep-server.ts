import * as http from "node:http";
import { handleWhepRequest, sameSecret, parseAuthorization, type StreamRegistry, type WhepAccess } from "../index";
import type { CliWhep } from "./whep-flags";

/** The CLI's HTTP server for WHEP and the player page (Node-RED serves them on its own server). */
export interface WhepServer {
  /** The player page's URL. */
  readonly playerUrl: string;
  close(): Promise<void>;
}

/** Starts listening on `whep.host:whep.port`. @throws (rejects) when the port cannot be bound. */
export async function startWhepServer(whep: CliWhep, registry: StreamRegistry): Promise<WhepServer> {
  const authorize = (req: http.IncomingMessage): WhepAccess => {
    if (!whep.token) return { ok: true };
    const given = parseAuthorization(req.headers.authorization);
    const ok = given?.scheme === "bearer" && sameSecret(given.token, whep.token);
    return ok ? { ok: true } : { ok: false, status: 401, message: given ? "invalid credentials" : "authentication required", challenges: ['Bearer realm="sipcast WHEP"'] };
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    handleWhepRequest(req, res, path, { registry, authorize }).then(
      (served) => {
        if (!served) res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not Found\n");
      },
      () => {
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(whep.port, whep.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    playerUrl: `http://${whep.host}:${whep.port}/sipcast/play/${whep.stream}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
