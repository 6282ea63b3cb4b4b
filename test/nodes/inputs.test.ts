import { wcsNodeSettings } from "../../src/nodes/wcs-rest-api/wcs-node-settings";
import { strict as assert } from "node:assert";
import { CallReason, CallStatus, resolveAccount, type CallStateEvent, type PublishEvent } from "node-red-contrib-sipcast";
import { parseCallRequest } from "../../src/nodes/sip-call/call-input";
import { callPayload, callView } from "../../src/nodes/sip-call/call-view";
import { parseDtmfRequest } from "../../src/nodes/dtmf-send/dtmf-input";
import { parseRepublishRequest } from "../../src/nodes/rtmp-republish/republish-input";
import { formatBitrate, republishView } from "../../src/nodes/rtmp-republish/republish-view";
import { accountSettings, type SipAccountConfig } from "../../src/nodes/sip-account/account-settings";
import { registrationView } from "../../src/nodes/sip-account/registration-view";

const base = { id: "n1", type: "x" };

describe("nodes: sip-call input", () => {
  const config = { ...base, callee: "uas", callId: "", hasAudio: true, hasVideo: "false", rtmpUrl: "rtmp://cdn/live" };

  it("takes the settings when msg has no overrides (the stream key from the credentials)", () => {
    assert.deepEqual(parseCallRequest({ payload: 1 }, config, { rtmpStream: "key1" }), {
      kind: "call",
      options: { callee: "uas", hasAudio: true, hasVideo: false, rtmpUrl: "rtmp://cdn/live", rtmpStream: "key1" },
    });
  });

  it("lets msg fields (WCS /call/startup names) override, string booleans included", () => {
    const request = parseCallRequest({ callee: 1001, callId: "c-7", hasAudio: "false", hasVideo: true, rtmpUrl: "rtmps://b/app", rtmpStream: "k2" }, config, undefined);
    assert.deepEqual(request, { kind: "call", options: { callee: "1001", callId: "c-7", hasAudio: false, hasVideo: true, rtmpUrl: "rtmps://b/app", rtmpStream: "k2" } });
  });

  it("publishes nowhere without an RTMP URL", () => {
    const request = parseCallRequest({}, { ...config, rtmpUrl: "" }, { rtmpStream: "k" });
    assert.equal(request.kind === "call" && "rtmpUrl" in request.options, false);
  });

  it("takes msg.rtmpRetries (0..1000, numeric strings too) as the rtmpUrl output's restarts before it is given up", () => {
    const options = (msg: Record<string, unknown>): unknown => {
      const request = parseCallRequest(msg, config, undefined);
      return request.kind === "call" ? request.options.publishRetry : "not a call";
    };
    assert.deepEqual(options({ rtmpRetries: 0 }), { maxRetries: 0 });
    assert.deepEqual(options({ rtmpRetries: "3" }), { maxRetries: 3 });
    assert.equal(options({}), undefined, "absent: the engine's default");
    assert.throws(() => parseCallRequest({ rtmpRetries: 1001 }, config, undefined), /^MsgFieldError: msg\.rtmpRetries: expected a whole number from 0 to 1000, got number$/);
    assert.throws(() => parseCallRequest({ rtmpRetries: 1.5 }, config, undefined), /msg\.rtmpRetries/);
    assert.throws(() => parseCallRequest({ rtmpRetries: "lots" }, config, undefined), /msg\.rtmpRetries: expected a whole number/);
  });

  it("recognises the three ways to ask for a hang-up", () => {
    assert.deepEqual(parseCallRequest({ terminate: true, callId: "a" }, config, undefined), { kind: "terminate", callId: "a" });
    assert.deepEqual(parseCallRequest({ terminate: "true" }, config, undefined), { kind: "terminate", callId: undefined });
    assert.deepEqual(parseCallRequest({ payload: "terminate" }, config, undefined), { kind: "terminate", callId: undefined });
    assert.deepEqual(parseCallRequest({ action: "terminate", callId: "b" }, config, undefined), { kind: "terminate", callId: "b" });
  });

  it("names the bad field", () => {
    assert.throws(() => parseCallRequest({ callee: {} }, config, undefined), /^MsgFieldError: msg\.callee: expected a string, got object$/);
    assert.throws(() => parseCallRequest({ hasVideo: "maybe" }, config, undefined), /msg\.hasVideo: expected true or false/);
    assert.throws(() => parseCallRequest({}, { ...config, callee: "" }, undefined), /msg\.callee: no callee/);
    assert.throws(() => parseCallRequest({ terminate: 5 }, config, undefined), /msg\.terminate/);
  });
});

