import { strict as assert } from "node:assert";
import { calleeUri, parseHostPort, resolveAccount } from "../../src/sip/account-options";
import { ConfigError } from "../../src/errors";

describe("SIP account options", () => {
  it("fills in defaults: auth name = login, port 5060 over udp, register required", () => {
    const a = resolveAccount({ login: "alice", domain: "pbx.example", password: "s3cret" });
    assert.equal(a.authenticationName, "alice");
    assert.equal(a.port, 5060);
    assert.equal(a.transport, "udp");
    assert.equal(a.registerRequired, true);
    assert.equal(a.registerExpires, 600);
    assert.equal(a.outboundProxy, undefined);
  });

  it("uses 5061 for tls and parses an outbound proxy", () => {
    const a = resolveAccount({ login: "1001", domain: "pbx.example", transport: "tls", outboundProxy: "edge.example:5071" });
    assert.equal(a.port, 5061);
    assert.deepEqual(a.outboundProxy, { host: "edge.example", port: 5071, portGiven: true });
    assert.equal(a.portGiven, false);
    assert.equal(resolveAccount({ login: "1001", domain: "pbx.example", outboundProxy: "edge.example" }).outboundProxy?.portGiven, false);
    assert.equal(resolveAccount({ login: "1001", domain: "pbx.example", port: 5060 }).portGiven, true);
    assert.deepEqual(parseHostPort("sip:10.0.0.1", "x", 5060), { host: "10.0.0.1", port: 5060 });
  });

  it("rejects bad fields naming them and never echoing the password", () => {
    assert.throws(() => resolveAccount({ login: "", domain: "d" }), (e: Error) => e instanceof ConfigError && /login/.test(e.message));
    assert.throws(() => resolveAccount({ login: "a b", domain: "d" }), /login/);
    assert.throws(() => resolveAccount({ login: "a", domain: "bad host" }), /domain/);
    assert.throws(() => resolveAccount({ login: "a", domain: "d", port: 70000 }), /port/);
    assert.throws(() => resolveAccount({ login: "a", domain: "d", transport: "ws" as never }), /transport/);
    assert.throws(
      () => resolveAccount({ login: "a", domain: "d", password: "hunter2", outboundProxy: "x:y:z" }),
      (e: Error) => /outboundProxy/.test(e.message) && !e.message.includes("hunter2"),
    );
  });

  it("answers challenges for domain:port and the outbound proxy, plus authHosts (a host alone: any port)", () => {
    const a = resolveAccount({ login: "a", domain: "pbx.example", port: 5080, outboundProxy: "edge.example", authHosts: ["media.example", "[::1]:5062"] });
    assert.deepEqual(a.authHosts, [
      { host: "pbx.example", port: 5080 },
      { host: "pbx.example", port: 5060 },
      { host: "edge.example", port: 5060 },
      { host: "media.example" },
      { host: "::1", port: 5062 },
    ]);
    assert.throws(() => resolveAccount({ login: "a", domain: "d", authHosts: ["bad host"] }), (e: Error) => e instanceof ConfigError && /authHosts/.test(e.message));
    assert.throws(() => resolveAccount({ login: "a", domain: "d", authHosts: "d" as never }), /authHosts/);
    assert.throws(() => resolveAccount({ login: "a", domain: "d", authHosts: Array.from({ length: 17 }, () => "h") }), /at most 16/);
  });

  it("builds callee URIs: bare user at domain:port, user@host, full URI kept", () => {
    const a = resolveAccount({ login: "alice", domain: "127.0.0.1", port: 25060 });
    assert.equal(calleeUri(a, "uas"), "sip:uas@127.0.0.1:25060");
    assert.equal(calleeUri(a, "bob@other.example"), "sip:bob@other.example");
    assert.equal(calleeUri(a, "sip:conf@meet.example;transport=udp"), "sip:conf@meet.example;transport=udp");
    const viaProxy = resolveAccount({ login: "alice", domain: "pbx.example", outboundProxy: "127.0.0.1:5070" });
    assert.equal(calleeUri(viaProxy, "1001"), "sip:1001@pbx.example");
    assert.throws(() => calleeUri(a, "two words"), /callee/);
  });
});

describe("SIP account options: srtp", () => {
  it("defaults to offered over tls and off over udp/tcp", () => {
    assert.equal(resolveAccount({ login: "a", domain: "d", transport: "tls" }).srtp, "offered");
    assert.equal(resolveAccount({ login: "a", domain: "d" }).srtp, "off");
    assert.equal(resolveAccount({ login: "a", domain: "d", transport: "tcp" }).srtp, "off");
    assert.equal(resolveAccount({ login: "a", domain: "d", transport: "tls", srtp: "required" }).srtp, "required");
    assert.equal(resolveAccount({ login: "a", domain: "d", transport: "tls", srtp: "off" }).srtp, "off");
  });

  it("refuses keys over udp/tcp unless srtpOverInsecureTransport is true, and bad values", () => {
    for (const transport of ["udp", "tcp"] as const) {
      for (const srtp of ["offered", "required"] as const) {
        assert.throws(() => resolveAccount({ login: "a", domain: "d", transport, srtp }), (e: Error) => e instanceof ConfigError && /srtp/.test(e.message) && /tls/.test(e.message));
        assert.equal(resolveAccount({ login: "a", domain: "d", transport, srtp, srtpOverInsecureTransport: true }).srtp, srtp);
      }
    }
    assert.throws(() => resolveAccount({ login: "a", domain: "d", transport: "tls", srtp: "on" as never }), (e: Error) => e instanceof ConfigError && /srtp/.test(e.message));
    assert.throws(() => resolveAccount({ login: "a", domain: "d", srtpOverInsecureTransport: "yes" as never }), /srtpOverInsecureTransport/);
  });
});

describe("SIP account options: srtpSuites", () => {
  it("defaults to both suites, 80-bit tag first, and checks a given list", () => {
    assert.deepEqual(resolveAccount({ login: "a", domain: "d", transport: "tls" }).srtpSuites, ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"]);
    assert.deepEqual(resolveAccount({ login: "a", domain: "d", transport: "tls", srtpSuites: ["AES_CM_128_HMAC_SHA1_32"] }).srtpSuites, ["AES_CM_128_HMAC_SHA1_32"]);
    for (const bad of [[], ["AES_256_CM_HMAC_SHA1_80"], ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_80"], "AES_CM_128_HMAC_SHA1_80"]) {
      assert.throws(() => resolveAccount({ login: "a", domain: "d", transport: "tls", srtpSuites: bad as never }), (e: Error) => e instanceof ConfigError && /srtpSuites/.test(e.message));
    }
  });
});
