import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { WcsRestApi, type WcsCallJson, type WcsResponse } from "../../src/wcs";
import type { EngineLimits } from "../../src";
import { requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { DOC_CALL_STARTUP } from "./wcs-fixtures";

const unique = (tag: string): string => `${tag}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

async function post(api: WcsRestApi, method: string, body: unknown): Promise<WcsResponse> {
  return api.handle("POST", `/rest-api${method}`, JSON.parse(JSON.stringify(body)) as unknown);
}

function messageOf(r: WcsResponse): string {
  return (r.body as { message: string }).message;
}

/**
 * Input bounds of the REST API with real calls to the embedded test meeting peer (127.0.0.1): long
 * DTMF, the DTMF queue, header injection through `visibleName`, and the engine limits (429).
 */
describe("WCS REST API: input bounds and engine limits", function () {
  this.timeout(120_000);
  let peer: TestMeetingPeer;
  let rtmp: RtmpServer;
  let api: WcsRestApi | undefined;

  before(async () => {
    requirePeers(["ffmpeg"]);
    rtmp = await startRtmpServer();
    peer = await startTestMeetingPeer({ user: DOC_CALL_STARTUP.callee, auth: { username: DOC_CALL_STARTUP.sipLogin, password: DOC_CALL_STARTUP.sipPassword } });
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  after(async () => {
    await peer?.stop();
    await rtmp?.stop();
  });

  function newApi(limits?: EngineLimits): WcsRestApi {
    api = new WcsRestApi({ engineOptions: { localAddress: "127.0.0.1", ...(limits ? { limits } : {}) } });
    return api;
  }

  /** The documented body without RTMP output, pointed at the peer. */
  function body(tag: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const { rtmpUrl: _u, rtmpStream: _s, ...rest } = DOC_CALL_STARTUP;
    return { ...rest, callId: unique(tag), toStream: unique(`${tag}-to`), hasVideo: "false", sipDomain: "127.0.0.1", sipOutboundProxy: "127.0.0.1", sipPort: String(peer.sipPort), ...extra };
  }

  async function established(a: WcsRestApi, callId: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const r = await post(a, "/call/find", { callId });
      if (r.status === 200 && (r.body as WcsCallJson[])[0].status === "ESTABLISHED") return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`call ${callId} not ESTABLISHED`);
  }

  it("/call/send_dtmf with 1 MB digit strings: 400 naming dtmf, no memory growth, the call goes on", async () => {
    const a = newApi();
    const b = body("dtmf-long");
    assert.equal((await post(a, "/call/startup", b)).status, 200);
    await established(a, b.callId as string);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3; i++) {
      const r = await post(a, "/call/send_dtmf", { callId: b.callId, dtmf: "1".repeat(1 << 20), type: "RFC2833" });
      assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 200));
      assert.equal((r.body as { field: string }).field, "dtmf");
      assert.match(messageOf(r), /^dtmf: 1048576 keys, at most 64 per request/);
    }
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 64 * 1024 * 1024, `heap grew by ${Math.round(grown / 1048576)} MB`);
    // 64 keys are fine.
    assert.equal((await post(a, "/call/send_dtmf", { callId: b.callId, dtmf: "1,".repeat(32), type: "INFO" })).status, 200);
    const found = await post(a, "/call/find", { callId: b.callId });
    assert.equal((found.body as WcsCallJson[])[0].status, "ESTABLISHED");
  });

  it("/call/send_dtmf: the ninth queued sequence of a call is a 400", async () => {
    const a = newApi();
    const b = body("dtmf-queue");
    assert.equal((await post(a, "/call/startup", b)).status, 200);
    await established(a, b.callId as string);
    // Each sequence pauses for seconds, so all eight are still queued when the ninth comes.
    for (let i = 0; i < 8; i++) assert.equal((await post(a, "/call/send_dtmf", { callId: b.callId, dtmf: "1,,,,," })).status, 200, `sequence ${i + 1}`);
    const ninth = await post(a, "/call/send_dtmf", { callId: b.callId, dtmf: "2" });
    assert.equal(ninth.status, 400);
    assert.match(messageOf(ninth), /^dtmf: 8 sequences are already waiting to be sent, at most 8 per call/);
  });

  it("/call/startup: a visibleName holding CR LF is a 400 naming visibleName (no INVITE)", async () => {
    const a = newApi();
    const r = await post(a, "/call/startup", body("inject", { visibleName: "Mallory\r\nX-Injected: yes" }));
    assert.equal(r.status, 400);
    assert.equal((r.body as { field: string }).field, "visibleName");
    assert.match(messageOf(r), /^visibleName: must not contain CR, LF or NUL/);
    assert.equal((await post(a, "/call/find_all", {})).status, 404, "no call was placed");
  });

  it("maxCalls: the second call of a limit of 1 is a 429 naming maxCalls; ended calls do not count", async () => {
    const a = newApi({ maxCalls: 1 });
    const first = body("max-1");
    assert.equal((await post(a, "/call/startup", first)).status, 200);
    await established(a, first.callId as string);
    const refused = await post(a, "/call/startup", body("max-2"));
    assert.equal(refused.status, 429);
    assert.equal(messageOf(refused), "call refused: limit maxCalls (1) reached");
    assert.equal((await post(a, "/call/terminate", { callId: first.callId })).status, 200);
    const deadline = Date.now() + 10_000;
    let again: WcsResponse;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await post(a, "/call/startup", body("max-3"));
    } while (again.status === 429 && Date.now() < deadline);
    assert.equal(again.status, 200, "once the first call has ended, a new one is accepted");
  });

  it("callStartsPerSecond: the second start within a second is a 429 naming the limit", async () => {
    const a = newApi({ callStartsPerSecond: 1 });
    assert.equal((await post(a, "/call/startup", body("rate-1"))).status, 200);
    const refused = await post(a, "/call/startup", body("rate-2"));
    assert.equal(refused.status, 429);
    assert.equal(messageOf(refused), "call refused: limit callStartsPerSecond (1) reached");
  });

  it("maxOutputsPerCall: a /push/startup beyond the limit is a 429 naming it", async () => {
    const a = newApi({ maxOutputsPerCall: 2 });
    const b = body("outputs", { hasVideo: "true" });
    assert.equal((await post(a, "/call/startup", b)).status, 200);
    await established(a, b.callId as string);
    const push = (tag: string): Promise<WcsResponse> => post(a, "/push/startup", { streamName: b.toStream, rtmpUrl: `${rtmp.url}/${unique(tag)}`, rtmpTransponderFullUrl: true, options: {} });
    for (const tag of ["push-1", "push-2"]) {
      const r = await push(tag);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const refused = await push("push-3");
    assert.equal(refused.status, 429);
    assert.match(messageOf(refused), /^output [0-9a-f-]+ of call .* refused: limit maxOutputsPerCall \(2\) reached$/);
    assert.equal(((await post(a, "/push/find_all", {})).body as unknown[]).length, 2, "the refused transponder does not exist");
  });
});