describe("nodes: sip-call payload and status", () => {
  const event: CallStateEvent = {
    callId: "c1",
    status: CallStatus.ESTABLISHED,
    sipStatus: 200,
    sipMessage: "OK",
    reason: CallReason.NONE,
    caller: "sip:alice@127.0.0.1",
    callee: "uas",
    timestamp: 10_000,
    establishedAt: 10_000,
  };

  it("adds the duration in ms once answered", () => {
    assert.equal(callPayload({ ...event, status: CallStatus.FINISH, timestamp: 95_000 }).duration, 85_000);
    assert.equal("duration" in callPayload({ ...event, establishedAt: undefined }), false);
  });

  it("shows state and running duration: green ESTABLISHED, grey FINISH, red FAILED, yellow while ringing", () => {
    assert.deepEqual(callView(event, 10_000 + 83_000), { fill: "green", shape: "dot", text: "ESTABLISHED 00:01:23" });
    assert.deepEqual(callView({ ...event, status: CallStatus.HOLD }, 12_000), { fill: "blue", shape: "ring", text: "HOLD 00:00:02" });
    assert.deepEqual(callView({ ...event, status: CallStatus.FINISH, timestamp: 15_000 }, 99_000), { fill: "grey", shape: "dot", text: "FINISH 00:00:05" });
    assert.deepEqual(callView({ ...event, status: CallStatus.RING, establishedAt: undefined }, 0), { fill: "yellow", shape: "ring", text: "RING" });
    assert.deepEqual(callView({ ...event, status: CallStatus.FAILED, reason: CallReason.NOT_FOUND, establishedAt: undefined }, 0), { fill: "red", shape: "dot", text: "FAILED NOT_FOUND" });
    assert.equal(callView({ ...event, status: CallStatus.BUSY }, 0).fill, "red");
  });
});

