import { strict as assert } from "node:assert";
import * as path from "node:path";
import { demoSettingsFromEnv, EMBEDDED_CALLEE } from "../../src/demo-app";
import { ConfigError } from "../../src/errors";

const ROOT = "/repo";

describe("demo-app: settings from the environment", () => {
  it("defaults to the embedded test meeting on the documented ports", () => {
    const s = demoSettingsFromEnv({}, ROOT);
    assert.deepEqual([s.httpPort, s.rtmpPort, s.flvPort, s.peerSipPort], [1880, 1935, 8000, 5070]);
    assert.equal(s.account, undefined);
    assert.equal(s.callee, EMBEDDED_CALLEE);
    assert.equal(s.userDir, path.join(ROOT, ".run", "demo-userdir"));
    assert.equal(s.rtmpTargetUrl, undefined);
    assert.equal(s.rtmpTargetHasStream, false);
    assert.equal(s.resetFlows, false);
    assert.equal(s.logLevel, "info");
  });

  it("SIPCAST_DEMO_IVR=1 puts the embedded test meeting in IVR mode; with a real account it is refused", () => {
    assert.equal(demoSettingsFromEnv({}, ROOT).ivr, false);
    assert.equal(demoSettingsFromEnv({ SIPCAST_DEMO_IVR: "1" }, ROOT).ivr, true);
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_DEMO_IVR: "maybe" }, ROOT), /SIPCAST_DEMO_IVR/);
    const real = { SIPCAST_SIP_DOMAIN: "pbx.example.com", SIPCAST_SIP_LOGIN: "1000", SIPCAST_SIP_CALLEE: "3000", SIPCAST_DEMO_IVR: "true" };
    assert.throws(() => demoSettingsFromEnv(real, ROOT), (e: Error) => e instanceof ConfigError && /SIPCAST_DEMO_IVR: .*real account/.test(e.message));
  });

  it("takes every port from its variable (0 = any free port) and refuses what is not a port", () => {
    const s = demoSettingsFromEnv({ SIPCAST_DEMO_PORT: "0", SIPCAST_DEMO_RTMP_PORT: "1936", SIPCAST_DEMO_FLV_PORT: "8080", SIPCAST_DEMO_SIP_PORT: "5080" }, ROOT);
    assert.deepEqual([s.httpPort, s.rtmpPort, s.flvPort, s.peerSipPort], [0, 1936, 8080, 5080]);
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_DEMO_PORT: "http" }, ROOT), (e: Error) => e instanceof ConfigError && /SIPCAST_DEMO_PORT/.test(e.message));
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_DEMO_RTMP_PORT: "70000" }, ROOT), /SIPCAST_DEMO_RTMP_PORT/);
  });

  it("switches to a real account with SIPCAST_SIP_DOMAIN; the password stays in the environment", () => {
    const s = demoSettingsFromEnv(
      { SIPCAST_SIP_DOMAIN: "pbx.example.com", SIPCAST_SIP_LOGIN: "1000", SIPCAST_SIP_PASSWORD: "s3cret", SIPCAST_SIP_CALLEE: "3000", SIPCAST_SIP_TRANSPORT: "TLS" },
      ROOT,
    );
    assert.deepEqual(s.account, {
      login: "1000",
      authName: "",
      domain: "pbx.example.com",
      port: 5061,
      transport: "tls",
      outboundProxy: "",
      registerRequired: true,
      localAddress: "",
      publicAddress: "",
      hasPassword: true,
    });
    assert.equal(s.callee, "3000");
    assert.ok(!JSON.stringify(s).includes("s3cret"), "the password is not copied into the settings");
  });

  it("names the missing or bad variable of a real account", () => {
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_SIP_DOMAIN: "pbx", SIPCAST_SIP_CALLEE: "1" }, ROOT), /SIPCAST_SIP_LOGIN/);
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_SIP_DOMAIN: "pbx", SIPCAST_SIP_LOGIN: "1" }, ROOT), /SIPCAST_SIP_CALLEE/);
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_SIP_DOMAIN: "pbx", SIPCAST_SIP_LOGIN: "1", SIPCAST_SIP_CALLEE: "2", SIPCAST_SIP_TRANSPORT: "ws" }, ROOT), /SIPCAST_SIP_TRANSPORT/);
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_SIP_DOMAIN: "pbx", SIPCAST_SIP_LOGIN: "1", SIPCAST_SIP_CALLEE: "2", SIPCAST_SIP_REGISTER: "maybe" }, ROOT), /SIPCAST_SIP_REGISTER/);
  });

  it("reads the RTMP target; the stream key only as 'set'", () => {
    const s = demoSettingsFromEnv({ SIPCAST_RTMP_URL: "rtmps://live-api-s.facebook.com:443/rtmp", SIPCAST_RTMP_STREAM: "FB-key" }, ROOT);
    assert.equal(s.rtmpTargetUrl, "rtmps://live-api-s.facebook.com:443/rtmp");
    assert.equal(s.rtmpTargetHasStream, true);
    assert.ok(!JSON.stringify(s).includes("FB-key"));
    assert.throws(() => demoSettingsFromEnv({ SIPCAST_RTMP_URL: "http://example.com/live" }, ROOT), /SIPCAST_RTMP_URL/);
  });
});
