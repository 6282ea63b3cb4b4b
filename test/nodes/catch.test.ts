import { strict as assert } from "node:assert";
import { startSilentSipServer, type SilentSipServer } from "../harness/silent-server";
import { allOurNodes, helper, nodeOf, type Msg } from "./helpers/node-red-helper";
import { catchAll, node, sink, tab } from "./helpers/flows";
import { recordMessages, recordStatus, type MessageRecorder } from "./helpers/recorders";

interface CaughtError {
  message: string;
  source: { id: string; type: string };
}

function caught(msg: Msg): CaughtError {
  return msg.error as CaughtError;
}

/**
 * Bad input reaches a Catch node as `done(err)` (with the message), the node turns red, and
 * Node-RED keeps running. The account points at a SIP "server" that never answers and does not
 * register, so no peer is needed.
 */
describe("nodes: errors reach Catch nodes and Node-RED stays up", function () {
  this.timeout(30_000);
  let silent: SilentSipServer;
  let errors: MessageRecorder;
  let calls: MessageRecorder;
  let statuses: MessageRecorder;
  let queries: MessageRecorder;

  before(async () => {
    silent = await startSilentSipServer("udp");
    await helper.startServer();
    const flow = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: silent.port, registerRequired: false, requestTimeout: 2 }),
      node("sip-call", "call", { account: "acc", callee: "uas" }, [["calls"]]),
      node("dtmf-send", "dtmf", { digits: "1" }, [["sent"]]),
      node("rtmp-republish", "push", { rtmpUrl: "rtmp://127.0.0.1/live" }, [[]]),
      node("call-status", "status", {}, [["statuses"]]),
      node("call-status", "query", {}, [["queries"]]),
      catchAll("catch", "errors"),
      sink("errors"),
      sink("calls"),
      sink("sent"),
      sink("statuses"),
      sink("queries"),
    ];
    await helper.load(allOurNodes(), flow, { acc: { password: "secret-pw" } });
    errors = recordMessages("errors");
    calls = recordMessages("calls");
    statuses = recordMessages("statuses");
    queries = recordMessages("queries");
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await silent.stop();
  });

  /** Sends `msg` to node `id` and returns the error the Catch node got for it. */
  async function expectCaught(id: string, msg: Msg, message: RegExp, timeoutMs = 3000): Promise<CaughtError> {
    const tag = `t-${Math.random()}`;
    const status = recordStatus(id);
    nodeOf(id).receive({ ...msg, tag });
    const got = await errors.waitFor((m) => m.tag === tag, timeoutMs, `the error of ${id} for ${JSON.stringify(msg)}`);
    const error = caught(got);
    // The Catch node's msg.error.message is the error's toString(): "Name: message".
    assert.match(error.message.replace(/^\w*Error: /, ""), message);
    assert.equal(error.source.id, id);
    await status.waitFor((s) => s.fill === "red" && s.text !== undefined && message.test(s.text), 1000, "a red status with the error");
    return error;
  }

  it("sip-call: a malformed field names it", async () => {
    await expectCaught("call", { callee: { user: "uas" } }, /^msg\.callee: expected a string, got object/);
    await expectCaught("call", { hasVideo: "perhaps" }, /^msg\.hasVideo: expected true or false/);
  });

  it("sip-call: values the engine refuses (callId, RTMP URL, callee syntax) name the field", async () => {
    await expectCaught("call", { callId: "has space" }, /^callId: expected 1–128 printable characters/);
    await expectCaught("call", { rtmpUrl: "http://example/live" }, /^rtmpUrl: expected rtmp:\/\//);
    await expectCaught("call", { callee: "bad callee" }, /^callee: expected a user name or sip: URI/);
  });

  it("sip-call: terminating an unknown call is an error", async () => {
    await expectCaught("call", { terminate: true, callId: "nope" }, /^no call nope$/);
  });

  it("a live call that is never answered: duplicate callId, query, publish and DTMF before the answer, then FAILED", async () => {
    const callId = `dup-${process.pid}`;
    nodeOf("call").receive({ callId, payload: "first", origin: "scheduler" });
    await calls.waitFor((m) => m.callId === callId && m.topic === "TRYING", 5000, "TRYING of the first call");
    await expectCaught("call", { callId }, /already exists/);
    // call-status answers with the live call's state.
    nodeOf("query").receive({ callId, topic: "find" });
    const found = await queries.waitFor((m) => m.topic === "find", 2000);
    assert.equal((found.payload as { callId: string; status: string }).status, "TRYING");
    assert.equal((found.payload as { callId: string }).callId, callId);
    // The engine refuses to publish a call that is not answered.
    await expectCaught("push", { callId }, /ESTABLISHED/);
    // dtmf-send waits for the answer, and reports the call's end instead.
    const dtmfError = expectCaught("dtmf", { callId, digits: "1" }, new RegExp(`call ${callId} ended \\(FAILED\\) before it was established`), 10_000);
    const failed = await calls.waitFor((m) => m.callId === callId && m.topic === "FAILED", 10_000, "FAILED after the request timeout");
    const payload = failed.payload as { reason: string; sipStatus: number };
    assert.equal(payload.reason, "FAILED_BY_REQUEST_TIMEOUT");
    assert.equal(payload.sipStatus, 408);
    assert.equal((failed.payload as { callId: string }).callId, callId);
    assert.equal(failed.origin, "scheduler", "the output carries the other properties of the message that started the call");
    // call-status saw the same call's states.
    const seen = statuses.messages.filter((m) => m.callId === callId).map((m) => m.topic);
    assert.deepEqual(seen.slice(0, 1), ["TRYING"]);
    await statuses.waitFor((m) => m.callId === callId && m.topic === "FAILED", 2000);
    assert.ok(silent.received() >= 1, "the INVITE was sent");
    await dtmfError;
  });

  it("dtmf-send: unknown call, bad digits and bad type", async () => {
    await expectCaught("dtmf", { callId: "nope" }, /^no call nope$/);
    await expectCaught("dtmf", { callId: "nope", digits: "12x" }, /^msg\.digits: expected DTMF digits/);
    await expectCaught("dtmf", { callId: "nope", dtmfType: "SMS" }, /^msg\.dtmfType: expected "RFC2833" or "INFO"/);
  });

  it("rtmp-republish: unknown call and bad action", async () => {
    await expectCaught("push", { callId: "nope" }, /^no call nope$/);
    await expectCaught("push", { callId: "nope", action: "pause" }, /^msg\.action: expected "start" or "stop"/);
  });

  it("call-status: an unknown callId is an error; a query without one still answers afterwards", async () => {
    await expectCaught("query", { callId: "nope" }, /^no call nope$/);
    nodeOf("query").receive({ topic: "all" });
    const answer = await queries.waitFor((m) => m.topic === "all", 2000);
    assert.ok(Array.isArray(answer.payload));
  });

  it("no error text carries the account password", () => {
    assert.ok(errors.messages.length >= 10);
    for (const m of errors.messages) assert.ok(!JSON.stringify(m.error).includes("secret-pw"));
  });
});
