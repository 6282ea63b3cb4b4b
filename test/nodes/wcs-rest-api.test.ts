import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import type { WcsCallJson, WcsPushJson } from "../../src/wcs";
import { childProcessesNamed, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { repoRoot } from "../harness/paths";
import { processesWithArgument } from "../harness/proc-args";
import { DEMO_LEGACY_CALL, DEMO_SEND_DTMF, DEMO_TERMINATE, DOC_CALL_FIND_BY_ID, DOC_CALL_STARTUP, DOC_PUSH_STARTUP } from "../wcs/wcs-fixtures";
import { tab, TAB, unique } from "./helpers/flows";
import { coreNode, helper, nodeOf, ourNode, type FlowCredentials, type FlowNode, type NodeModule } from "./helpers/node-red-helper";
import { recordMessages, recordStatus, until } from "./helpers/recorders";

/** The wcs-rest-api module (helpers/node-red-helper.ts lists the five older nodes only). */
const wcsNode = require(path.join(repoRoot(), "nodes", "wcs-rest-api.js")) as NodeModule;

/** The bearer token the tests give every wcs-rest-api node (its credential) unless a test says otherwise. */
const TOKEN = "test-token-5b1c0e";
const BEARER = `Bearer ${TOKEN}`;

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
    auth: "credential",
    allowedSipHosts: "",
    allowedRtmpHosts: "",
    wires: [],
    ...overrides,
  };
}

/** Loads a flow, giving each wcs-rest-api node the test token unless `credentials` names it. */
function load(modules: NodeModule[], flow: FlowNode[], credentials: FlowCredentials = {}): Promise<void> {
  const tokens: FlowCredentials = {};
  for (const n of flow) if (n.type === "wcs-rest-api") tokens[n.id] = { token: TOKEN };
  return helper.load(modules, flow, { ...tokens, ...credentials });
}

/** Warnings and errors the runtime logged, as text. */
function loggedText(maxLevel = 30): string[] {
  return helper
    .log()
    .args.map((a) => a[0] as { level?: number; msg?: unknown })
    .filter((e) => e.level !== undefined && e.level <= maxLevel)
    .map((e) => String(e.msg));
}

/**
 * The node over real HTTP: the flow is loaded with a module that keeps `RED.httpNode`, which a plain
 * Node HTTP server on 127.0.0.1 then serves (as Node-RED's own server mounts it at httpNodeRoot).
 */
