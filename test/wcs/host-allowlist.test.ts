import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { HostAllowlist } from "../../src/wcs/host-allowlist";
import { WcsRestApi, type WcsResponse } from "../../src/wcs";
import { DEMO_LEGACY_CALL, DOC_CALL_STARTUP, DOC_PUSH_STARTUP } from "./wcs-fixtures";

function errorOf(r: WcsResponse): { error: string; message: string; field?: string } {
  return r.body as { error: string; message: string; field?: string };
}

describe("WCS REST API: allowlists of SIP and RTMP hosts", () => {
  it("matches hosts exactly and case-insensitively, with an optional port", () => {
    const list = HostAllowlist.parse("allowedSipHosts", ["PBX.example.com", "10.0.0.5:5080", "[::1]", " "]);
    assert.ok(list.allows("pbx.EXAMPLE.com", 5060));
    assert.ok(list.allows("pbx.example.com", 6000), "no port in the entry: any port");
    assert.ok(list.allows("10.0.0.5", 5080));
    assert.ok(!list.allows("10.0.0.5", 5060), "the entry's port only");
    assert.ok(list.allows("[::1]", 5060) && list.allows("::1", 5061));
    for (const host of ["evil-pbx.example.com", "pbx.example.com.evil.net", "example.com", "x.pbx.example.com", "pbx.example.co", "10.0.0.50"]) {
      assert.ok(!list.allows(host, 5080), `${host} is not allowed`);
    }
    assert.ok(HostAllowlist.parse("allowedSipHosts", []).allows("anything.example", 1), "empty: any host");
  });

  it("refuses a malformed entry with a ConfigError naming the option, also from the WcsRestApi constructor", () => {
    for (const bad of ["pbx.example.com:0", "http://x", "a b", "host:port", "*.example.com", "pbx..example.com"]) {
      assert.throws(() => HostAllowlist.parse("allowedRtmpHosts", [bad]), (e: Error) => e instanceof ConfigError && e.message.startsWith("allowedRtmpHosts:"), bad);
    }
    assert.throws(() => new WcsRestApi({ allowedSipHosts: ["*"] }), /^ConfigError: allowedSipHosts:|allowedSipHosts:/);
  });

  describe("requests naming a host outside the lists get 403 naming the field, before any engine is built", () => {
    let api: WcsRestApi;
    beforeEach(() => {
      api = new WcsRestApi({
        allowedSipHosts: ["pbx.example.com", "proxy.example.com:5070"],
        allowedRtmpHosts: ["rtmp.example.com", "127.0.0.1:1935"],
        localRtmpUrl: "rtmp://media.example.com/live",
        engineFactory: () => assert.fail("no engine may be built for a refused request"),
      });
    });
    afterEach(() => api.close());

    const allowedCall = {
      ...DOC_CALL_STARTUP,
      sipDomain: "pbx.example.com",
      sipOutboundProxy: "proxy.example.com:5070",
      rtmpUrl: "rtmp://rtmp.example.com/live/",
      toStream: "",
    };

    it("/call/startup: sipDomain, sipOutboundProxy, a callee URI's host, rtmpUrl, and toStream's local target", async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...allowedCall, sipDomain: "pbx.example.com.evil.test" }, "sipDomain"],
        [{ ...allowedCall, sipOutboundProxy: "proxy.example.com:5060" }, "sipOutboundProxy"],
        [{ ...allowedCall, callee: "sip:1000@evil.test" }, "callee"],
        [{ ...allowedCall, callee: "1000@EVIL.test:5060" }, "callee"],
        [{ ...allowedCall, rtmpUrl: "rtmp://evil.test/live/" }, "rtmpUrl"],
        [{ ...allowedCall, rtmpUrl: "rtmp://127.0.0.1:1936/live/" }, "rtmpUrl"],
        [{ ...allowedCall, toStream: "s1" }, "toStream"], // published also to localRtmpUrl, whose host is not listed
        [{ ...allowedCall, rtmpUrl: "", rtmpStream: "", toStream: "s2" }, "toStream"],
      ];
      for (const [body, field] of cases) {
        const r = await api.handle("POST", "/rest-api/call/startup", body);
        assert.equal(r.status, 403, `${field}: ${JSON.stringify(r.body)}`);
        assert.equal(errorOf(r).field, field);
        assert.equal(errorOf(r).error, "Forbidden");
        assert.match(errorOf(r).message, new RegExp(`^${field}: .* not in allowed(Sip|Rtmp)Hosts$`));
      }
      const legacy = await api.handle("POST", "/RESTCall/call", {
        ...DEMO_LEGACY_CALL,
        rtmpUrl: "rtmp://rtmp.example.com/live",
        connection: { ...DEMO_LEGACY_CALL.connection, sipDomain: "evil.test", sipOutboundProxy: "" },
      });
      assert.deepEqual([legacy.status, errorOf(legacy).field], [403, "connection.sipDomain"]);
    });

    it("/push/startup: rtmpUrl, whatever the stream", async () => {
      const r = await api.handle("POST", "/rest-api/push/startup", { ...DOC_PUSH_STARTUP, rtmpUrl: "rtmp://evil.test:1935/live" });
      assert.deepEqual([r.status, errorOf(r).field], [403, "rtmpUrl"]);
      const allowed = await api.handle("POST", "/rest-api/push/startup", { ...DOC_PUSH_STARTUP, rtmpUrl: "rtmp://RTMP.example.com/live" });
      assert.equal(allowed.status, 404, "an allowed host goes on to the stream lookup");
    });
  });
});
