import { strict as assert } from "node:assert";
import { requirePeers, startKamailio, type Kamailio } from "../harness";
import { AccountController, type AccountUser } from "../../src/nodes/sip-account/account-controller";
import { accountSettings } from "../../src/nodes/sip-account/account-settings";
import type { Node, NodeStatus } from "../../src/nodes/shared/node-red-types";
import { FakeTimers } from "./helpers/fake-timers";
import { allOurNodes, helper, type FlowCredentials } from "./helpers/node-red-helper";
import { node, tab } from "./helpers/flows";
import { recordStatus, sleep, until } from "./helpers/recorders";

/** The sip-account config node against a real registrar (Kamailio with digest auth). */
describe("nodes: sip-account registration status", function () {
  this.timeout(30_000);
  let kamailio: Kamailio;

  before(async function () {
    requirePeers(["kamailio"]);
    kamailio = await startKamailio();
    await helper.startServer();
  });

  after(async () => {
    await helper.stopServer();
    await kamailio?.stop();
  });

  afterEach(() => helper.unload());

  const registers = (): number => kamailio.logs().split("\n").filter((l) => /REQ REGISTER .*alice/.test(l)).length;
  const flow = (account: Record<string, unknown>) => [
    tab(),
    node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: kamailio.udpPort, ...account }),
    node("sip-call", "a", { account: "acc", callee: "uas" }),
    node("sip-call", "b", { account: "acc", callee: "uas" }),
  ];

  it("registers once for all its users, shows it on each, and unregisters on close", async () => {
    const before = registers();
    await helper.load(allOurNodes(), flow({}), { acc: { password: "alicepw" } });
    const [a, b] = [recordStatus("a"), recordStatus("b")];
    await a.waitFor((s) => s.fill === "green" && s.shape === "dot" && s.text === "registered", 10_000);
    await b.waitFor((s) => s.fill === "green" && s.shape === "dot" && s.text === "registered", 10_000);
    await kamailio.waitForLog(/REGISTERED alice/, 2000);
    const afterRegister = registers();
    // One REGISTER plus its authenticated retry, not one per user.
    assert.equal(afterRegister - before, 2);
    await helper.unload();
    await until(() => registers() > afterRegister, 2000, "the un-REGISTER sent by the close");
  });

  it("srtp required over udp without the insecure-transport tick: a red status naming srtp, no REGISTER", async () => {
    const before = registers();
    await helper.load(allOurNodes(), flow({ srtp: "required" }), { acc: { password: "alicepw" } });
    const a = recordStatus("a");
    await a.waitFor((s) => s.fill === "red" && /^failed: srtp: "required" sends the media keys/.test(s.text ?? ""), 5000);
    await sleep(300);
    assert.equal(registers(), before);
    await helper.unload();
    // Ticked, the same account registers.
    await helper.load(allOurNodes(), flow({ srtp: "required", srtpOverInsecureTransport: true }), { acc: { password: "alicepw" } });
    await recordStatus("a").waitFor((s) => s.fill === "green" && s.text === "registered", 10_000);
  });

  it("with registration off, shows 'no register' and sends no REGISTER", async () => {
    const before = registers();
    await helper.load(allOurNodes(), flow({ registerRequired: false }), { acc: { password: "alicepw" } });
    const a = recordStatus("a");
    await a.waitFor((s) => s.text === "no register" && s.fill === "green" && s.shape === "ring", 5000);
    await sleep(300);
    assert.equal(registers(), before);
  });

  it("a wrong password shows a red 'failed' AUTHENTICATION_FAILED on the users, never the password", async () => {
    const credentials: FlowCredentials = { acc: { password: "wrong-secret" } };
    await helper.load(allOurNodes(), flow({}), credentials);
    const a = recordStatus("a");
    const failed = await a.waitFor((s) => s.fill === "red", 10_000, "a red status");
    assert.deepEqual(failed, { fill: "red", shape: "ring", text: "failed: AUTHENTICATION_FAILED (401)" });
    const exposed = JSON.stringify(helper._redNodes.getFlows()) + JSON.stringify(helper.log().args);
    assert.ok(exposed.includes("AUTHENTICATION_FAILED"), "the failure is logged");
    assert.ok(!exposed.includes("wrong-secret"), "no password in the flow, statuses or log");
    assert.ok(!JSON.stringify(a.statuses).includes("wrong-secret"));
  });
});

/** A stand-in for the config node: what AccountController logs. */
function fakeNode(lines: string[]): Node {
  const write = (text: string | Error): void => void lines.push(String(text));
  return { id: "acc", type: "sip-account", on: () => undefined, status: () => undefined, send: () => undefined, log: write, warn: write, debug: () => undefined, error: write };
}

describe("nodes: sip-account retries a failed registration with backoff", function () {
  this.timeout(30_000);
  let kamailio: Kamailio;

  before(async function () {
    requirePeers(["kamailio"]);
    kamailio = await startKamailio();
  });

  after(async () => {
    await kamailio?.stop();
  });

  it("retries after 5 s with a new REGISTER, then waits 10 s; close cancels the retry (timers driven by hand)", async () => {
    const registers = (): number => kamailio.logs().split("\n").filter((l) => /REQ REGISTER .*alice/.test(l)).length;
    const timers = new FakeTimers();
    const lines: string[] = [];
    const settings = accountSettings({ id: "acc", type: "sip-account", login: "alice", domain: "127.0.0.1", port: kamailio.udpPort }, { password: "wrong" });
    const account = new AccountController(fakeNode(lines), settings, timers);
    const seen: NodeStatus[] = [];
    let wake: () => void = () => undefined;
    const user: AccountUser = { id: "u1", registrationChanged: (s) => (seen.push(s), wake()) };
    const next = (pred: (s: NodeStatus) => boolean): Promise<NodeStatus> =>
      new Promise((resolve) => {
        const from = seen.length;
        wake = () => {
          const hit = seen.slice(from).find(pred);
          if (hit) resolve(hit);
        };
      });
    try {
      const before = registers();
      let failed = next((s) => s.fill === "red");
      account.register(user);
      assert.equal((await failed).text, "failed: AUTHENTICATION_FAILED (401)");
      assert.deepEqual(timers.delays(), [5000], "one retry, in 5 s");
      const afterFirst = registers();
      assert.ok(afterFirst > before);
      failed = next((s) => s.fill === "red");
      timers.advance(5000);
      await failed;
      await until(() => registers() > afterFirst, 2000, "the REGISTER of the retry");
      assert.deepEqual(timers.delays(), [10_000], "the next retry waits twice as long");
      assert.ok(lines.some((l) => l.includes("AUTHENTICATION_FAILED")) && !lines.some((l) => l.includes("wrong")), "logged without the password");
    } finally {
      await account.close();
    }
    assert.equal(timers.count, 0, "close cancelled the pending retry");
  });
});
