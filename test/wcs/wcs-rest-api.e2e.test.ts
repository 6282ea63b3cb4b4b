import { strict as assert } from "node:assert";
import { Engine } from "../../src";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { WcsRestApi, type WcsCallJson, type WcsPushJson, type WcsResponse } from "../../src/wcs";
import {
  childProcessesNamed,
  dominantFrequencyHz,
  ffprobe,
  requirePeers,
  startBaresip,
  startKamailio,
  startRtmpServer,
  type Baresip,
  type Kamailio,
  type RtmpServer,
} from "../harness";
import { processesWithArgument } from "../harness/proc-args";
import {
  DEMO_LEGACY_CALL,
  DEMO_SEND_DTMF,
  DEMO_TERMINATE,
  DOC_CALL_FIND_BY_ID,
  DOC_CALL_FIND_BY_STATUS,
  DOC_CALL_OBJECT_FIELDS,
  DOC_CALL_STARTUP,
  DOC_PUSH_FIND,
  DOC_PUSH_OBJECT_FIELDS,
  DOC_PUSH_STARTUP,
  DOC_PUSH_TERMINATE,
} from "./wcs-fixtures";

const unique = (tag: string): string => `${tag}-${process.pid}-${Date.now().toString(36)}`;

async function post(api: WcsRestApi, method: string, body: unknown, base = "/rest-api"): Promise<WcsResponse> {
  return api.handle("POST", `${base}${method}`, JSON.parse(JSON.stringify(body)) as unknown);
}

/** Polls `/call/find` by callId until the call has `status`. */
async function untilStatus(api: WcsRestApi, callId: string, status: string, timeoutMs = 20_000): Promise<WcsCallJson> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await post(api, "/call/find", { ...DOC_CALL_FIND_BY_ID, callId });
    if (r.status === 200) {
      const call = (r.body as WcsCallJson[])[0];
      last = call.status;
      if (call.status === status) return call;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`call ${callId} did not reach ${status} (last ${last || "not found"})`);
}

