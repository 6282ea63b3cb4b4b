import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSilentSipServer, type SilentSipServer } from "../harness/silent-server";
import { allOurNodes, helper, nodeOf, type Msg } from "./helpers/node-red-helper";
import { catchAll, node, sink, tab } from "./helpers/flows";
import { recordMessages, type MessageRecorder } from "./helpers/recorders";

/**
 * Input bounds through the Node-RED runtime: each refusal is a done(err) that reaches a Catch node,
 * and Node-RED goes on. The account points at a SIP "server" on 127.0.0.1 that never answers, so
 * calls stay TRYING (live) until the request timeout.
 */
describe("nodes: input bounds reach Catch nodes", function () {
  this.timeout(30_000);
  let silent: SilentSipServer;
  let errors: MessageRecorder;
  let calls: MessageRecorder;
  let media: string;
  let outside: string;

  before(async () => {
    silent = await startSilentSipServer("udp");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-node-bounds-"));
    media = path.join(tmp, "media");
    outside = path.join(tmp, "private");
    fs.mkdirSync(media);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(media, "hello.wav"), "RIFF");
    fs.writeFileSync(path.join(outside, "secret.wav"), "RIFF");
    fs.symlinkSync(path.join(outside, "secret.wav"), path.join(media, "link-out.wav"));
    await helper.startServer();
    const flow = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: silent.port, registerRequired: false, requestTimeout: 5, maxCalls: 1 }),
      node("sip-call", "call", { account: "acc", callee: "uas", mediaFolder: media }, [["calls"]]),
      node("dtmf-send", "dtmf", { digits: "1" }, [["sent"]]),
      catchAll("catch", "errors"),
      sink("errors"),
      sink("calls"),
      sink("sent"),
    ];
    await helper.load(allOurNodes(), flow);
    errors = recordMessages("errors");
    calls = recordMessages("calls");
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await silent.stop();
    fs.rmSync(path.dirname(media), { recursive: true, force: true });
  });

  async function caught(id: string, msg: Msg): Promise<string> {
    const tag = `t-${Math.random()}`;
    nodeOf(id).receive({ ...msg, tag });
    const got = await errors.waitFor((m) => m.tag === tag, 3000, `the error for ${JSON.stringify(msg).slice(0, 80)}`);
    const error = got.error as { message: string; source: { id: string } };
    assert.equal(error.source.id, id);
    return error.message.replace(/^\w*Error: /, "");
  }

  it("dtmf-send: 65 keys, or a megabyte of them, is an error at once (before any wait for the call)", async () => {
    assert.match(await caught("dtmf", { callId: "nope", digits: "1".repeat(65) }), /^msg\.digits: 65 keys, at most 64/);
    assert.match(await caught("dtmf", { callId: "nope", payload: "1".repeat(1 << 20) }), /^msg\.payload: 1048576 keys, at most 64/);
  });

  it("sip-call: msg.audioFile outside the media folder, through .. or a link, and a missing file: the same error", async () => {
    const texts = [
      await caught("call", { audioFile: path.join(outside, "secret.wav") }),
      await caught("call", { audioFile: "../private/secret.wav" }),
      await caught("call", { audioFile: "link-out.wav" }),
      await caught("call", { audioFile: "missing.wav" }),
      await caught("call", { audioFile: "/etc/passwd" }),
      await caught("call", { audioFile: "/no/such/file.wav" }),
    ];
    for (const text of texts) assert.match(text, /^playAudio: no audio file ".*" in the media folder$/);
    // Apart from the name given, the texts are the same: nothing tells which file exists.
    assert.equal(new Set(texts.map((t) => t.replace(/".*"/, '"…"'))).size, 1, texts.join("\n"));
    assert.equal(calls.messages.length, 0, "no call was placed");
  });

  it("sip-account maxCalls: the second live call is an error naming maxCalls; a file in the media folder is accepted", async () => {
    const callId = `bounds-${process.pid}`;
    nodeOf("call").receive({ callId, audioFile: "hello.wav" });
    await calls.waitFor((m) => m.callId === callId && m.topic === "TRYING", 5000, "TRYING");
    assert.equal(await caught("call", { callId: `${callId}-2` }), "call refused: limit maxCalls (1) reached");
    nodeOf("call").receive({ terminate: true, callId });
    await calls.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, "FINISH");
  });
});
