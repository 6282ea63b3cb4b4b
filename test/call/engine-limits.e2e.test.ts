import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CallStatus, Engine, LimitError, type Call } from "../../src";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { requirePeers } from "../harness";
import { waitForStatus } from "./helpers/wait-for-status";

/**
 * Engine limits with real calls to the embedded test meeting peer on 127.0.0.1: the call or output
 * after a limit is refused with an error naming the limit and its value, and ended calls free their place.
 */
describe("engine limits against the embedded test meeting peer", function () {
  this.timeout(90_000);
  let peer: TestMeetingPeer;
  let tmp: string;
  const engines: Engine[] = [];

  before(async () => {
    requirePeers(["ffmpeg"]);
    peer = await startTestMeetingPeer({ user: "meeting" });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-limits-"));
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close(1000)));
  });
  after(async () => {
    await peer?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function engine(limits: ConstructorParameters<typeof Engine>[0]["limits"]): Engine {
    const e = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false }, localAddress: "127.0.0.1", limits });
    engines.push(e);
    return e;
  }

  function refusedWith(run: () => unknown, message: string): void {
    assert.throws(run, (e: Error) => e instanceof LimitError && e.message === message);
  }

  it("maxCalls: the third of 2 is refused with the limit's name; after one ends a new call is accepted", async () => {
    const e = engine({ maxCalls: 2, callStartsPerSecond: 100 });
    const calls: Call[] = [e.call({ callee: "meeting", hasVideo: false }), e.call({ callee: "meeting", hasVideo: false })];
    await Promise.all(calls.map((c) => waitForStatus(c, CallStatus.ESTABLISHED, 15_000)));
    refusedWith(() => e.call({ callee: "meeting", hasVideo: false }), "call refused: limit maxCalls (2) reached");
    assert.equal(e.calls().length, 2, "the refused call left nothing behind");
    calls[0].terminate();
    await waitForStatus(calls[0], CallStatus.FINISH, 10_000);
    const next = e.call({ callee: "meeting", hasVideo: false });
    await waitForStatus(next, CallStatus.ESTABLISHED, 15_000);
  });

  it("callStartsPerSecond: the third start within a second is refused; a second later calls start again", async () => {
    const e = engine({ callStartsPerSecond: 2 });
    const first = e.call({ callee: "meeting", hasVideo: false });
    e.call({ callee: "meeting", hasVideo: false });
    refusedWith(() => e.call({ callee: "meeting", hasVideo: false }), "call refused: limit callStartsPerSecond (2) reached");
    await new Promise((r) => setTimeout(r, 1050));
    const later = e.call({ callee: "meeting", hasVideo: false });
    await Promise.all([first, later].map((c) => waitForStatus(c, CallStatus.ESTABLISHED, 15_000)));
  });

  it("maxOutputsPerCall: the third output of a call is refused; stopping one makes room", async () => {
    const e = engine({ maxOutputsPerCall: 2 });
    const call = e.call({ callee: "meeting" });
    await waitForStatus(call, CallStatus.ESTABLISHED, 15_000);
    const a = call.publish({ recordPath: path.join(tmp, "a.mkv") });
    call.publish({ recordPath: path.join(tmp, "b.mkv") });
    refusedWith(() => call.publish({ recordPath: path.join(tmp, "c.mkv") }), `output out-3 of call ${call.id} refused: limit maxOutputsPerCall (2) reached`);
    assert.equal(call.outputs().length, 2);
    call.unpublish(a);
    const deadline = Date.now() + 10_000;
    while (call.outputs().length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    call.publish({ recordPath: path.join(tmp, "d.mkv") });
    assert.equal(call.outputs().length, 2);
  });

  it("the default allows 4 outputs per call and refuses the fifth", async () => {
    const e = engine(undefined);
    const call = e.call({ callee: "meeting" });
    await waitForStatus(call, CallStatus.ESTABLISHED, 15_000);
    for (let i = 0; i < 4; i++) call.publish({ recordPath: path.join(tmp, `default-${i}.mkv`) });
    refusedWith(() => call.publish({ recordPath: path.join(tmp, "default-5.mkv") }, { id: "fifth" }), `output fifth of call ${call.id} refused: limit maxOutputsPerCall (4) reached`);
  });
});