describe("nodes: dtmf-send input", () => {
  const config = { ...base, callId: "", digits: "311705123#", dtmfType: "", pauseMs: "500", initialDelayMs: 0, durationMs: 160, waitEstablished: 10 };

  it("takes msg.callId and the digits setting, with the account's DTMF type left open", () => {
    assert.deepEqual(parseDtmfRequest({ callId: "c1", payload: { status: "ESTABLISHED" } }, config), {
      callId: "c1",
      digits: "311705123#",
      type: undefined,
      durationMs: 160,
      pauseMs: 500,
      initialDelayMs: 0,
      waitMs: 10_000,
      listens: false,
    });
  });

  it("prefers msg.digits, then a string msg.payload; upper-cases A-D; accepts ',' pauses", () => {
    assert.equal(parseDtmfRequest({ callId: "c", digits: "1,2", payload: "9" }, config).digits, "1,2");
    assert.equal(parseDtmfRequest({ callId: "c", payload: "12#" }, config).digits, "12#");
    assert.equal(parseDtmfRequest({ callId: "c", payload: "ab*" }, config).digits, "AB*");
    assert.equal(parseDtmfRequest({ callId: "c", dtmfType: "info" }, config).type, "INFO");
    assert.equal(parseDtmfRequest({ callId: "c" }, { ...config, dtmfType: "RFC2833" }).type, "RFC2833");
  });

  it("names the bad field", () => {
    assert.throws(() => parseDtmfRequest({}, config), /msg\.callId: no call/);
    assert.throws(() => parseDtmfRequest({ callId: "c", digits: "12x" }, config), /^Error: msg\.digits: expected DTMF digits/);
    assert.throws(() => parseDtmfRequest({ callId: "c", payload: "hello" }, config), /msg\.payload: expected DTMF digits/);
    assert.throws(() => parseDtmfRequest({ callId: "c" }, { ...config, digits: "" }), /digits: expected DTMF digits/);
    assert.throws(() => parseDtmfRequest({ callId: "c", dtmfType: "SIP" }, config), /msg\.dtmfType/);
    assert.throws(() => parseDtmfRequest({ callId: "c" }, { ...config, pauseMs: "-1" }), /pauseMs: expected a number ≥ 0/);
  });

  it("accepts plans with {prompt} {reply} {joined} waits (the engine's syntax), and names a bad wait", () => {
    const r = parseDtmfRequest({ callId: "c", digits: "{prompt} 311705123# {Prompt:15}4321#{joined:60:retry=1}" }, config);
    assert.equal(r.digits, "{PROMPT}311705123#{PROMPT:15}4321#{JOINED:60:RETRY=1}");
    assert.equal(r.listens, true);
    assert.throws(() => parseDtmfRequest({ callId: "c", digits: "{wait}1#" }, config), /^Error: msg\.digits: expected DTMF digits .*\{WAIT\}: unknown wait/);
    assert.throws(() => parseDtmfRequest({ callId: "c", digits: "{prompt}" + "1".repeat(65) }, config), /^Error: msg\.digits: 65 keys, at most 64/);
  });
});

describe("nodes: rtmp-republish input", () => {
  const config = { ...base, callId: "", rtmpUrl: "rtmp://cdn/live", action: "start" };

  it("starts with the settings and the stream key credential", () => {
    assert.deepEqual(parseRepublishRequest({ callId: "c1" }, config, { rtmpStream: "key" }), { action: "start", callId: "c1", rtmpUrl: "rtmp://cdn/live", rtmpStream: "key" });
  });

  it("takes msg.rtmpRetries for the output it starts", () => {
    assert.deepEqual(parseRepublishRequest({ callId: "c1", rtmpRetries: "1" }, config, { rtmpStream: "key" }), { action: "start", callId: "c1", rtmpUrl: "rtmp://cdn/live", rtmpStream: "key", rtmpRetries: 1 });
    assert.throws(() => parseRepublishRequest({ callId: "c1", rtmpRetries: -1 }, config, undefined), /msg\.rtmpRetries: expected a whole number from 0 to 1000/);
  });

  it("takes the action from msg.action or a payload of start/stop (WCS /push/startup, /push/terminate)", () => {
    assert.deepEqual(parseRepublishRequest({ callId: "c1", payload: "stop" }, config, undefined), { action: "stop", callId: "c1", outputId: undefined });
    assert.deepEqual(parseRepublishRequest({ callId: "c1", action: "STOP", outputId: "o1" }, config, undefined), { action: "stop", callId: "c1", outputId: "o1" });
    assert.equal(parseRepublishRequest({ callId: "c1", payload: "anything" }, { ...config, action: "stop" }, undefined).action, "stop");
  });

  it("names the bad field", () => {
    assert.throws(() => parseRepublishRequest({ callId: "c1", action: "pause" }, config, undefined), /msg\.action: expected "start" or "stop"/);
    assert.throws(() => parseRepublishRequest({ callId: "c1" }, { ...config, rtmpUrl: "" }, undefined), /msg\.rtmpUrl: no RTMP URL/);
    assert.throws(() => parseRepublishRequest({ callId: 12n }, config, undefined), /msg\.callId: expected a string, got bigint/);
  });
});

