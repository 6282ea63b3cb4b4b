import { strict as assert } from "node:assert";
import { authMode, authPlan, checkAuthorization, parseAuthorization, sameSecret } from "../../src/nodes/wcs-rest-api/request-auth";
import { isJsonContentType } from "../../src/nodes/wcs-rest-api/wcs-http-handler";

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("nodes/wcs-rest-api: request authentication (pure logic)", () => {
  it("defaults to the node's own credential, also for a flow saved without the field", () => {
    assert.equal(authMode(undefined), "credential");
    assert.equal(authMode(""), "credential");
    assert.equal(authMode("bogus"), "credential");
    assert.equal(authMode("none"), "none");
    assert.equal(authMode("httpNodeAuth"), "httpNodeAuth");
  });

  it("refuses everything (503) without a credential, and says why without a secret", () => {
    for (const credentials of [{}, { token: "" }, { username: "op" }, { password: "only-half" }]) {
      const plan = authPlan("credential", credentials, undefined);
      assert.equal(plan.kind, "refuse");
      const verdict = checkAuthorization(plan, basic("op", "only-half"));
      assert.ok(!verdict.ok);
      assert.equal(verdict.status, 503);
      assert.match(verdict.message, /no credential is set/);
      assert.ok(!verdict.message.includes("only-half"));
    }
  });

  it("accepts the right bearer token or Basic pair and nothing else", () => {
    const plan = authPlan("credential", { token: "t0ken-value", username: "op", password: "pw:with:colons" }, undefined);
    assert.ok(checkAuthorization(plan, "Bearer t0ken-value").ok);
    assert.ok(checkAuthorization(plan, "bearer   t0ken-value ").ok, "the scheme is case-insensitive");
    assert.ok(checkAuthorization(plan, basic("op", "pw:with:colons")).ok);
    for (const header of [undefined, "", "Bearer", "Bearer t0ken-valuE", "Bearer t0ken-value2", "Token t0ken-value", basic("op", "pw"), basic("Op", "pw:with:colons"), "Basic !!!", basic("op", "pw:with:colons") + " x"]) {
      const verdict = checkAuthorization(plan, header);
      assert.ok(!verdict.ok, String(header));
      assert.equal(verdict.status, 401);
      assert.deepEqual(verdict.challenges, ['Bearer realm="sipcast WCS REST API"', 'Basic realm="sipcast WCS REST API", charset="UTF-8"']);
      assert.ok(!JSON.stringify(verdict).includes("t0ken") && !JSON.stringify(verdict).includes("colons"));
    }
    const tokenOnly = authPlan("credential", { token: "abc" }, undefined);
    assert.ok(!checkAuthorization(tokenOnly, basic("", "abc")).ok, "a token is not a Basic password");
  });

  it("httpNodeAuth: refuses (503) when the setting is unset, and requests that cannot have passed it", () => {
    const unset = authPlan("httpNodeAuth", { token: "ignored" }, undefined);
    const refused = checkAuthorization(unset, basic("op", "x"));
    assert.ok(!refused.ok && refused.status === 503 && /httpNodeAuth setting is not set/.test(refused.message));
    const plan = authPlan("httpNodeAuth", {}, { user: "op", pass: "$2y$08$hash" });
    const none = checkAuthorization(plan, undefined);
    assert.ok(!none.ok && none.status === 401 && none.misdeployed !== undefined);
    assert.deepEqual(none.ok ? [] : none.challenges, ['Basic realm="Authorization Required"']);
    assert.ok(!checkAuthorization(plan, basic("intruder", "x")).ok, "another user could not have passed the middleware");
    assert.ok(!checkAuthorization(plan, "Bearer x").ok);
    assert.ok(checkAuthorization(plan, basic("op", "checked-in-front")).ok);
    const custom = authPlan("httpNodeAuth", {}, () => undefined);
    assert.ok(checkAuthorization(custom, "Bearer whatever-the-middleware-checked").ok);
    assert.ok(!checkAuthorization(custom, undefined).ok);
  });

  it("advises against a short token without showing it", () => {
    const short = authPlan("credential", { token: "abc123" }, undefined);
    assert.ok(short.kind === "credential" && /shorter than 16 characters/.test(short.advice ?? "") && !(short.advice ?? "").includes("abc123"));
    const long = authPlan("credential", { token: "0123456789abcdef" }, undefined);
    assert.ok(long.kind === "credential" && long.advice === undefined);
  });

  it("none: serves everyone", () => {
    assert.ok(checkAuthorization(authPlan("none", {}, undefined), undefined).ok);
  });

  it("parses headers and compares secrets of any length", () => {
    assert.deepEqual(parseAuthorization(basic("a", "b:c")), { scheme: "basic", username: "a", password: "b:c" });
    assert.deepEqual(parseAuthorization("Digest x"), { scheme: "other" });
    assert.equal(parseAuthorization("   "), undefined);
    assert.ok(sameSecret("same", "same"));
    assert.ok(!sameSecret("same", "same-but-longer"));
  });

  it("takes only application/json bodies (with a UTF-8 charset at most)", () => {
    for (const ok of ["application/json", "Application/JSON; charset=UTF-8", "application/json;charset=utf8"]) assert.ok(isJsonContentType(ok), ok);
    for (const bad of [undefined, "", "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/jsonp", "application/json-patch+json"]) {
      assert.ok(!isJsonContentType(bad), String(bad));
    }
  });
});
