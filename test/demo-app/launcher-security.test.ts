import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { DEMO_API, DEMO_PASSWORD_VARIABLE, MAX_PAGE_BODY_BYTES, REST_API_BASE } from "../../src/demo-app";
import { adminToken, getFlowsWithRevision } from "../browser/admin-api";
import { requirePeers } from "../harness";
import { runDir } from "../harness/paths";
import { DOC_CALL_STARTUP } from "../wcs/wcs-fixtures";
import { startLauncher, type LauncherProcess } from "./launcher-process";

/** A page on another site, as a browser names it in `Origin`. */
const EVIL = "http://evil.example";

/** What an attacker would deploy; harmless here (a comment node), but an `exec` node would run code. */
const INJECTED = { label: "injected", nodes: [{ id: "e71c0de000000001", type: "comment", name: "injected by another web page" }] };

/** Every file below `dir`, recursively. */
function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** A GET with exactly these headers (fetch() sets Sec-Fetch-Mode itself); resolves with the status. */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", reject);
  });
}

/** How often `needle` occurs in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("npm start: who may use the demo", function () {
  this.timeout(120_000);
  let launcher: LauncherProcess;
  /** The admin API's token for the printed login (undefined if the login fails: the admin test says so). */
  let token: string | undefined;

  before(async function () {
    requirePeers(["ffmpeg"]);
    launcher = await startLauncher();
    token = await adminToken(launcher.url, launcher.user, launcher.password).catch(() => undefined);
  });

  after(async () => {
    await launcher?.kill();
  });

  /** The demo call's state as the page sees it. */
  async function demoState(): Promise<string> {
    return ((await (await launcher.fetch(DEMO_API.state)).json()) as { status: string }).status;
  }

  /** That no call was placed: within 1.5 s the demo call's state stays as it was and no ffmpeg starts. */
  async function assertNoCall(what: string, stateBefore: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await demoState(), stateBefore, `${what}: the demo call's state is unchanged`);
    assert.deepEqual(
      launcher.descendants().filter((p) => p.comm === "ffmpeg"),
      [],
      `${what}: no ffmpeg runs`,
    );
  }

  it("prints a generated password once at start, and keeps it out of Node-RED's log and userDir", async () => {
    assert.equal(launcher.user, "admin");
    assert.match(launcher.password, /^[A-Za-z0-9_-]{24}$/, "24 base64url characters (144 random bits)");
    const logs = launcher.logs();
    assert.equal(count(logs, launcher.password), 1, "the password appears once: in the banner");
    assert.match(logs, new RegExp(`log in as\\s+user admin, password ${launcher.password}$`, "m"));
    assert.match(logs, new RegExp(DEMO_PASSWORD_VARIABLE), "says how to choose one");
    // A login has happened (the before hook): Node-RED keeps its session token, never the password.
    for (const file of filesBelow(launcher.userDir)) {
      assert.ok(!fs.readFileSync(file).includes(launcher.password), `${path.relative(launcher.userDir, file)} does not hold the password`);
    }
  });

  it("refuses a cross-origin POST /flow and POST /flows from another web page; the deployed flows stay as they were", async () => {
    const before = await getFlowsWithRevision(launcher.url, token);
    const attempts: Array<{ path: string; type: string; body: string }> = [
      { path: "/flow", type: "application/json", body: JSON.stringify(INJECTED) },
      { path: "/flow", type: "text/plain", body: JSON.stringify(INJECTED) },
      { path: "/flows", type: "text/plain", body: JSON.stringify([{ id: "e71c0de000000002", type: "tab", label: "injected" }, ...INJECTED.nodes]) },
    ];
    for (const a of attempts) {
      // As a browser sends it from the other page: its Origin, no token (cookies and Basic credentials
      // would be added by the browser, so they are sent here too).
      const res = await fetch(`${launcher.url}${a.path}`, {
        method: "POST",
        headers: { Origin: EVIL, "Sec-Fetch-Site": "cross-site", "Content-Type": a.type, Authorization: launcher.authorization },
        body: a.body,
      });
      assert.ok([401, 403].includes(res.status), `POST ${a.path} (${a.type}) from ${EVIL} answered ${res.status}`);
    }
    const after = await getFlowsWithRevision(launcher.url, token);
    assert.equal(after.rev, before.rev, "the flows' revision is unchanged");
    assert.ok(!after.flows.some((n) => n.name === INJECTED.nodes[0].name || n.label === "injected"), "nothing was added");
  });

  it("keeps the Node-RED admin API closed without the password and open with it", async () => {
    assert.equal((await fetch(`${launcher.url}/flows`)).status, 401, "GET /flows without a token");
    const deploy = await fetch(`${launcher.url}/flow`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(INJECTED) });
    assert.equal(deploy.status, 401, "POST /flow without a token");
    // The demo's Basic login is for the page and the node routes; the admin API wants its own token.
    assert.equal((await launcher.fetch("/flows")).status, 401, "GET /flows with Basic credentials only");
    await assert.rejects(adminToken(launcher.url, "admin", `${launcher.password}x`), /POST \/auth\/token: (401|403)/, "a wrong password gets no token");
    assert.ok(token !== undefined, "POST /auth/token with the printed password gives a token");
    const flows = await getFlowsWithRevision(launcher.url, await adminToken(launcher.url, launcher.user, launcher.password));
    assert.ok(flows.flows.some((n) => n.type === "sip-call"), "with the token: the demo flow");
  });

  it("refuses the WCS REST API without the login (401), placing no call; with the login it answers", async () => {
    const body = { ...DOC_CALL_STARTUP, callId: `anon-${Date.now()}`, callee: "meeting", rtmpUrl: "", rtmpStream: "", sipLogin: "demo", sipAuthenticationName: "", sipPassword: "", sipDomain: "127.0.0.1", sipOutboundProxy: "" };
    for (const route of ["/call/startup", "/call/find_all", "/call/find"]) {
      const res = await fetch(`${launcher.url}${REST_API_BASE}${route}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      assert.equal(res.status, 401, `POST ${REST_API_BASE}${route} without the login`);
    }
    const foreign = await fetch(`${launcher.url}${REST_API_BASE}/call/startup`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: EVIL, Authorization: launcher.authorization },
      body: JSON.stringify(body),
    });
    assert.equal(foreign.status, 403, "another web page, even with the browser's cached login");
    await assertNoCall("after the refused REST requests", "IDLE");
    const found = await launcher.fetch(`${REST_API_BASE}/call/find`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ callId: body.callId }) });
    assert.equal(found.status, 404, "with the login: the API answers, and knows no such call");
  });

  it("refuses the page's start endpoint from another origin (403) and without the login (401), placing no call", async () => {
    const start = `${launcher.url}${DEMO_API.start}`;
    const stateBefore = await demoState();
    const json = { "Content-Type": "application/json" };
    const foreign = await fetch(start, { method: "POST", headers: { ...json, Origin: EVIL, Authorization: launcher.authorization }, body: "{}" });
    assert.equal(foreign.status, 403, "a foreign Origin, even with the browser's cached login");
    const crossSite = await fetch(start, { method: "POST", headers: { ...json, "Sec-Fetch-Site": "cross-site", Authorization: launcher.authorization }, body: "{}" });
    assert.equal(crossSite.status, 403, "Sec-Fetch-Site: cross-site");
    const sameSite = await fetch(start, { method: "POST", headers: { ...json, Origin: "http://127.0.0.1:1", Authorization: launcher.authorization }, body: "{}" });
    assert.equal(sameSite.status, 403, "another port of the same host is another origin");
    const anonymous = await fetch(start, { method: "POST", headers: json, body: "{}" });
    assert.equal(anonymous.status, 401, "no login");
    assert.match(String(anonymous.headers.get("www-authenticate")), /^Basic realm="sipcast demo"/);
    const wrong = await fetch(start, { method: "POST", headers: { ...json, Authorization: `Basic ${Buffer.from(`admin:${launcher.password}x`).toString("base64")}` }, body: "{}" });
    assert.equal(wrong.status, 401, "a wrong password");
    // A form post or a no-cors fetch cannot send JSON: other bodies are refused before the flow sees them.
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await fetch(start, { method: "POST", headers: { "Content-Type": type, Authorization: launcher.authorization }, body: "{}" });
      assert.equal(res.status, 415, type);
    }
    const big = await fetch(`${launcher.url}${DEMO_API.dtmf}`, {
      method: "POST",
      headers: { ...json, Authorization: launcher.authorization },
      body: JSON.stringify({ digits: "1".repeat(MAX_PAGE_BODY_BYTES) }),
    });
    assert.equal(big.status, 413, "a body over the page's limit");
    await assertNoCall("after the refused requests", stateBefore);
    // The page's own way still works: same origin, logged in, JSON.
    const own = await fetch(start, { method: "POST", headers: { ...json, Origin: launcher.url, "Sec-Fetch-Site": "same-origin", Authorization: launcher.authorization }, body: "{}" });
    assert.equal(own.status, 200, await own.clone().text());
    const stop = await fetch(`${launcher.url}${DEMO_API.stop}`, { method: "POST", headers: { ...json, Authorization: launcher.authorization }, body: "{}" });
    assert.equal(stop.status, 200);
  });

  it("asks for the login on the page, its settings and every node route, and lets a link to the page through", async () => {
    for (const route of ["/sipcast/", "/sipcast/config.json", "/sipcast/digits", DEMO_API.state, "/SIPCAST/api/state"]) {
      assert.equal((await fetch(`${launcher.url}${route}`)).status, 401, `GET ${route} without the login`);
    }
    assert.equal((await launcher.fetch("/sipcast/")).status, 200, "with the login");
    // Following a link from another site to the page is a navigation: not refused as cross-site.
    const link = { Authorization: launcher.authorization, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document" };
    assert.equal(await rawGet(launcher.pageUrl, { ...link, "Sec-Fetch-Mode": "navigate" }), 200, "a link followed");
    assert.equal(await rawGet(launcher.pageUrl, { ...link, "Sec-Fetch-Mode": "no-cors" }), 403, "the same GET as a no-cors fetch");
    // The editor's page itself loads without the login (it shows Node-RED's own login form).
    assert.equal((await fetch(`${launcher.url}/`)).status, 200);
    // No CORS for other origins: their preflights are refused, so a browser never lets them send JSON
    // or an Authorization header, nor read an answer. (Node-RED's admin app answers every request it
    // sees with "Access-Control-Allow-Origin: *"; requests from other origins no longer reach it.)
    for (const route of [DEMO_API.start, "/flows", `${REST_API_BASE}/call/startup`]) {
      const preflight = await fetch(`${launcher.url}${route}`, {
        method: "OPTIONS",
        headers: { Origin: EVIL, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization" },
      });
      assert.equal(preflight.status, 403, `preflight of ${route}`);
      assert.equal(preflight.headers.get("access-control-allow-origin"), null, route);
      assert.equal(preflight.headers.get("access-control-allow-methods"), null, route);
    }
  });

});

describe("npm start: a password chosen in SIPCAST_DEMO_PASSWORD", function () {
  this.timeout(120_000);
  let launcher: LauncherProcess | undefined;

  after(async () => {
    await launcher?.kill();
  });

  it("is used for the page and the editor, and never printed; the next start with another password ends its editor sessions", async () => {
    const chosen = `chosen-${process.pid}-${Date.now().toString(36)}`;
    const userDir = runDir("demo-userdir");
    launcher = await startLauncher({ [DEMO_PASSWORD_VARIABLE]: chosen, SIPCAST_DEMO_USERDIR: userDir });
    assert.equal(launcher.password, chosen);
    assert.ok(!launcher.logs().includes(chosen), "not in the output");
    assert.match(launcher.logs(), /log in as\s+user admin, password from SIPCAST_DEMO_PASSWORD/);
    assert.equal((await launcher.fetch("/sipcast/config.json")).status, 200);
    const token = await adminToken(launcher.url, "admin", chosen);
    assert.ok((await getFlowsWithRevision(launcher.url, token)).flows.length > 0);
    for (const file of filesBelow(launcher.userDir)) assert.ok(!fs.readFileSync(file).includes(chosen), `${path.relative(launcher.userDir, file)} does not hold it`);
    const exit = await launcher.interrupt(30_000);
    assert.equal(exit.code, 0);
    // The same userDir, a generated password: the token of the last start no longer opens the admin API.
    launcher = await startLauncher({ SIPCAST_DEMO_USERDIR: userDir });
    assert.notEqual(launcher.password, chosen);
    assert.equal((await fetch(`${launcher.url}/flows`, { headers: { Authorization: `Bearer ${token}` } })).status, 401, "the old token");
    await assert.rejects(adminToken(launcher.url, "admin", chosen), /POST \/auth\/token: (401|403)/, "the old password");
    assert.equal((await launcher.interrupt(30_000)).code, 0);
    launcher = undefined;
  });
});
