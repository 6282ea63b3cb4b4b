import { strict as assert } from "node:assert";
import { accountFromBody } from "../../src/wcs/wcs-account";
import { WcsHttpError } from "../../src/wcs/wcs-http-error";
import { DOC_CALL_STARTUP } from "./wcs-fixtures";

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WcsHttpError, String(error));
    assert.equal(error.status, 400);
    return error.field;
  }
  assert.fail("expected a 400");
}

describe("accountFromBody (WCS SIP fields → account)", () => {
  it("reads the documented /call/startup body with its string port and string boolean", () => {
    const { options, key } = accountFromBody(DOC_CALL_STARTUP, "Visible");
    assert.deepEqual(options, {
      login: "10009",
      authenticationName: "10009",
      password: "1234",
      domain: "226.226.225.226",
      port: 5060,
      // WCS's sipPort is the port of the proxy too: the demo pages give the proxy as a bare address.
      outboundProxy: "226.226.225.226:5060",
      transport: "udp",
      registerRequired: false,
      displayName: "Visible",
    });
    assert.match(key, /^10009@226\.226\.225\.226:5060\|/);
    assert.ok(!key.includes("1234"), "the password is only hashed into the key");
  });

  it("gives one key per login@domain:port and password, another for another password or registration mode", () => {
    const a = accountFromBody({ sipLogin: "alice", sipDomain: "127.0.0.1", sipPort: 5070, sipPassword: "x" }).key;
    assert.equal(accountFromBody({ sipLogin: "alice", sipDomain: "127.0.0.1", sipPort: "5070", sipPassword: "x" }).key, a);
    assert.notEqual(accountFromBody({ sipLogin: "alice", sipDomain: "127.0.0.1", sipPort: 5070, sipPassword: "y" }).key, a);
    assert.notEqual(accountFromBody({ sipLogin: "alice", sipDomain: "127.0.0.1", sipPort: 5070, sipPassword: "x", sipRegisterRequired: "false" }).key, a);
    assert.notEqual(accountFromBody({ sipLogin: "alice", sipDomain: "127.0.0.1", sipPort: 5071, sipPassword: "x" }).key, a);
  });

  it("keeps an explicit proxy port, defaults sipPort to 5060 and registration to true, reads sipTransport", () => {
    const { options } = accountFromBody({ sipLogin: "a", sipDomain: "example.com", sipOutboundProxy: "proxy.example.com:5080", sipTransport: "TCP" });
    assert.equal(options.outboundProxy, "proxy.example.com:5080");
    assert.equal(options.port, 5060);
    assert.equal(options.registerRequired, true);
    assert.equal(options.transport, "tcp");
  });

  it("reads sipSrtp and sipSrtpOverInsecureTransport (beyond WCS); the mode is part of the key", () => {
    const tls = { sipLogin: "a", sipDomain: "example.com", sipTransport: "TLS" };
    assert.equal(accountFromBody(tls).options.srtp, undefined);
    assert.equal(accountFromBody({ ...tls, sipSrtp: "Required" }).options.srtp, "required");
    assert.notEqual(accountFromBody({ ...tls, sipSrtp: "required" }).key, accountFromBody(tls).key);
    const insecure = accountFromBody({ sipLogin: "a", sipDomain: "example.com", sipSrtp: "offered", sipSrtpOverInsecureTransport: "true" }).options;
    assert.deepEqual([insecure.srtp, insecure.srtpOverInsecureTransport], ["offered", true]);
    assert.equal(fieldOf(() => accountFromBody({ ...tls, sipSrtp: "on" })), "sipSrtp");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b", sipSrtp: "required" })), "sipSrtp");
    assert.equal(fieldOf(() => accountFromBody({ ...tls, sipSrtpOverInsecureTransport: "maybe" })), "sipSrtpOverInsecureTransport");
  });

  it("answers 400 naming the WCS field", () => {
    assert.equal(fieldOf(() => accountFromBody({ sipDomain: "a" })), "sipLogin");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a" })), "sipDomain");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b", sipPort: "50x" })), "sipPort");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b", sipPort: 70000 })), "sipPort");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b", sipRegisterRequired: "yes" })), "sipRegisterRequired");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a b", sipDomain: "b" })), "sipLogin");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b c" })), "sipDomain");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b", sipOutboundProxy: "x:y:z" })), "sipOutboundProxy");
    assert.equal(fieldOf(() => accountFromBody({ sipLogin: "a", sipDomain: "b", sipTransport: "ws" })), "sipTransport");
  });
});
