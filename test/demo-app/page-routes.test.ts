import { strict as assert } from "node:assert";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { pageHandler, type PageConfig } from "../../src/demo-app/page-routes";
import { repoRoot } from "../harness/paths";

const CONFIG: PageConfig = {
  flvUrl: "http://127.0.0.1:8000/live/demo.flv",
  whepUrl: "/sipcast/whep/demo",
  rtmpUrl: "rtmp://127.0.0.1:1935/live/demo",
  callee: "meeting@127.0.0.1:5070",
  embeddedPeer: true,
  republishTarget: "rtmp://127.0.0.1:1935/live/demo-copy",
  restApi: "/rest-api",
  api: { start: "/sipcast/api/start", stop: "/sipcast/api/stop", dtmf: "/sipcast/api/dtmf", state: "/sipcast/api/state" },
};

describe("demo-app: the page's routes", () => {
  let server: http.Server;
  let base = "";
  const digits = ["1", "#"];

  before(async () => {
    const handle = pageHandler({
      pageDir: path.join(repoRoot(), "src", "demo-app", "page"),
      playerFile: require.resolve("mpegts.js/dist/mpegts.js"),
      config: CONFIG,
      digits: () => digits,
    });
    server = http.createServer((req, res) => {
      if (handle(req, res)) return;
      res.statusCode = 418; // "went on to Node-RED"
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("serves the page, its script, its style and mpegts.js with their types", async () => {
    for (const [route, type, marker] of [
      ["/sipcast/", "text/html", '<video id="video"'],
      ["/sipcast/app.js", "text/javascript", "mpegts.createPlayer"],
      ["/sipcast/style.css", "text/css", ".keypad"],
      ["/sipcast/mpegts.js", "text/javascript", "mpegts"],
    ] as const) {
      const res = await fetch(base + route);
      assert.equal(res.status, 200, route);
      assert.match(String(res.headers.get("content-type")), new RegExp(`^${type}`), route);
      assert.ok((await res.text()).includes(marker), `${route} holds ${marker}`);
    }
    const bare = await fetch(`${base}/sipcast`, { redirect: "manual" });
    assert.deepEqual([bare.status, bare.headers.get("location")], [301, "/sipcast/"]);
  });

  it("answers the settings and the digits heard, and leaves everything else to Node-RED", async () => {
    assert.deepEqual(await (await fetch(`${base}/sipcast/config.json`)).json(), CONFIG);
    assert.deepEqual(await (await fetch(`${base}/sipcast/digits`)).json(), { digits: ["1", "#"] });
    assert.equal((await fetch(`${base}/sipcast/api/state`)).status, 418, "the flow's endpoint");
    assert.equal((await fetch(`${base}/sipcast/app.js`, { method: "POST" })).status, 418, "only GET and HEAD");
    assert.equal((await fetch(`${base}/`)).status, 418, "the editor");
  });
});
