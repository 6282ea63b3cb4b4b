import type { IncomingMessage, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import { silentLogger, type Logger } from "../../util/logger";
import { playerPage } from "./player-page";
import type { StreamRegistry } from "./stream-registry";
import { WhepError } from "./whep-error";
import { viewerLocation, whepRoute, withSlash, WHEP_PATH } from "./whep-routes";
import { readCappedText } from "../../util/read-capped-text";

/** The largest SDP offer read: a browser's offer is 3–10 kB; larger ones get 413. */
export const MAX_WHEP_OFFER_BYTES = 64 * 1024;

/** The answer of an access check (as the REST API's): ok, or a status with its challenges. */
export type WhepAccess = { ok: true } | { ok: false; status: number; message: string; challenges: string[] };

/** Options of {@link handleWhepRequest}. */
export interface WhepHandlerOptions {
  registry: StreamRegistry;
  /** The HTTP root as browsers see it (httpNodeRoot; `/` by default): the start of Location and of the player's WHEP URL. */
  root?: string;
  /** Checks a WHEP request's credentials (POST, DELETE, PATCH); absent: every request is allowed. */
  authorize?: (req: IncomingMessage) => WhepAccess;
  logger?: Logger;
}

/**
 * Serves WHEP (RFC 9725) for the streams of `registry`, and the player page, over Node's plain
 * request and response (Express passes them as they are). `path` is below the mount point:
 * `/sipcast/whep/{stream}` (POST an `application/sdp` offer → 201, `Location`, the answer;
 * OPTIONS → 204 with `Accept-Post`), `/sipcast/whep/{stream}/{viewer}` (DELETE → 200; PATCH →
 * 405: no trickle ICE, the answer carries every candidate), `/sipcast/play/{stream}` (GET → the page).
 * Resolves false when the path is not one of these (the caller answers it).
 *
 * @remarks CORS headers are the caller's (Node-RED's httpNodeCors), except `Access-Control-Expose-Headers:
 * Location`, added whenever a cross-origin answer is allowed, so that a player on another origin can
 * end its session. OPTIONS needs no credentials (browsers send none on a preflight); POST, DELETE
 * and PATCH go through `authorize`, a POST's body only after it. Errors are `text/plain`.
 */
export async function handleWhepRequest(req: IncomingMessage, res: ServerResponse, path: string, o: WhepHandlerOptions): Promise<boolean> {
  const route = whepRoute(path);
  if (!route) return false;
  const method = (req.method ?? "GET").toUpperCase();
  const root = withSlash(o.root ?? "/");
  const logger = o.logger ?? silentLogger;
  if (route.kind === "player") {
    if (method !== "GET" && method !== "HEAD") return send(res, 405, undefined, { Allow: "GET, HEAD" }), true;
    const html = playerPage(route.stream, `${root}${WHEP_PATH}/${encodeURIComponent(route.stream)}`);
    res.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      // The page loads nothing from elsewhere; its script is inline.
      "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; media-src 'self' blob:; img-src 'self' data:",
    });
    res.end(method === "HEAD" ? undefined : html);
    return true;
  }
  if (res.getHeader("Access-Control-Allow-Origin") !== undefined) res.setHeader("Access-Control-Expose-Headers", "Location");
  const allow = route.kind === "endpoint" ? "POST, OPTIONS" : "DELETE, PATCH, OPTIONS";
  if (method === "OPTIONS") {
    const headers: Record<string, string> = { Allow: allow };
    if (route.kind === "endpoint") headers["Accept-Post"] = "application/sdp";
    return send(res, 204, undefined, headers), true;
  }
  if ((route.kind === "endpoint" && method !== "POST") || (route.kind === "resource" && method !== "DELETE" && method !== "PATCH")) {
    return send(res, 405, "method not allowed", { Allow: allow }), true;
  }
  const access = o.authorize?.(req) ?? { ok: true };
  if (!access.ok) {
    const headers: Record<string, string | string[]> = access.challenges.length > 0 ? { "WWW-Authenticate": access.challenges } : {};
    return send(res, access.status, access.message, headers), true;
  }
  if (route.kind === "resource") {
    // No trickle ICE and no ICE restart: RFC 9725 lets a server answer PATCH with 405.
    if (method === "PATCH") return send(res, 405, "trickle ICE is not supported: the answer carries every candidate", { Allow: "DELETE, OPTIONS" }), true;
    const removed = o.registry.removeViewer(route.stream, route.viewerId);
    return send(res, removed ? 200 : 404, removed ? undefined : "no such viewer"), true;
  }
  if (!isSdpContentType(req.headers["content-type"])) return send(res, 415, "the offer must be sent as Content-Type: application/sdp"), true;
  try {
    const offer = await readText(req, MAX_WHEP_OFFER_BYTES);
    const viewer = await o.registry.addViewer(route.stream, offer);
    res.writeHead(201, {
      "Content-Type": "application/sdp",
      Location: viewerLocation(root, route.stream, viewer.id),
      "Cache-Control": "no-store",
    });
    res.end(viewer.answer);
  } catch (error) {
    if (error instanceof WhepError) {
      if (error.status === 413) res.setHeader("Connection", "close");
      send(res, error.status, error.message);
    } else {
      logger.log("warn", "whep", `${route.stream}: offer failed: ${(error as Error).message}`);
      send(res, 400, `the offer could not be answered: ${(error as Error).message}`);
    }
  }
  return true;
}

/** `application/sdp`, any parameters. */
export function isSdpContentType(header: string | undefined): boolean {
  return header !== undefined && header.split(";")[0].trim().toLowerCase() === "application/sdp";
}

function readText(req: IncomingMessage, limit: number): Promise<string> {
  return readCappedText(req, limit, () => new WhepError(413, `offer larger than ${limit} bytes`));
}

function send(res: ServerResponse, status: number, message: string | undefined, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...headers,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...(message !== undefined ? { "Content-Type": "text/plain; charset=utf-8" } : {}),
  });
  res.end(message === undefined ? undefined : `${STATUS_CODES[status] ?? "Error"}: ${message}\n`);
}
