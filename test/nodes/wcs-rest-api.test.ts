import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import type { WcsCallJson, WcsPushJson } from "../../src/wcs";
import { childProcessesNamed, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { repoRoot } from "../harness/paths";
import { processesWithArgument } from "../harness/proc-args";
import { DEMO_LEGACY_CALL, DEMO_SEND_DTMF, DEMO_TERMINATE, DOC_CALL_FIND_BY_ID, DOC_CALL_STARTUP, DOC_PUSH_STARTUP } from "../wcs/wcs-fixtures";
import { tab, TAB, unique } from "./helpers/flows";
import { coreNode, helper, ourNode, type FlowNode, type NodeModule } from "./helpers/node-red-helper";
import { recordMessages, recordStatus, until } from "./helpers/recorders";

/** The wcs-rest-api module (helpers/node-red-helper.ts lists the five older nodes only). */
const wcsNode = require(path.join(repoRoot(), "nodes", "wcs-rest-api.js")) as NodeModule;

/** An Express application as the runtime hands it to nodes (`RED.httpNode`). */
type ExpressApp = ((req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void) & {
  _router?: { stack: unknown[] };
};

/** The settings merge the helper offers (not in its typed surface). */
const helperSettings = (settings: Record<string, unknown>): void => {
  (helper as unknown as { settings(s: Record<string, unknown>): void }).settings(settings);
};

/** A response as the tests see it. */
interface Answer {
  status: number;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

function wcsNodeDef(id: string, overrides: Record<string, unknown> = {}): FlowNode {
  return {
    id,
    type: "wcs-rest-api",
    z: TAB,
    x: 100,
    y: 100,
    name: "",
    basePath: "/rest-api",
    localRtmpUrl: "",
    streamNamePrefix: "",
    defaultDtmfType: "RFC2833",
    localAddress: "127.0.0.1",
    publicAddress: "",
    rtpPortMin: 10000,
    rtpPortMax: 20000,
    wires: [],
    ...overrides,
  };
}

/**
 * The node over real HTTP: the flow is loaded with a module that keeps `RED.httpNode`, which a plain
 * Node HTTP server on 127.0.0.1 then serves (as Node-RED's own server mounts it at httpNodeRoot).
 */
describe("nodes: wcs-rest-api over HTTP", function () {
  this.timeout(120_000);
  let app: ExpressApp | undefined;
  let server: http.Server;
  let port = 0;
  const captureHttpNode: NodeModule = (RED) => {
    app = (RED as { httpNode: ExpressApp }).httpNode;
  };

  before(async () => {
    await helper.startServer();
    server = http.createServer((req, res) => {
      if (!app) {
        res.statusCode = 503;
        res.end();
        return;
      }
      app(req, res, () => {
        res.statusCode = 404;
        res.setHeader("Content-Type", "text/plain");
        res.end("no route");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await helper.unload();
    helperSettings({});
    await helper.stopServer();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterEach(async () => {
    await helper.unload();
    helperSettings({});
    app = undefined;
  });

  function request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, method, path: urlPath, headers: { ...(payload !== undefined ? { "Content-Type": "application/json" } : {}), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const contentType = String(res.headers["content-type"] ?? "");
            let json: unknown;
            if (contentType.startsWith("application/json")) json = JSON.parse(text) as unknown;
            resolve({ status: res.statusCode ?? 0, contentType, headers: res.headers, text, json });
          });
        },
      );
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  const post = (urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> => request("POST", urlPath, body, headers);

  async function untilStatus(callId: string, status: string, timeoutMs = 20_000, base = "/rest-api"): Promise<WcsCallJson> {
    const end = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < end) {
      const r = await post(`${base}/call/find`, { ...DOC_CALL_FIND_BY_ID, callId });
      if (r.status === 200) {
        const call = (r.json as WcsCallJson[])[0];
        last = call.status;
        if (call.status === status) return call;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`call ${callId} did not reach ${status} (last ${last || "not found"})`);
  }

  describe("against the embedded test meeting peer", () => {
    let peer: TestMeetingPeer;
    let rtmp: RtmpServer;

    before(async function () {
      requirePeers(["ffmpeg"]);
      rtmp = await startRtmpServer();
      // The documented body's account and callee: the peer answers "10000" and challenges 10009/1234.
      peer = await startTestMeetingPeer({ user: DOC_CALL_STARTUP.callee, auth: { username: DOC_CALL_STARTUP.sipLogin, password: DOC_CALL_STARTUP.sipPassword } });
    });

    after(async () => {
      await peer?.stop();
      await rtmp?.stop();
    });

    /** The documented body with only this machine's addresses and unique names put in. */
    function startupBody(tag: string): typeof DOC_CALL_STARTUP {
      return {
        ...DOC_CALL_STARTUP,
        callId: unique(tag),
        toStream: unique(`${tag}-to`),
        rtmpUrl: `${rtmp.url}/`,
        rtmpStream: unique(`${tag}-key`),
        sipDomain: "127.0.0.1",
        sipOutboundProxy: "127.0.0.1",
        sipPort: String(peer.sipPort),
      };
    }

    it("answers the documented WCS bodies: startup, 409, find, send_dtmf, push, terminate, 404, 400, 405", async () => {
      const flow = [
        tab(),
        wcsNodeDef("wcs", { localRtmpUrl: rtmp.url, streamNamePrefix: "rtmp_" }),
        { id: "status", type: "call-status", z: TAB, x: 100, y: 200, name: "", account: "", wires: [["statusOut"]] },
        { id: "statusOut", type: "helper", z: TAB, x: 300, y: 200, wires: [] },
      ];
      await helper.load([wcsNode, ourNode("call-status"), captureHttpNode], flow);
      const wcsStatus = recordStatus("wcs");
      const statusOut = recordMessages("statusOut");
      const body = startupBody("nr-wcs");
      const { callId } = body;
      assert.deepEqual(Object.keys(body).sort(), Object.keys(DOC_CALL_STARTUP).sort(), "no field added or removed");

      const started = await post("/rest-api/call/startup", body);
      assert.deepEqual([started.status, started.json], [200, {}]);
      assert.equal((await post("/rest-api/call/startup", body)).status, 409, "the same callId twice");

      const established = await untilStatus(callId, "ESTABLISHED");
      assert.equal(established.caller, "10009");
      assert.equal(established.callee, "10000");
      assert.equal(established.rtmpStream, "***", "the stream key is not echoed");
      assert.ok(!JSON.stringify(established).includes(DOC_CALL_STARTUP.sipPassword), "no password in the answer");
      await wcsStatus.waitFor((s) => s.text === "/rest-api: 1 call" && s.fill === "green", 5000, "the node shows one call");
      // The call is in the call directory: a call-status node reports it.
      await statusOut.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 5000, "call-status reports the WCS call");
      const seen = statusOut.messages.filter((m) => m.callId === callId).map((m) => m.topic);
      assert.equal(seen[0], "TRYING", `call-status saw the call from its first state: ${seen.join(", ")}`);

      // Published to rtmpUrl (with WCS's prefix) and, as toStream, to this server's own application.
      await rtmp.waitForPublish(`rtmp_${body.rtmpStream}`, 20_000);
      await rtmp.waitForPublish(body.toStream, 20_000);

      const before = peer.digits().length;
      assert.equal((await post("/rest-api/call/send_dtmf", { ...DEMO_SEND_DTMF, callId, dtmf: "4#" })).status, 200);
      await until(() => peer.digits().length >= before + 2, 8000, "two keys at the peer");
      assert.deepEqual(peer.digits().slice(before), ["4", "#"]);

      const push = await post("/rest-api/push/startup", { ...DOC_PUSH_STARTUP, streamName: body.toStream, rtmpUrl: rtmp.url });
      assert.equal(push.status, 200, push.text);
      const transponder = push.json as WcsPushJson;
      assert.equal(transponder.streamName, `rtmp_${body.toStream}`);
      await rtmp.waitForPublish(`rtmp_${body.toStream}`, 20_000);
      assert.equal((await post("/rest-api/push/terminate", { mediaSessionId: transponder.mediaSessionId })).status, 200);

      // Bad requests: the field is named; unknown calls and methods are 404; only POST is served.
      const badPort = await post("/rest-api/call/startup", { ...startupBody("bad"), sipPort: "abc" });
      assert.equal(badPort.status, 400);
      assert.equal((badPort.json as { field?: string }).field, "sipPort");
      const notJson = await post("/rest-api/call/startup", "callee=10000");
      assert.equal(notJson.status, 400);
      assert.equal((notJson.json as { field?: string }).field, "body");
      assert.equal((await post("/rest-api/call/terminate", { callId: "no-such-call" })).status, 404);
      assert.equal((await post("/rest-api/call/nothing", {})).status, 404);
      const get = await request("GET", "/rest-api/call/find_all");
      assert.equal(get.status, 405);
      assert.match(String(get.headers.allow), /POST/);

      assert.equal((await post("/rest-api/call/terminate", { ...DEMO_TERMINATE, callId })).status, 200);
      const finished = await untilStatus(callId, "FINISH", 10_000);
      assert.equal(finished.reason, "NORMAL_CALL_CLEARING");
      assert.equal((await post("/rest-api/call/terminate", { callId })).status, 404, "an ended call cannot be terminated");
      await wcsStatus.waitFor((s) => s.text === "/rest-api: no calls", 5000, "the node shows no call");
      await until(() => peer.calls().length === 0, 5000, "the peer to see the BYE");
    });

    it("serves the legacy API under /RESTCall: /call with a connection object, /getStatus as text, /sendDTMF, /hangup", async () => {
      await helper.load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("legacy", { basePath: "/RESTCall" })]);
      const callId = unique("nr-legacy");
      const body = {
        ...DEMO_LEGACY_CALL,
        callId,
        rtmpStream: unique("nr-legacy-stream"),
        rtmpUrl: rtmp.url,
        callee: DOC_CALL_STARTUP.callee,
        connection: { ...DEMO_LEGACY_CALL.connection, sipDomain: "127.0.0.1", sipOutboundProxy: "127.0.0.1", sipPort: String(peer.sipPort) },
      };
      assert.equal((await post("/RESTCall/call", body)).status, 200);
      let status: Answer;
      const end = Date.now() + 20_000;
      do {
        status = await post("/RESTCall/getStatus", { callId });
        if (status.text === "ESTABLISHED") break;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < end);
      assert.equal(status.status, 200);
      assert.match(status.contentType, /^text\/plain/);
      assert.equal(status.text, "ESTABLISHED");
      const before = peer.digits().length;
      assert.equal((await post("/RESTCall/sendDTMF", { callId, dtmf: "7", type: "INFO" })).status, 200);
      await until(() => peer.digits().length > before, 8000, "the key at the peer");
      assert.deepEqual(peer.digits().slice(before), ["7"]);
      assert.equal((await post("/RESTCall/hangup", { callId })).status, 200);
      await until(() => peer.calls().length === 0, 10_000, "the peer to see the BYE");
      assert.equal((await post("/rest-api/call/find_all", {})).text, "no route", "only the configured base is served");
    });

    it("removes its routes on close and hangs up its calls; no ffmpeg is left", async () => {
      await helper.load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("closing")]);
      const served = app;
      assert.ok(served);
      const routesBefore = served._router?.stack.length ?? 0;
      const body = { ...startupBody("nr-close"), toStream: "", rtmpUrl: `${rtmp.url}/`, rtmpStream: unique("nr-close-key") };
      assert.equal((await post("/rest-api/call/startup", body)).status, 200);
      await untilStatus(body.callId, "ESTABLISHED");
      await rtmp.waitForPublish(body.rtmpStream, 20_000);

      await helper.unload();
      // The same application, now without the node's route: the request falls through.
      const after = await post("/rest-api/call/find_all", {});
      assert.deepEqual([after.status, after.text], [404, "no route"]);
      assert.equal(served._router?.stack.length, routesBefore - 1, "exactly one route removed");
      await until(() => peer.calls().length === 0, 10_000, "the peer to see the BYE");
      assert.deepEqual(await processesWithArgument(body.rtmpStream), [], "the call's ffmpeg is gone");
      const end = Date.now() + 8000;
      let left = await childProcessesNamed(["ffmpeg"]);
      while (left.length > 0 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        left = await childProcessesNamed(["ffmpeg"]);
      }
      assert.deepEqual(left, [], "no ffmpeg of the node or the peer is left");
    });
  });

  it("sits behind httpNodeMiddleware (e.g. an auth check) and honours httpNodeCors", async () => {
    const token = "Bearer let-me-in";
    helperSettings({
      httpNodeMiddleware: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
        if (req.headers.authorization === token) return next();
        res.statusCode = 401;
        res.setHeader("WWW-Authenticate", 'Basic realm="node-red"');
        res.end("unauthorised");
      },
      httpNodeCors: { origin: "*" },
    });
    await helper.load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("guarded", { basePath: "api/wcs/" })]);
    const denied = await post("/api/wcs/call/find_all", {});
    assert.deepEqual([denied.status, denied.text], [401, "unauthorised"]);
    const allowed = await post("/api/wcs/call/find_all", {}, { Authorization: token, Origin: "http://example.test" });
    assert.equal(allowed.status, 404, "no calls yet: WCS answers 404");
    assert.deepEqual(allowed.json, { error: "Not Found", message: "no calls" });
    assert.equal(allowed.headers["access-control-allow-origin"], "*");
    const preflight = await request("OPTIONS", "/api/wcs/call/startup", undefined, { Authorization: token, Origin: "http://example.test", "Access-Control-Request-Method": "POST" });
    assert.equal(preflight.status, 204);
    assert.match(String(preflight.headers["access-control-allow-methods"]), /POST/);
  });

  it("examples/wcs-rest-api.json deploys, serves /rest-api and logs no error", async () => {
    const flow = JSON.parse(fs.readFileSync(path.join(repoRoot(), "examples", "wcs-rest-api.json"), "utf8")) as FlowNode[];
    assert.ok(flow.every((n) => n.credentials === undefined), "no credentials in the example");
    const tabNode: FlowNode = { id: String(flow.find((n) => n.z)?.z), type: "tab", label: "example" };
    const modules = [wcsNode, ourNode("call-status"), coreNode("common/21-debug"), coreNode("common/90-comment"), coreNode("function/10-switch"), captureHttpNode];
    await helper.load(modules, [tabNode, ...flow]);
    for (const n of flow) assert.ok(helper.getNode(n.id), `${n.type} ${n.id} is running`);
    const answer = await post("/rest-api/call/find_all", {});
    assert.deepEqual([answer.status, answer.json], [404, { error: "Not Found", message: "no calls" }]);
    const errors = helper
      .log()
      .args.map((a) => a[0] as { level?: number; msg?: unknown })
      .filter((e) => e.level !== undefined && e.level <= 20);
    assert.deepEqual(errors, []);
  });

  it("refuses a base path that is not a path below the root: red status, no route", async () => {
    await helper.load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("bad", { basePath: "/" })]);
    const answer = await post("/call/find_all", {});
    assert.deepEqual([answer.status, answer.text], [404, "no route"]);
    const errors = helper
      .log()
      .args.map((a) => a[0] as { level?: number; msg?: unknown })
      .filter((e) => e.level === 20);
    assert.ok(errors.some((e) => /basePath/.test(String(e.msg))), "the error names the setting");
  });
});