/** No ffmpeg of this process is left within `timeoutMs` (the peer stops its own after the BYE arrives). */
async function noFfmpegWithin(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = await childProcessesNamed(["ffmpeg"]);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = await childProcessesNamed(["ffmpeg"]);
  }
  assert.deepEqual(left, [], "no ffmpeg of the engine or the peer is left");
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("WCS REST API against the embedded test meeting peer", function () {
  this.timeout(180_000);
  let rtmp: RtmpServer;
  let peer: TestMeetingPeer;
  let clockOffset = 0;
  let api: WcsRestApi;

  before(async function () {
    requirePeers(["ffmpeg", "ffprobe"]);
    rtmp = await startRtmpServer();
    // The documented body's account and callee, unchanged: the peer answers "10000" and challenges for 10009/1234.
    peer = await startTestMeetingPeer({ user: DOC_CALL_STARTUP.callee, auth: { username: DOC_CALL_STARTUP.sipLogin, password: DOC_CALL_STARTUP.sipPassword } });
  });

  beforeEach(() => {
    clockOffset = 0;
    api = new WcsRestApi({
      localRtmpUrl: rtmp.url,
      streamNamePrefix: "rtmp_",
      engineOptions: { localAddress: "127.0.0.1" },
      now: () => Date.now() + clockOffset,
    });
  });

  afterEach(async () => {
    await api.close();
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
      rtmpStream: unique(`rtmp_${tag}`),
      sipDomain: "127.0.0.1",
      sipOutboundProxy: "127.0.0.1",
      sipPort: String(peer.sipPort),
    };
  }

  it("/call/startup (documented body) → ESTABLISHED, published to rtmpUrl and as toStream; DTMF; /push/*; terminate; 409s and 404s", async () => {
    const body = startupBody("wcs");
    const callId = body.callId;
    assert.deepEqual(Object.keys(body).sort(), Object.keys(DOC_CALL_STARTUP).sort(), "no field added or removed");
    const started = await post(api, "/call/startup", body);
    assert.deepEqual([started.status, started.body], [200, {}]);

    // 409: the same callId again, and another call to the same rtmpUrl + rtmpStream.
    const again = await post(api, "/call/startup", body);
    assert.equal(again.status, 409);
    const sameTarget = await post(api, "/call/startup", { ...body, callId: unique("other"), toStream: unique("other-to") });
    assert.equal(sameTarget.status, 409);
    const sameStream = await post(api, "/call/startup", { ...body, callId: unique("other"), rtmpStream: unique("x") });
    assert.equal(sameStream.status, 409, "toStream is taken");

    const established = await untilStatus(api, callId, "ESTABLISHED");
    assert.deepEqual(DOC_CALL_OBJECT_FIELDS.filter((f) => !(f in established)), [], "every documented call field is there");
    assert.equal(established.sipStatus, 200);
    assert.equal(established.callee, "10000");
    assert.equal(established.caller, "10009");
    assert.equal(established.appKey, "defaultApp");
    assert.equal(established.hasAudio, true);
    assert.equal(established.streamName, body.toStream);
    assert.equal(established.rtmpStream, "***", "the stream key is not echoed");
    const byStatus = await post(api, "/call/find", DOC_CALL_FIND_BY_STATUS);
    assert.equal(byStatus.status, 200);
    assert.ok((byStatus.body as WcsCallJson[]).some((c) => c.callId === callId));
    const all = await post(api, "/call/find_all", {});
    assert.deepEqual((all.body as WcsCallJson[]).map((c) => c.callId), [callId]);

    // The main output carries WCS's prefix; toStream is published on this server under its own name.
    await rtmp.waitForPublish(`rtmp_${body.rtmpStream}`, 20_000);
    await rtmp.waitForPublish(body.toStream, 20_000);
    let rtmpStatus: string | null = null;
    for (let i = 0; i < 100 && rtmpStatus !== "PUBLISHING"; i++) {
      rtmpStatus = ((await post(api, "/call/find", { callId })).body as WcsCallJson[])[0].rtmpStreamStatus;
      if (rtmpStatus !== "PUBLISHING") await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(rtmpStatus, "PUBLISHING");

    // DTMF as the SIP-as-RTMP demo page sends it, then as INFO.
    const before = peer.digits().length;
    assert.equal((await post(api, "/call/send_dtmf", { ...DEMO_SEND_DTMF, callId })).status, 200);
    assert.equal((await post(api, "/call/send_dtmf", { ...DEMO_SEND_DTMF, callId, dtmf: "#", type: "INFO" })).status, 200);
    await until(() => peer.digits().length >= before + 2, 8000, "two keys at the peer");
    assert.deepEqual(peer.digits().slice(before), ["1", "#"]);

    // A transponder of the call's toStream, documented body with this machine's names.
    const pushBody = { ...DOC_PUSH_STARTUP, streamName: body.toStream, rtmpUrl: rtmp.url };
    const push = await post(api, "/push/startup", pushBody);
    assert.equal(push.status, 200, JSON.stringify(push.body));
    const transponder = push.body as WcsPushJson;
    assert.deepEqual(DOC_PUSH_OBJECT_FIELDS.filter((f) => !(f in transponder)), []);
    assert.equal(transponder.streamName, `rtmp_${body.toStream}`);
    assert.equal(transponder.rtmpUrl, rtmp.url);
    assert.equal((await post(api, "/push/startup", pushBody)).status, 409, "the same transponder twice");
    await rtmp.waitForPublish(`rtmp_${body.toStream}`, 20_000);
    const foundPush = await post(api, "/push/find", { ...DOC_PUSH_FIND, streamName: body.toStream, rtmpUrl: rtmp.url });
    assert.deepEqual((foundPush.body as WcsPushJson[]).map((p) => p.mediaSessionId), [transponder.mediaSessionId]);
    // The RTMP server sees the publisher before ffmpeg reports progress: poll until PUBLISHING.
    let pushStatus = "";
    for (let i = 0; i < 100 && pushStatus !== "PUBLISHING"; i++) {
      pushStatus = ((await post(api, "/push/find_all", {})).body as WcsPushJson[])[0].status;
      if (pushStatus !== "PUBLISHING") await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(pushStatus, "PUBLISHING");
    const stopped = await post(api, "/push/terminate", { ...DOC_PUSH_TERMINATE, mediaSessionId: transponder.mediaSessionId });
    assert.equal(stopped.status, 200);
    await rtmp.waitForUnpublish(`rtmp_${body.toStream}`, 15_000);
    assert.equal((await post(api, "/push/terminate", { mediaSessionId: transponder.mediaSessionId })).status, 404);
    assert.equal((await post(api, "/push/find_all", {})).status, 404);

    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await post(api, "/call/terminate", { ...DEMO_TERMINATE, callId })).status, 200);
    const finished = await untilStatus(api, callId, "FINISH", 10_000);
    assert.equal(finished.reason, "NORMAL_CALL_CLEARING");
    assert.equal((await post(api, "/call/terminate", { callId })).status, 404, "an ended call cannot be terminated");
    assert.equal((await post(api, "/call/send_dtmf", { ...DEMO_SEND_DTMF, callId })).status, 404);
    // An ended call stays findable for a while, then is forgotten.
    clockOffset = 31_000;
    assert.equal((await post(api, "/call/find", { callId })).status, 404);
    assert.equal((await post(api, "/call/find_all", {})).status, 404);

    await rtmp.waitForUnpublish(`rtmp_${body.rtmpStream}`, 15_000);
    const file = rtmp.recordedFile(`rtmp_${body.rtmpStream}`);
    assert.ok(file, "the RTMP server recorded the call");
    const probe = await ffprobe(file);
    const codecs = probe.streams.map((s) => s.codec_name);
    assert.ok(codecs.includes("h264") && codecs.includes("aac"), `codecs ${codecs.join(",")}`);
    const hz = await dominantFrequencyHz(file, { skipSec: 1 });
    assert.ok(Math.abs(hz - 440) <= 10, `tone at ${hz} Hz`);
    await until(() => peer.calls().length === 0, 5000, "the peer to see the BYE");
    await api.close();
    assert.deepEqual(await processesWithArgument(body.rtmpStream), []);
    await noFfmpegWithin(5000);
  });

  it("legacy /RESTCall API: /call with a connection object, /getStatus as text, /sendDTMF, /hangup", async () => {
    const callId = unique("legacy");
    const stream = unique("legacy-stream");
    const body = {
      ...DEMO_LEGACY_CALL,
      callId,
      rtmpStream: stream,
      rtmpUrl: rtmp.url,
      callee: DOC_CALL_STARTUP.callee,
      connection: { ...DEMO_LEGACY_CALL.connection, sipDomain: "127.0.0.1", sipOutboundProxy: "127.0.0.1", sipPort: String(peer.sipPort) },
    };
    const started = await post(api, "/call", body, "/RESTCall");
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const deadline = Date.now() + 20_000;
    let status: WcsResponse;
    do {
      status = await post(api, "/getStatus", { callId }, "/RESTCall");
      if (status.body === "ESTABLISHED") break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    assert.deepEqual([status.status, status.contentType, status.body], [200, "text/plain", "ESTABLISHED"]);
    const before = peer.digits().length;
    assert.equal((await post(api, "/sendDTMF", { callId, dtmf: "7", type: "RFC2833" }, "/RESTCall")).status, 200);
    await until(() => peer.digits().length > before, 8000, "the key at the peer");
    assert.deepEqual(peer.digits().slice(before), ["7"]);
    await rtmp.waitForPublish(`rtmp_${stream}`, 20_000);
    assert.equal((await post(api, "/hangup", { callId }, "/RESTCall")).status, 200);
    const end = Date.now() + 10_000;
    do {
      status = await post(api, "/getStatus", { callId }, "/RESTCall");
      if (status.body === "FINISH") break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < end);
    assert.equal(status.body, "FINISH");
  });

  it("a wrong sipPassword ends the call FAILED (401); without callId one is generated; one engine per account, closed when idle", async () => {
    let built = 0;
    const counting = new WcsRestApi({
      engineOptions: { localAddress: "127.0.0.1" },
      engineFactory: (options) => {
        built++;
        return new Engine(options);
      },
    });
    try {
      const bad = { ...startupBody("badpw"), sipPassword: "wrong", toStream: "", rtmpUrl: "", rtmpStream: "" };
      assert.equal((await post(counting, "/call/startup", bad)).status, 200);
      const failed = await untilStatus(counting, bad.callId, "FAILED");
      assert.equal(failed.sipStatus, 401);
      assert.equal(failed.reason, "AUTHENTICATION_FAILED");
      assert.equal(built, 1);

      // Two calls of one account share an engine; the body without callId gets a generated one back.
      const first = { ...startupBody("same1"), toStream: "", rtmpUrl: "", rtmpStream: "" };
      const { callId: _omitted, ...second } = { ...startupBody("same2"), hasVideo: "false", toStream: "", rtmpUrl: "", rtmpStream: "" };
      assert.deepEqual((await post(counting, "/call/startup", first)).body, {});
      const generated = await post(counting, "/call/startup", second);
      const id = (generated.body as { callId: string }).callId;
      assert.match(id, /^[0-9a-f-]{36}$/);
      await untilStatus(counting, first.callId, "ESTABLISHED");
      const audioOnly = await untilStatus(counting, id, "ESTABLISHED");
      assert.equal(audioOnly.hasVideo, false);
      assert.equal(built, 2, "the failed call's engine was closed; both new calls share one");
      for (const callId of [first.callId, id]) {
        assert.equal((await post(counting, "/call/terminate", { callId })).status, 200);
        await untilStatus(counting, callId, "FINISH");
      }
      // Idle now: the next call of the account builds a new engine.
      const third = { ...startupBody("same3"), toStream: "", rtmpUrl: "", rtmpStream: "" };
      assert.equal((await post(counting, "/call/startup", third)).status, 200);
      await untilStatus(counting, third.callId, "ESTABLISHED");
      assert.equal(built, 3);
    } finally {
      await counting.close();
    }
    await noFfmpegWithin(5000);
  });
});

describe("WCS REST API through Kamailio to baresip (documented body)", function () {
  this.timeout(120_000);
  let kamailio: Kamailio;
  let baresip: Baresip;
  let rtmp: RtmpServer;
  let api: WcsRestApi;

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg", "ffprobe"]);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
    rtmp = await startRtmpServer();
    api = new WcsRestApi({ localRtmpUrl: rtmp.url, engineOptions: { localAddress: "127.0.0.1" } });
  });

  after(async () => {
    await api?.close();
    await rtmp?.stop();
    await baresip?.stop();
    await kamailio?.stop();
  });

  it("places the call via the outbound proxy (407 answered), publishes, sends RFC2833 and INFO DTMF, terminates", async () => {
    const body = {
      ...DOC_CALL_STARTUP,
      callId: unique("kam"),
      callee: "uas",
      toStream: unique("kam-to"),
      rtmpUrl: `${rtmp.url}/`,
      rtmpStream: unique("kam-stream"),
      sipLogin: "alice",
      sipAuthenticationName: "alice",
      sipPassword: "alicepw",
      sipDomain: "127.0.0.1",
      sipOutboundProxy: "127.0.0.1",
      sipPort: String(kamailio.udpPort),
    };
    assert.equal((await post(api, "/call/startup", body)).status, 200);
    await untilStatus(api, body.callId, "ESTABLISHED");
    await kamailio.waitForLog(/AUTH 407 INVITE alice/, 5000);
    await rtmp.waitForPublish(body.rtmpStream, 20_000);
    await rtmp.waitForPublish(body.toStream, 20_000);
    assert.equal((await post(api, "/call/send_dtmf", { ...DEMO_SEND_DTMF, callId: body.callId })).status, 200);
    await until(() => baresip.dtmfDigits().includes("1"), 8000, "baresip to hear 1");
    assert.equal((await post(api, "/call/send_dtmf", { callId: body.callId, dtmf: "5", type: "INFO" })).status, 200);
    await until(() => baresip.dtmfDigits().includes("5"), 8000, "baresip to hear 5");
    assert.equal((await post(api, "/call/terminate", { callId: body.callId })).status, 200);
    await untilStatus(api, body.callId, "FINISH", 10_000);
    await baresip.waitForEvent((e) => e.type === "CALL_CLOSED", 10_000);
    await rtmp.waitForUnpublish(body.rtmpStream, 15_000);
    const probe = await ffprobe(rtmp.recordedFile(body.rtmpStream) ?? "");
    assert.ok(probe.streams.some((s) => s.codec_name === "h264"));
    await api.close();
    assert.deepEqual(await processesWithArgument(body.rtmpStream), []);
  });
});
