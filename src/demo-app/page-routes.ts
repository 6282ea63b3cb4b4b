import * as fs from "node:fs";
import type * as http from "node:http";
import * as path from "node:path";

/** What the page learns about the demo (GET /sipcast/config.json). */
export interface PageConfig {
  /** HTTP-FLV of the demo stream on the embedded server. */
  flvUrl: string;
  /** WHEP endpoint of the demo call's toStream (WebRTC, the page's default player). */
  whepUrl: string;
  /** Where the call is published (the embedded server). */
  rtmpUrl: string;
  /** Whom the demo call dials, e.g. `meeting@127.0.0.1:5070`. */
  callee: string;
  /** Whether the callee is the embedded test meeting (its heard digits are shown). */
  embeddedPeer: boolean;
  /** The rtmp-republish copy's target, without its stream key. */
  republishTarget: string;
  /** The WCS REST API's base path. */
  restApi: string;
  /** The flow's endpoints. */
  api: Record<"start" | "stop" | "dtmf" | "state", string>;
  /** With the test meeting in IVR mode: the DTMF plan that joins it (a button on the page sends it). */
  ivrPlan?: string;
}

/** Options of {@link pageHandler}. */
export interface PageHandlerOptions {
  /** The folder with index.html, app.js and style.css. */
  pageDir: string;
  /** mpegts.js's browser build (node_modules/mpegts.js/dist/mpegts.js). */
  playerFile: string;
  config: PageConfig;
  /** The keys the test meeting heard so far. */
  digits: () => string[];
}

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  "/sipcast/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/sipcast/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/sipcast/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/sipcast/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

/**
 * Whether `url` is the page's or one of its endpoints (/sipcast, /sipcast/…, the flow's /sipcast/api/…).
 * Case-insensitive, as Express (and so Node-RED's http in nodes) matches routes.
 */
export function isPagePath(url: string): boolean {
  const route = url.split("?")[0].toLowerCase();
  // WHEP and the player page of the flow's streams are Node-RED's routes (the login still applies).
  if (route.startsWith("/sipcast/whep/") || route.startsWith("/sipcast/play/")) return false;
  return route === "/sipcast" || route.startsWith("/sipcast/");
}

/**
 * The launcher's own routes: the page and its files under /sipcast/, mpegts.js, the page's settings
 * and the digits the test meeting heard. Returns false for every other request (the flow's
 * /sipcast/api/* endpoints and the rest go on to Node-RED).
 */
export function pageHandler(options: PageHandlerOptions): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = url.pathname;
    if (route === "/sipcast") return redirect(res, "/sipcast/");
    const isRead = req.method === "GET" || req.method === "HEAD";
    if (!isRead) return false;
    const page = FILES[route];
    if (page) return sendFile(res, path.join(options.pageDir, page.file), page.type);
    if (route === "/sipcast/mpegts.js") return sendFile(res, options.playerFile, "text/javascript; charset=utf-8");
    if (route === "/sipcast/config.json") return sendJson(res, options.config);
    if (route === "/sipcast/digits") return sendJson(res, { digits: options.digits() });
    return false;
  };
}

function redirect(res: http.ServerResponse, to: string): true {
  res.statusCode = 301;
  res.setHeader("Location", to);
  res.end();
  return true;
}

function sendJson(res: http.ServerResponse, body: unknown): true {
  res.statusCode = 200;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
  return true;
}

function sendFile(res: http.ServerResponse, file: string, type: string): true {
  fs.readFile(file, (error, data) => {
    if (error) {
      res.statusCode = 500;
      res.end(`cannot read ${path.basename(file)}`);
      return;
    }
    res.statusCode = 200;
    res.setHeader("Content-Type", type);
    res.setHeader("Cache-Control", "no-cache");
    res.end(data);
  });
  return true;
}
