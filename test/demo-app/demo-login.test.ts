import { strict as assert } from "node:assert";
import type * as http from "node:http";
import { basicAuthHeader, basicAuthMatches, demoLoginFromEnv, DEMO_PASSWORD_MAX_BYTES, MAX_PAGE_BODY_BYTES } from "../../src/demo-app";
import { isPagePath } from "../../src/demo-app/page-routes";
import { foreignOriginRefusal, loginRefusal, pageBodyRefusal } from "../../src/demo-app/request-guard";
import { ConfigError } from "../../src/errors";

/** Just the parts of a request the checks read. */
function request(method: string, headers: Record<string, string>): http.IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, headers: lower } as unknown as http.IncomingMessage;
}

describe("demo-app: the demo's login", () => {
  it("generates a new 24-character base64url password at every start unless SIPCAST_DEMO_PASSWORD is set", () => {
    const a = demoLoginFromEnv({});
    const b = demoLoginFromEnv({ SIPCAST_DEMO_PASSWORD: "" });
    assert.equal(a.user, "admin");
    assert.match(a.password, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a.password, b.password);
    assert.deepEqual([a.generated, b.generated], [true, true]);
    assert.deepEqual(demoLoginFromEnv({ SIPCAST_DEMO_PASSWORD: "correct horse" }), { user: "admin", password: "correct horse", generated: false });
  });

  it("refuses a chosen password that is short, longer than bcrypt reads, or holds a control character, without repeating it", () => {
    for (const bad of ["short", "x".repeat(DEMO_PASSWORD_MAX_BYTES + 1), "ä".repeat(37), "line\r\nbreak"]) {
      assert.throws(
        () => demoLoginFromEnv({ SIPCAST_DEMO_PASSWORD: bad }),
        (e: Error) => e instanceof ConfigError && /SIPCAST_DEMO_PASSWORD/.test(e.message) && !e.message.includes(bad),
        JSON.stringify(bad),
      );
    }
    assert.equal(demoLoginFromEnv({ SIPCAST_DEMO_PASSWORD: "x".repeat(DEMO_PASSWORD_MAX_BYTES) }).password.length, DEMO_PASSWORD_MAX_BYTES);
  });

  it("matches only the exact user and password in a Basic header", () => {
    const login = { user: "admin", password: "pa:ss wörd", generated: false };
    assert.equal(basicAuthMatches(basicAuthHeader("admin", "pa:ss wörd"), login), true);
    assert.equal(basicAuthMatches(basicAuthHeader("admin", "pa:ss wörd").replace("Basic", "basic"), login), true, "the scheme is case-insensitive");
    for (const header of [undefined, "", "Bearer x", basicAuthHeader("admin", "pa:ss"), basicAuthHeader("Admin", "pa:ss wörd"), basicAuthHeader("admin", "pa:ss wördx"), "Basic !!!", `Basic ${"A".repeat(600)}`]) {
      assert.equal(basicAuthMatches(header, login), false, String(header));
    }
  });
});

describe("demo-app: the checks in front of the page and Node-RED", () => {
  const own = ["http://127.0.0.1:1880", "http://localhost:1880"];
  const login = { user: "admin", password: "secret-password", generated: true };

  it("refuses another origin and cross-site fetches, lets the page itself, non-browser clients and links through", () => {
    assert.equal(foreignOriginRefusal(request("POST", { Origin: "http://evil.example" }), own)?.status, 403);
    assert.equal(foreignOriginRefusal(request("POST", { Origin: "http://127.0.0.1:1881" }), own)?.status, 403);
    assert.equal(foreignOriginRefusal(request("POST", { Origin: "null" }), own)?.status, 403, "a sandboxed page or a file:");
    assert.equal(foreignOriginRefusal(request("POST", { "Sec-Fetch-Site": "cross-site" }), own)?.status, 403);
    assert.equal(foreignOriginRefusal(request("GET", { "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors" }), own)?.status, 403);
    assert.equal(foreignOriginRefusal(request("POST", { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate" }), own)?.status, 403, "a form post navigates too");
    assert.equal(foreignOriginRefusal(request("GET", { "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate" }), own), undefined, "a link");
    assert.equal(foreignOriginRefusal(request("POST", { Origin: "http://127.0.0.1:1880", "Sec-Fetch-Site": "same-origin" }), own), undefined);
    assert.equal(foreignOriginRefusal(request("POST", { Origin: "http://LOCALHOST:1880" }), own), undefined);
    assert.equal(foreignOriginRefusal(request("POST", {}), own), undefined, "curl, a WCS client");
  });

  it("asks for the login with a Basic challenge", () => {
    const refused = loginRefusal(request("GET", {}), login);
    assert.equal(refused?.status, 401);
    assert.match(String(refused?.headers?.["WWW-Authenticate"]), /^Basic realm="sipcast demo"/);
    assert.equal(loginRefusal(request("GET", { Authorization: basicAuthHeader("admin", "secret-password") }), login), undefined);
  });

  it("takes only a small JSON body with a declared length on the page's state-changing endpoints", () => {
    const post = (headers: Record<string, string>): number | undefined => pageBodyRefusal(request("POST", headers))?.status;
    assert.equal(post({ "Content-Type": "application/json", "Content-Length": "2" }), undefined);
    assert.equal(post({ "Content-Type": "application/json; charset=utf-8", "Content-Length": String(MAX_PAGE_BODY_BYTES) }), undefined);
    assert.equal(post({ "Content-Type": "text/plain", "Content-Length": "2" }), 415);
    assert.equal(post({ "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "2" }), 415);
    assert.equal(post({ "Content-Length": "2" }), 415);
    assert.equal(post({ "Content-Type": "application/json", "Transfer-Encoding": "chunked" }), 411);
    assert.equal(post({ "Content-Type": "application/json", "Content-Length": String(MAX_PAGE_BODY_BYTES + 1) }), 413);
    assert.equal(pageBodyRefusal(request("GET", {})), undefined);
  });

  it("knows the page's paths, in any case, and nothing else", () => {
    for (const p of ["/sipcast", "/sipcast/", "/sipcast/api/start", "/SIPCAST/API/START", "/sipcast/config.json?x=1"]) assert.equal(isPagePath(p), true, p);
    for (const p of ["/", "/rest-api/call/startup", "/sipcastx", "/flows", "/x/sipcast/"]) assert.equal(isPagePath(p), false, p);
    // WHEP and the flow streams' player are Node-RED's routes (no JSON-body rule; the login still applies).
    for (const p of ["/sipcast/whep/demo", "/sipcast/whep/demo/0b7c2a4e-1f0e-4c8e-9a3b-2d6f4e5a6b7c", "/sipcast/play/demo"]) assert.equal(isPagePath(p), false, p);
  });
});