describe("nodes: sip-account settings and status", () => {
  it("maps the limit fields (text numbers too) to EngineOptions.limits", () => {
    const s = accountSettings({ ...base, login: "a", domain: "d", maxCalls: "7", maxOutputsPerCall: 2, callStartsPerSecond: "3" }, undefined);
    assert.deepEqual(s.engine.limits, { maxCalls: 7, maxOutputsPerCall: 2, callStartsPerSecond: 3 });
  });

  it("maps the editor's fields (text numbers included) to engine options", () => {
    const s = accountSettings(
      {
        ...base,
        login: "alice",
        authName: "",
        domain: "pbx.example",
        port: "5070",
        outboundProxy: "",
        transport: "tcp",
        registerRequired: "false",
        registerExpires: 300,
        rtpPortMin: "20000",
        rtpPortMax: 20100,
        rtpSourceCheck: "learn",
        publicAddress: "",
        localAddress: "",
        dtmfType: "INFO",
        ffmpegPath: "",
        tlsAllowSelfSigned: true,
        requestTimeout: "10",
      },
      { password: "pw" },
    );
    assert.deepEqual(s, {
      engine: {
        account: {
          login: "alice",
          authenticationName: undefined,
          password: "pw",
          domain: "pbx.example",
          port: 5070,
          outboundProxy: undefined,
          transport: "tcp",
          registerRequired: false,
          registerExpires: 300,
          tlsRejectUnauthorized: false,
        },
        rtpPortRange: { min: 20000, max: 20100 },
        rtpSourceCheck: "learn",
        publicAddress: undefined,
        localAddress: undefined,
        ffmpegPath: undefined,
        requestTimeoutMs: 10_000,
        // A flow saved before the limit fields existed gets the engine's defaults.
        limits: { maxCalls: 50, maxOutputsPerCall: 4, callStartsPerSecond: 10 },
      },
      dtmfType: "INFO",
      registerRequired: false,
    });
  });

  it("maps the comma-separated auth hosts field to authHosts, and leaves it out when empty", () => {
    assert.deepEqual(accountSettings({ ...base, authHosts: " media.example:5070, edge.example ," }, undefined).engine.account.authHosts, ["media.example:5070", "edge.example"]);
    assert.equal("authHosts" in accountSettings({ ...base, authHosts: "" }, undefined).engine.account, false);
  });

  it("maps the media encryption fields: auto (and flows saved before them) leaves the engine's default", () => {
    const tls = { ...base, login: "a", domain: "d", transport: "tls" };
    assert.equal("srtp" in accountSettings({ ...tls }, undefined).engine.account, false);
    assert.equal("srtp" in accountSettings({ ...tls, srtp: "auto" }, undefined).engine.account, false);
    assert.equal(accountSettings({ ...tls, srtp: "required" }, undefined).engine.account.srtp, "required");
    const insecure = accountSettings({ ...base, login: "a", domain: "d", transport: "udp", srtp: "offered", srtpOverInsecureTransport: "true" }, undefined).engine.account;
    assert.deepEqual([insecure.srtp, insecure.srtpOverInsecureTransport], ["offered", true]);
    assert.equal("srtpOverInsecureTransport" in accountSettings({ ...tls, srtpOverInsecureTransport: false }, undefined).engine.account, false);
  });

  it("an empty port field is not given (the engine looks up SRV); a saved 5060, or no field at all, stays a given port", () => {
    const resolved = (port: unknown) => resolveAccount(accountSettings({ ...base, login: "a", domain: "sip.example", port } as SipAccountConfig, undefined).engine.account);
    assert.deepEqual([resolved("").portGiven, resolved("").port], [false, 5060]);
    assert.deepEqual([resolved("  ").portGiven, resolved(5060).portGiven, resolved("5060").portGiven, resolved(5070).port], [false, true, true, 5070]);
    assert.deepEqual([resolved(undefined).portGiven, resolved(undefined).port], [true, 5060]);
    assert.equal("port" in accountSettings({ ...base, port: "" }, undefined).engine.account, false);
  });

  it("maps the DNS servers field to dnsServers, and leaves it out when empty", () => {
    assert.deepEqual(accountSettings({ ...base, dnsServers: "127.0.0.1:5353, 192.0.2.53" }, undefined).engine.dnsServers, ["127.0.0.1:5353", "192.0.2.53"]);
    assert.equal("dnsServers" in accountSettings({ ...base, dnsServers: " " }, undefined).engine, false);
    assert.equal("dnsServers" in accountSettings({ ...base }, undefined).engine, false);
  });

  it("fills the defaults of an empty config", () => {
    const s = accountSettings({ ...base }, undefined);
    assert.equal(s.engine.account.port, 5060);
    assert.equal(s.engine.account.registerRequired, true);
    assert.deepEqual(s.engine.rtpPortRange, { min: 10000, max: 20000 });
    assert.equal(s.engine.rtpSourceCheck, "signalled", "a flow saved before the field existed gets the strict check");
    assert.equal(s.engine.requestTimeoutMs, 32_000);
    assert.equal(s.dtmfType, "RFC2833");
  });

  it("shows a failed registration's reason and SIP code", () => {
    assert.deepEqual(registrationView.failed({ ok: false, sipStatus: 401, sipMessage: "Unauthorized" }), { fill: "red", shape: "ring", text: "failed: AUTHENTICATION_FAILED (401)" });
    assert.equal(registrationView.failed({ ok: false, sipStatus: 408, sipMessage: "" }).text, "failed: FAILED_BY_REQUEST_TIMEOUT (408)");
  });
});

