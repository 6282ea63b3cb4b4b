import { strict as assert } from "node:assert";
import * as path from "node:path";
import { parseCallRequest } from "../../src/nodes/sip-call/call-input";
import { startSilentSipServer, type SilentSipServer } from "../harness/silent-server";
import { allOurNodes, helper, nodeOf, type Msg } from "./helpers/node-red-helper";
import { catchAll, node, sink, tab } from "./helpers/flows";
import { recordMessages, type MessageRecorder } from "./helpers/recorders";

const config = { id: "n1", type: "sip-call", callee: "uas", callId: "", hasAudio: true, hasVideo: true, rtmpUrl: "" };

describe("nodes: sip-call jitter buffer and audio file input", () => {
  it("takes jitterBufferMs from msg (number or text) over the setting, and leaves it out when neither has one", () => {
    const options = (msg: Msg, jitterBufferMs?: number | string): unknown => {
      const r = parseCallRequest(msg, { ...config, ...(jitterBufferMs === undefined ? {} : { jitterBufferMs }) }, undefined);
      return r.kind === "call" ? r.options.jitterBufferMs : r.kind;
    };
    assert.equal(options({}, 50), 50);
    assert.equal(options({}, "120"), 120);
    assert.equal(options({ jitterBufferMs: 0 }, 50), 0);
    assert.equal(options({ jitterBufferMs: "200" }, 50), 200);
    assert.equal(options({}), undefined, "a flow made before the setting: the engine's default");
    assert.equal(options({}, ""), undefined);
    assert.throws(() => options({ jitterBufferMs: 1001 }, 50), /^MsgFieldError: msg\.jitterBufferMs: expected a number of milliseconds from 0 to 1000, got number$/);
    assert.throws(() => options({ jitterBufferMs: "soon" }), /msg\.jitterBufferMs: expected a number of milliseconds from 0 to 1000, got "soon"/);
    assert.throws(() => options({ jitterBufferMs: -1 }), /msg\.jitterBufferMs/);
  });

  it("reads playAudio and stopAudio actions for msg.callId or the node's last call", () => {
    assert.deepEqual(parseCallRequest({ action: "playAudio", callId: "c1", audioFile: "/srv/hello.wav" }, config, undefined), { kind: "playAudio", callId: "c1", file: "/srv/hello.wav", loop: false });
    assert.deepEqual(parseCallRequest({ action: "playAudio", audioFile: "music.mp3", loop: "true" }, config, undefined), { kind: "playAudio", callId: undefined, file: "music.mp3", loop: true });
    assert.deepEqual(parseCallRequest({ action: "stopAudio", callId: "c1" }, config, undefined), { kind: "stopAudio", callId: "c1" });
    assert.deepEqual(parseCallRequest({ action: "stopAudio" }, config, undefined), { kind: "stopAudio", callId: undefined });
    assert.throws(() => parseCallRequest({ action: "playAudio" }, config, undefined), /^Error: msg\.audioFile: the path of the audio file to play is missing$/);
    assert.throws(() => parseCallRequest({ action: "playAudio", audioFile: {} }, config, undefined), /msg\.audioFile: expected a string, got object/);
    assert.throws(() => parseCallRequest({ action: "playAudio", audioFile: " " }, config, undefined), /msg\.audioFile: expected the path of an audio file/);
    assert.throws(() => parseCallRequest({ action: "playAudio", audioFile: "a.wav", loop: "often" }, config, undefined), /msg\.loop: expected true or false/);
  });

  it("plays msg.audioFile once a started call is answered (msg.loop repeats it)", () => {
    const r = parseCallRequest({ callee: "1001", audioFile: "/srv/welcome.wav", loop: true }, config, undefined);
    assert.ok(r.kind === "call");
    assert.equal(r.options.playAudio, "/srv/welcome.wav");
    assert.equal(r.options.playAudioLoop, true);
    const plain = parseCallRequest({ callee: "1001" }, config, undefined);
    assert.ok(plain.kind === "call" && !("playAudio" in plain.options) && !("playAudioLoop" in plain.options));
  });
});

/** playAudio/stopAudio errors reach Catch nodes; the SIP "server" never answers, so no peer is needed. */
describe("nodes: sip-call audio actions report errors to Catch", function () {
  this.timeout(30_000);
  let silent: SilentSipServer;
  let errors: MessageRecorder;
  let calls: MessageRecorder;

  before(async () => {
    silent = await startSilentSipServer("udp");
    await helper.startServer();
    const flow = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: silent.port, registerRequired: false, requestTimeout: 2 }),
      // The test folder is the media folder: this file is in it, no-such-file.wav is not.
      node("sip-call", "call", { account: "acc", callee: "uas", mediaFolder: __dirname }, [["calls"]]),
      node("sip-call", "badjb", { account: "acc", callee: "uas", jitterBufferMs: 5000 }, [["calls"]]),
      catchAll("catch", "errors"),
      sink("errors"),
      sink("calls"),
    ];
    await helper.load(allOurNodes(), flow);
    errors = recordMessages("errors");
    calls = recordMessages("calls");
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await silent.stop();
  });

  async function expectCaught(id: string, msg: Msg, message: RegExp, timeoutMs = 3000): Promise<void> {
    const tag = `t-${Math.random()}`;
    nodeOf(id).receive({ ...msg, tag });
    const got = await errors.waitFor((m) => m.tag === tag, timeoutMs, `the error for ${JSON.stringify(msg)}`);
    const error = got.error as { message: string; source: { id: string } };
    assert.match(error.message.replace(/^\w*Error: /, ""), message);
    assert.equal(error.source.id, id);
  }

  it("unknown calls, a missing file name, a bad jitter buffer", async () => {
    await expectCaught("call", { action: "playAudio", callId: "nope", audioFile: "/tmp/x.wav" }, /^no call nope$/);
    await expectCaught("call", { action: "stopAudio", callId: "nope" }, /^no call nope$/);
    await expectCaught("call", { action: "playAudio", callId: "nope" }, /^msg\.audioFile: the path of the audio file to play is missing$/);
    await expectCaught("call", { jitterBufferMs: "soon" }, /^msg\.jitterBufferMs: expected a number of milliseconds/);
    await expectCaught("badjb", {}, /^jitterBufferMs: expected 0 \(off\) to 1000 milliseconds, got 5000$/);
    await expectCaught("call", { audioFile: path.join(__dirname, "no-such-file.wav") }, /^playAudio: no audio file ".*no-such-file\.wav" in the media folder$/);
  });

  it("a call that is not answered yet cannot play audio; stopAudio on it is harmless", async () => {
    const callId = `unanswered-${process.pid}`;
    nodeOf("call").receive({ callId });
    await calls.waitFor((m) => m.callId === callId && m.topic === "TRYING", 5000, "TRYING");
    await expectCaught("call", { action: "playAudio", callId, audioFile: __filename }, /^cannot play audio into the call: it is TRYING, not ESTABLISHED$/);
    const tag = "stop-ok";
    nodeOf("call").receive({ action: "stopAudio", callId, tag });
    nodeOf("call").receive({ terminate: true, callId });
    await calls.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, "FINISH");
    assert.equal(errors.messages.filter((m) => m.tag === tag).length, 0, "stopAudio with nothing playing is no error");
  });
});