describe("nodes: wcs-rest-api over HTTP", function () {
  this.timeout(120_000);
  let app: ExpressApp | undefined;
  /** What an embedding application puts in front of RED.httpNode (e.g. its own httpNodeAuth check). */
  let front: ((req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void) | undefined;
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
      const served = app;
      const toApp = (): void =>
        served(req, res, () => {
          res.statusCode = 404;
          res.setHeader("Content-Type", "text/plain");
          res.end("no route");
        });
      if (front) front(req, res, toApp);
      else toApp();
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
    front = undefined;
  });

  /** A request with the test token and a JSON Content-Type unless `headers` says otherwise ("" drops a header). */
  function request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const merged: Record<string, string> = { Authorization: BEARER, ...(payload !== undefined ? { "Content-Type": "application/json" } : {}), ...headers };
    for (const [name, value] of Object.entries(merged)) if (value === "") delete merged[name];
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, method, path: urlPath, headers: merged },
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
      await load([wcsNode, ourNode("call-status"), captureHttpNode], flow);
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

    it("keeps its calls apart from the flows' calls: a REST call with a flow's callId gets none of its DTMF and cannot be reached from the flow, nor the flow's call from REST", async () => {
      // The flow's own meeting: another peer, so that each side's DTMF is heard where it arrives.
      const flowPeer = await startTestMeetingPeer({ user: "flowroom" });
      try {
        const body = { ...startupBody("nr-squat"), toStream: "" };
        const { callId } = body;
        const flow = [
          tab(),
          wcsNodeDef("wcs"),
          { id: "acc", type: "sip-account", name: "", login: "flowuser", authName: "", domain: "127.0.0.1", port: flowPeer.sipPort, outboundProxy: "", transport: "udp", registerRequired: false, registerExpires: 600, rtpPortMin: 10000, rtpPortMax: 20000, publicAddress: "", localAddress: "127.0.0.1", dtmfType: "RFC2833", ffmpegPath: "", tlsAllowSelfSigned: false, requestTimeout: 32 },
          { id: "call", type: "sip-call", z: TAB, x: 100, y: 300, name: "", account: "acc", callee: "flowroom", callId, hasAudio: true, hasVideo: true, rtmpUrl: "", jitterBufferMs: 50, wires: [["calls"]] },
          { id: "dtmf", type: "dtmf-send", z: TAB, x: 100, y: 400, name: "", callId, digits: "5", dtmfType: "", pauseMs: 500, initialDelayMs: 0, durationMs: 160, waitEstablished: 10, wires: [["dtmfOut"]] },
          { id: "status", type: "call-status", z: TAB, x: 100, y: 500, name: "", account: "", wires: [["statusOut"]] },
          ...["calls", "dtmfOut", "statusOut"].map((id) => ({ id, type: "helper", z: TAB, x: 300, y: 100, wires: [] })),
        ];
        const modules = [wcsNode, ...(["sip-account", "sip-call", "dtmf-send", "call-status"] as const).map(ourNode), captureHttpNode];
        await load(modules, flow, { acc: { password: "unused" } });
        const [calls, dtmfOut, statusOut] = ["calls", "dtmfOut", "statusOut"].map(recordMessages);

        // The REST client takes the callId first, as the squatter did.
        assert.equal((await post("/rest-api/call/startup", body)).status, 200);
        await untilStatus(callId, "ESTABLISHED");
        // Its call has no toStream: its callId is no stream name for /push/startup.
        const pushByCallId = await post("/rest-api/push/startup", { ...DOC_PUSH_STARTUP, streamName: callId, rtmpUrl: rtmp.url });
        assert.equal(pushByCallId.status, 404, pushByCallId.text);

        // The flow's call with the same callId starts all the same, in its own space.
        nodeOf("call").receive({});
        await calls.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 20_000, "the flow's call ESTABLISHED");
        const restDigits = peer.digits().length;
        nodeOf("dtmf").receive({});
        await dtmfOut.waitFor(() => true, 15_000, "dtmf-send done");
        await until(() => flowPeer.digits().length > 0, 8000, "the key at the flow's peer");
        assert.deepEqual(flowPeer.digits(), ["5"]);
        await new Promise((r) => setTimeout(r, 1500));
        assert.deepEqual(peer.digits().slice(restDigits), [], "the REST caller's call got no DTMF of the flow");

        // call-status reports both, the REST one marked; its query by callId finds the flow's call.
        const restEvents = statusOut.messages.filter((m) => (m.payload as { source?: string }).source === "wcs-rest-api");
        assert.ok(restEvents.some((m) => m.callId === callId && m.topic === "ESTABLISHED" && (m.payload as { sourceId?: string }).sourceId === "wcs"));
        assert.ok(statusOut.messages.some((m) => m.callId === callId && m.topic === "ESTABLISHED" && (m.payload as { source?: string }).source === undefined));
        nodeOf("status").receive({ callId, query: "by-id" });
        const answer = await statusOut.waitFor((m) => m.query === "by-id", 5000, "the call-status answer");
        assert.equal((answer.payload as { callee?: string }).callee, "flowroom", "call-status by callId answers with the flow's call");

        // The REST client ends its own call; the flow's call stays up.
        assert.equal((await post("/rest-api/call/terminate", { callId })).status, 200);
        await untilStatus(callId, "FINISH", 10_000);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(flowPeer.calls().length, 1, "the flow's call is still up");
        assert.ok(!calls.messages.some((m) => m.topic === "FINISH"), "the flow's call did not end");
        // And once it is gone, REST knows nothing of the flow's call of that callId.
        await new Promise((r) => setTimeout(r, 200));
        nodeOf("call").receive({ callId, terminate: true });
        await calls.waitFor((m) => m.topic === "FINISH", 10_000, "the flow's call FINISH");
      } finally {
        await helper.unload();
        await flowPeer.stop();
      }
    });

    it("serves the legacy API under /RESTCall: /call with a connection object, /getStatus as text, /sendDTMF, /hangup", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("legacy", { basePath: "/RESTCall" })]);
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
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("closing")]);
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
      assert.equal((await request("GET", "/sipcast/play/any")).text, "no route", "the WHEP and player route is gone too");
      assert.equal(served._router?.stack.length, routesBefore - 2, "exactly its two routes removed (the REST API's, WHEP's and the player's)");
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
    helperSettings({
      httpNodeMiddleware: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
        if (req.headers.authorization === BEARER) return next();
        res.statusCode = 401;
        res.setHeader("WWW-Authenticate", 'Basic realm="node-red"');
        res.end("unauthorised");
      },
      httpNodeCors: { origin: "*" },
    });
    await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("guarded", { basePath: "api/wcs/" })]);
    const denied = await post("/api/wcs/call/find_all", {}, { Authorization: "" });
    assert.deepEqual([denied.status, denied.text], [401, "unauthorised"]);
    const allowed = await post("/api/wcs/call/find_all", {}, { Origin: "http://example.test" });
    assert.equal(allowed.status, 404, "no calls yet: WCS answers 404");
    assert.deepEqual(allowed.json, { error: "Not Found", message: "no calls" });
    assert.equal(allowed.headers["access-control-allow-origin"], "*");
    const preflight = await request("OPTIONS", "/api/wcs/call/startup", undefined, { Origin: "http://example.test", "Access-Control-Request-Method": "POST" });
    assert.equal(preflight.status, 204);
    assert.match(String(preflight.headers["access-control-allow-methods"]), /POST/);
  });

  describe("authentication, media type, body size and CORS (no SIP needed)", () => {
    /** Every status the node set, from its constructor on (the helper's spy on Node.prototype.status). */
    const statusesOf = (id: string): Array<{ fill?: string; text?: string }> => {
      const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: unknown[] }> } } })._NodePrototype.status;
      return spy
        .getCalls()
        .filter((c) => c.thisValue.id === id)
        .map((c) => c.args[0] as { fill?: string; text?: string });
    };
    const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    const errorMessage = (a: Answer): string => (a.json as { message: string }).message;

    it("by default (a flow saved without `auth`, no credential) refuses every request: 503, red status, one warning", async () => {
      const def = wcsNodeDef("open");
      delete def.auth;
      await helper.load([wcsNode, captureHttpNode], [tab(), def]);
      for (const body of [{}, { ...DOC_CALL_STARTUP }]) {
        const answer = await post(`/rest-api/call/${"callee" in body ? "startup" : "find_all"}`, body, { Authorization: "" });
        assert.equal(answer.status, 503, answer.text);
        assert.match(errorMessage(answer), /no credential is set/);
      }
      assert.equal((await post("/rest-api/call/find_all", {})).status, 503, "no token can work when none is set");
      assert.deepEqual(statusesOf("open").at(-1), { fill: "red", shape: "ring", text: "/rest-api: refusing: no credential set" });
      const warnings = loggedText().filter((t) => /no credential is set/.test(t));
      assert.equal(warnings.length, 1, loggedText().join("\n"));
    });

    it("with a token: serves `Authorization: Bearer <token>`, refuses none or a wrong one with 401 + WWW-Authenticate; no secret shown", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("tok")]);
      const ok = await post("/rest-api/call/find_all", {});
      assert.deepEqual([ok.status, ok.json], [404, { error: "Not Found", message: "no calls" }]);
      for (const authorization of ["", "Bearer wrong-token", `Bearer ${TOKEN}x`, basic("x", TOKEN), `Basic ${TOKEN}`]) {
        const refused = await post("/rest-api/call/startup", { ...DOC_CALL_STARTUP }, { Authorization: authorization });
        assert.equal(refused.status, 401, `${authorization}: ${refused.text}`);
        assert.equal(refused.headers["www-authenticate"], 'Bearer realm="sipcast WCS REST API"');
        assert.ok(!refused.text.includes(TOKEN));
      }
      const get = await request("GET", "/rest-api/call/find_all", undefined, { Authorization: "" });
      assert.equal(get.status, 401, "authentication comes before everything but OPTIONS");
      assert.deepEqual(statusesOf("tok").at(-1), { fill: "grey", shape: "ring", text: "/rest-api: no calls" });
      const exposed = JSON.stringify(helper.log().args) + JSON.stringify(statusesOf("tok")) + JSON.stringify(helper._redNodes.getFlows());
      assert.ok(!exposed.includes(TOKEN), "the token is in no log, status or flow");
    });

    it("with a username and password: serves HTTP Basic with both right, 401 otherwise", async () => {
      await helper.load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("pair")], { pair: { username: "operator", password: "s3cret:pw" } });
      assert.equal((await post("/rest-api/call/find_all", {}, { Authorization: basic("operator", "s3cret:pw") })).status, 404);
      for (const authorization of [basic("operator", "s3cret"), basic("intruder", "s3cret:pw"), BEARER, ""]) {
        const refused = await post("/rest-api/call/find_all", {}, { Authorization: authorization });
        assert.equal(refused.status, 401, authorization);
        assert.equal(refused.headers["www-authenticate"], 'Basic realm="sipcast WCS REST API", charset="UTF-8"');
      }
    });

    it("httpNodeAuth mode refuses when the setting is unset (503, status, warning)", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("nodeauth", { auth: "httpNodeAuth" })]);
      const answer = await post("/rest-api/call/find_all", {}, { Authorization: basic("operator", "pw") });
      assert.equal(answer.status, 503);
      assert.match(errorMessage(answer), /httpNodeAuth setting is not set/);
      assert.deepEqual(statusesOf("nodeauth").at(-1), { fill: "red", shape: "ring", text: "/rest-api: refusing: httpNodeAuth is not set" });
      assert.equal(loggedText().filter((t) => /httpNodeAuth setting is not set/.test(t)).length, 1);
    });

    it("httpNodeAuth mode with the setting but no middleware in front (RED.init): refuses requests without its credentials", async () => {
      helperSettings({ httpNodeAuth: { user: "operator", pass: "$2b$08$bcrypt.hash.not.checked.by.the.node" } });
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("unguarded", { auth: "httpNodeAuth" })]);
      const bare = await post("/rest-api/call/find_all", {}, { Authorization: "" });
      assert.equal(bare.status, 401);
      assert.equal(bare.headers["www-authenticate"], 'Basic realm="Authorization Required"');
      assert.equal((await post("/rest-api/call/find_all", {}, { Authorization: basic("someone", "x") })).status, 401);
      assert.equal((await post("/rest-api/call/find_all", {})).status, 401, "a bearer token is not httpNodeAuth");
      assert.deepEqual(statusesOf("unguarded").at(-1), { fill: "red", shape: "ring", text: "/rest-api: refusing requests, httpNodeAuth not applied" });
      assert.equal(loggedText().filter((t) => /httpNodeAuth is not applied in front/.test(t)).length, 1, "warned once");
    });

    it("httpNodeAuth mode behind an embedding app's Basic-auth middleware (as the demo does): serves what the middleware let through", async () => {
      helperSettings({ httpNodeAuth: { user: "operator", pass: "$2b$08$bcrypt.hash.not.checked.by.the.node" } });
      front = (req, res, next) => {
        if (req.headers.authorization === basic("operator", "right")) return next();
        res.statusCode = 401;
        res.setHeader("WWW-Authenticate", 'Basic realm="Authorization Required"');
        res.end("front door");
      };
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("guarded", { auth: "httpNodeAuth" })]);
      const ok = await post("/rest-api/call/find_all", {}, { Authorization: basic("operator", "right") });
      assert.deepEqual([ok.status, ok.json], [404, { error: "Not Found", message: "no calls" }]);
      assert.deepEqual([(await post("/rest-api/call/find_all", {}, { Authorization: "" })).text], ["front door"]);
      assert.deepEqual(statusesOf("guarded").at(-1), { fill: "grey", shape: "ring", text: "/rest-api: no calls" });
    });

    it("auth none serves without credentials, with a warning marker in the status and one log line", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("open", { auth: "none" })]);
      const answer = await post("/rest-api/call/find_all", {}, { Authorization: "" });
      assert.equal(answer.status, 404);
      assert.deepEqual(statusesOf("open").at(-1), { fill: "yellow", shape: "ring", text: "/rest-api: no calls, no authentication" });
      assert.equal(loggedText().filter((t) => /authentication is "none"/.test(t)).length, 1);
    });

    it("takes only application/json bodies (415 otherwise, e.g. a cross-site text/plain or form post) and at most 64 KiB (413)", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("types")]);
      for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
        const answer = await post("/rest-api/call/find_all", "{}", { "Content-Type": type });
        assert.equal(answer.status, 415, `${type}: ${answer.text}`);
        assert.equal((answer.json as { error: string }).error, "Unsupported Media Type");
      }
      assert.equal((await post("/rest-api/call/find_all", "{}", { "Content-Type": "application/json; charset=utf-8" })).status, 404);
      const big = await post("/rest-api/call/find_all", JSON.stringify({ pad: "x".repeat(70 * 1024) }));
      assert.equal(big.status, 413, big.text);
      assert.equal((await post("/rest-api/call/find_all", JSON.stringify({ pad: "x".repeat(60 * 1024) }))).status, 404, "60 KiB is fine");
    });

    it("sends no CORS header without httpNodeCors, not even to a preflight", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("nocors")]);
      const answer = await post("/rest-api/call/find_all", {}, { Origin: "http://evil.test" });
      assert.equal(answer.status, 404);
      const preflight = await request("OPTIONS", "/rest-api/call/startup", undefined, {
        Authorization: "",
        Origin: "http://evil.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      });
      for (const a of [answer, preflight]) {
        assert.deepEqual(Object.keys(a.headers).filter((h) => h.startsWith("access-control-")), [], JSON.stringify(a.headers));
      }
    });

    it("honours httpNodeCors as http-in does (the cors package): listed origins only, its credentials option", async () => {
      helperSettings({ httpNodeCors: { origin: ["http://ok.test"], credentials: true } });
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("cors")]);
      const ok = await post("/rest-api/call/find_all", {}, { Origin: "http://ok.test" });
      assert.equal(ok.headers["access-control-allow-origin"], "http://ok.test");
      assert.equal(ok.headers["access-control-allow-credentials"], "true");
      assert.match(String(ok.headers.vary), /Origin/);
      const foreign = await post("/rest-api/call/find_all", {}, { Origin: "http://ok.test.evil.test" });
      assert.equal(foreign.headers["access-control-allow-origin"], undefined);
      const preflight = await request("OPTIONS", "/rest-api/call/startup", undefined, { Authorization: "", Origin: "http://ok.test", "Access-Control-Request-Method": "POST" });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers["access-control-allow-origin"], "http://ok.test");
      const foreignPreflight = await request("OPTIONS", "/rest-api/call/startup", undefined, { Authorization: "", Origin: "http://evil.test", "Access-Control-Request-Method": "POST" });
      assert.equal(foreignPreflight.headers["access-control-allow-origin"], undefined);
    });

    it("refuses hosts outside allowedSipHosts / allowedRtmpHosts with 403 naming the field", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("allow", { allowedSipHosts: "pbx.example.com, 127.0.0.1:5060", allowedRtmpHosts: "rtmp.example.com" })]);
      const sip = await post("/rest-api/call/startup", { ...DOC_CALL_STARTUP, sipDomain: "evil.test", sipOutboundProxy: "" });
      assert.deepEqual([sip.status, (sip.json as { field: string }).field], [403, "sipDomain"]);
      const rtmpHost = await post("/rest-api/call/startup", { ...DOC_CALL_STARTUP, sipDomain: "pbx.example.com", sipOutboundProxy: "" });
      assert.deepEqual([rtmpHost.status, (rtmpHost.json as { field: string }).field], [403, "rtmpUrl"]);
      const push = await post("/rest-api/push/startup", { streamName: "s", rtmpUrl: "rtmp://evil.test/live" });
      assert.deepEqual([push.status, (push.json as { field: string }).field], [403, "rtmpUrl"]);
    });

    it("refuses a malformed allowlist entry at deploy: red status naming the field, nothing served", async () => {
      await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("badlist", { allowedRtmpHosts: "rtmp://x.test" })]);
      assert.deepEqual([(await post("/rest-api/call/find_all", {})).text], ["no route"]);
      assert.ok(loggedText(20).some((t) => /allowedRtmpHosts/.test(t)));
      assert.equal(statusesOf("badlist").at(-1)?.fill, "red");
    });
  });

  it("examples/wcs-rest-api.json deploys, serves /rest-api once its token is set, and logs no error", async () => {
    const flow = JSON.parse(fs.readFileSync(path.join(repoRoot(), "examples", "wcs-rest-api.json"), "utf8")) as FlowNode[];
    assert.ok(flow.every((n) => n.credentials === undefined), "no credentials in the example");
    const tabNode: FlowNode = { id: String(flow.find((n) => n.z)?.z), type: "tab", label: "example" };
    const modules = [wcsNode, ourNode("call-status"), coreNode("common/21-debug"), coreNode("common/90-comment"), coreNode("function/10-switch"), captureHttpNode];
    assert.equal(flow.find((n) => n.type === "wcs-rest-api")?.auth, "credential");
    // As imported: no token yet, so nothing is served.
    await helper.load(modules, [tabNode, ...flow]);
    assert.equal((await post("/rest-api/call/find_all", {})).status, 503);
    await helper.unload();
    // With the token the comment tells to set.
    await load(modules, [tabNode, ...flow]);
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
    await load([wcsNode, captureHttpNode], [tab(), wcsNodeDef("bad", { basePath: "/" })]);
    const answer = await post("/call/find_all", {});
    assert.deepEqual([answer.status, answer.text], [404, "no route"]);
    const errors = helper
      .log()
      .args.map((a) => a[0] as { level?: number; msg?: unknown })
      .filter((e) => e.level === 20);
    assert.ok(errors.some((e) => /basePath/.test(String(e.msg))), "the error names the setting");
  });
});