describe("nodes: rtmp-republish status", () => {
  const event: PublishEvent = {
    callId: "c1",
    outputId: "out-1",
    kind: "rtmp",
    status: "PUBLISHING",
    target: "rtmp://cdn/live/***",
    reason: CallReason.NONE,
    timestamp: 1000,
    stats: { bitrateKbps: 1234, fps: 25, outTimeMs: 5000 },
  };

  it("shows publishing time since the first PUBLISHING and the bitrate", () => {
    assert.deepEqual(republishView(event, 1000, 84_000), { fill: "green", shape: "dot", text: "publishing 00:01:23 · 1.2 Mbit/s" });
    assert.equal(republishView({ ...event, stats: undefined }, 1000, 2000).text, "publishing 00:00:01");
    assert.equal(formatBitrate(850.4), "850 kbit/s");
  });

  it("shows reconnecting (yellow), failed (red) and stopped (grey)", () => {
    assert.deepEqual(republishView({ ...event, status: "RECONNECTING" }, 1000, 5000), { fill: "yellow", shape: "ring", text: "reconnecting" });
    assert.deepEqual(republishView({ ...event, status: "RECONNECTING", reason: CallReason.OUTPUT_STALLED }, 1000, 5000), {
      fill: "yellow",
      shape: "ring",
      text: "reconnecting: output stalled",
    });
    assert.deepEqual(republishView({ ...event, status: "FAILED", reason: CallReason.FAILED_BY_RTMP_WRITER_ERROR }, 1000, 5000), {
      fill: "red",
      shape: "dot",
      text: "failed FAILED_BY_RTMP_WRITER_ERROR",
    });
    assert.equal(republishView({ ...event, status: "STOPPED" }, 1000, 5000).fill, "grey");
  });
});

describe("nodes: wcs-rest-api limit fields", () => {
  it("map to engineOptions.limits; a flow saved before they existed gets the defaults", () => {
    const node = { id: "w1", type: "wcs-rest-api" };
    assert.deepEqual(wcsNodeSettings({ ...node, maxCalls: "5", maxOutputsPerCall: 1, callStartsPerSecond: "2" }).api.engineOptions?.limits, { maxCalls: 5, maxOutputsPerCall: 1, callStartsPerSecond: 2 });
    assert.deepEqual(wcsNodeSettings(node).api.engineOptions?.limits, { maxCalls: 50, maxOutputsPerCall: 4, callStartsPerSecond: 10 });
  });
});
