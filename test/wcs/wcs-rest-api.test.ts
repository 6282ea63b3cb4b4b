import { strict as assert } from "node:assert";
import { WcsRestApi, wcsMethodPath, type WcsResponse } from "../../src/wcs";
import { DEMO_LEGACY_CALL, DEMO_SEND_DTMF, DEMO_TERMINATE, DOC_CALL_STARTUP, DOC_PUSH_FIND, DOC_PUSH_STARTUP, DOC_PUSH_TERMINATE } from "./wcs-fixtures";

interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

function errorOf(r: WcsResponse): ErrorBody {
  assert.equal(r.contentType, "application/json");
  return r.body as ErrorBody;
}

/**
 * Everything the API decides before a call exists: these requests never build an engine or touch
 * the network (a bad body fails before the account's engine is created).
 */
describe("WcsRestApi without peers: paths, methods and error codes", () => {
  let api: WcsRestApi;
  beforeEach(() => {
    api = new WcsRestApi({ engineFactory: () => assert.fail("no engine may be built for a request that fails validation") });
  });
  afterEach(() => api.close());

  it("maps URL paths with or without /rest-api or /RESTCall to the method", () => {
    assert.equal(wcsMethodPath("/rest-api/call/startup"), "/call/startup");
    assert.equal(wcsMethodPath("/call/find_all/"), "/call/find_all");
    assert.equal(wcsMethodPath("/RESTCall/getStatus?x=1"), "/getstatus");
    assert.equal(wcsMethodPath("/rest-api"), "/");
  });

  it("answers 404 for an unknown method and 405 for anything but POST", async () => {
    const unknown = await api.handle("POST", "/rest-api/call/nothing", {});
    assert.equal(unknown.status, 404);
    assert.equal(errorOf(unknown).error, "Not Found");
    const get = await api.handle("GET", "/rest-api/call/find_all", undefined);
    assert.equal(get.status, 405);
  });

  it("answers 400 naming the field for bad /call/startup bodies", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...DOC_CALL_STARTUP, callee: "" }, "callee"],
      [{ ...DOC_CALL_STARTUP, hasAudio: "yes" }, "hasAudio"],
      [{ ...DOC_CALL_STARTUP, hasAudio: "false", hasVideo: "false" }, "hasAudio"],
      [{ ...DOC_CALL_STARTUP, sipPort: "fivethousand" }, "sipPort"],
      [{ ...DOC_CALL_STARTUP, sipLogin: undefined }, "sipLogin"],
      [{ ...DOC_CALL_STARTUP, sipRegisterRequired: 1 }, "sipRegisterRequired"],
      [{ ...DOC_CALL_STARTUP, rtmpUrl: "http://example.com/live" }, "rtmpUrl"],
      [{ ...DOC_CALL_STARTUP, rtmpUrl: undefined }, "rtmpUrl"],
      [{ ...DOC_CALL_STARTUP, rtmpStream: "has space" }, "rtmpStream"],
      [{ ...DOC_CALL_STARTUP, callee: { user: 1 } }, "callee"],
    ];
    for (const [body, field] of cases) {
      const r = await api.handle("POST", "/rest-api/call/startup", body);
      assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
      assert.equal(errorOf(r).field, field, JSON.stringify(r.body));
      assert.match(errorOf(r).message, new RegExp(`^${field}:`));
      assert.ok(!JSON.stringify(r.body).includes("1234"), "the password is never echoed");
    }
    const legacy = await api.handle("POST", "/RESTCall/call", { ...DEMO_LEGACY_CALL, connection: undefined });
    assert.equal(errorOf(legacy).field, "connection");
    const notJson = await api.handle("POST", "/rest-api/call/startup", "{callee:");
    assert.deepEqual([notJson.status, errorOf(notJson).field], [400, "body"]);
    const array = await api.handle("POST", "/rest-api/call/startup", "[1]");
    assert.deepEqual([array.status, errorOf(array).field], [400, "body"]);
  });

  it("answers 404 for an unknown callId, stream or transponder, and for empty lists", async () => {
    for (const [path, body] of [
      ["/rest-api/call/terminate", DEMO_TERMINATE],
      ["/rest-api/call/send_dtmf", DEMO_SEND_DTMF],
      ["/rest-api/call/find", { callId: "nope" }],
      ["/rest-api/call/find_all", {}],
      ["/rest-api/push/startup", DOC_PUSH_STARTUP],
      ["/rest-api/push/find", DOC_PUSH_FIND],
      ["/rest-api/push/find_all", {}],
      ["/rest-api/push/terminate", DOC_PUSH_TERMINATE],
      ["/RESTCall/getStatus", { callId: "nope" }],
      ["/RESTCall/hangup", { callId: "nope" }],
      ["/RESTCall/sendDTMF", { callId: "nope", dtmf: "1", type: "RFC2833" }],
    ] as const) {
      const r = await api.handle("POST", path, body);
      assert.equal(r.status, 404, `${path}: ${JSON.stringify(r.body)}`);
    }
  });

  it("answers 400 for a missing callId or bad DTMF before looking the call up", async () => {
    const noId = await api.handle("POST", "/rest-api/call/terminate", {});
    assert.deepEqual([noId.status, errorOf(noId).field], [400, "callId"]);
    const badKeys = await api.handle("POST", "/rest-api/call/send_dtmf", { ...DEMO_SEND_DTMF, dtmf: "12x" });
    assert.deepEqual([badKeys.status, errorOf(badKeys).field], [400, "dtmf"]);
    const badType = await api.handle("POST", "/rest-api/call/send_dtmf", { ...DEMO_SEND_DTMF, type: "INBAND" });
    assert.deepEqual([badType.status, errorOf(badType).field], [400, "type"]);
    const noUrl = await api.handle("POST", "/rest-api/push/startup", { streamName: "x" });
    assert.deepEqual([noUrl.status, errorOf(noUrl).field], [400, "rtmpUrl"]);
    const badOptions = await api.handle("POST", "/rest-api/push/startup", { ...DOC_PUSH_STARTUP, options: [1] });
    assert.deepEqual([badOptions.status, errorOf(badOptions).field], [400, "options"]);
  });

  it("answers 500 once closed", async () => {
    await api.close();
    const r = await api.handle("POST", "/rest-api/call/find_all", {});
    assert.equal(r.status, 500);
  });
});
