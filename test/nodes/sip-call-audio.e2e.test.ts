import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dominantFrequencyHz, requirePeers, runCommand, startBaresip, type Baresip } from "../harness";
import { processesWithArgument } from "../harness/proc-args";
import { programPath } from "../harness/require-peers";
import { allOurNodes, helper, nodeOf, type FlowNode, type NodeModule } from "./helpers/node-red-helper";
import { catchAll, flowNode, node, sink, tab, unique } from "./helpers/flows";
import { recordMessages, sleep, until } from "./helpers/recorders";

/** Node-RED's Complete node: it reports each message a node has called done() for. */
function completeModule(): NodeModule {
  const runtime = path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [process.env.NODE_RED_PATH || __dirname] }));
  return require(path.join(runtime, "core", "common", "24-complete.js")) as NodeModule;
}

/**
 * sip-call's playAudio / stopAudio through the runtime to a real peer: baresip (called directly)
 * records what it hears, and the Complete node shows when each input message was done.
 */
describe("nodes end to end: sip-call plays an audio file into the call", function () {
  this.timeout(120_000);
  let baresip: Baresip;
  let tmp: string;
  let heard: string;
  let tone: string;
  let short: string;

  before(async () => {
    requirePeers(["baresip", "ffmpeg", "sox"]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-nodes-audio-"));
    heard = path.join(tmp, "heard");
    fs.mkdirSync(heard);
    tone = path.join(tmp, "tone700.wav");
    short = path.join(tmp, "beep700.wav");
    for (const [file, seconds] of [[tone, 2], [short, 0.3]] as const) {
      const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-f", "lavfi", "-i", `sine=frequency=700:sample_rate=16000:duration=${seconds}`, file]);
      assert.equal(r.code, 0, r.stderr);
    }
    baresip = await startBaresip({ video: false, recordDir: heard });
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await baresip?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("playAudio is done at the file's end, a looping one when stopAudio comes; baresip heard the tone", async () => {
    const callId = unique("nr-audio");
    const flow: FlowNode[] = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: baresip.sipPort, registerRequired: false }),
      node("sip-call", "call", { account: "acc", callee: "uas", jitterBufferMs: 80, mediaFolder: tmp }, [["calls"]]),
      flowNode("done", "complete", { name: "", scope: ["call"], uncaught: false }, [["completes"]]),
      catchAll("catch", "errors"),
      sink("calls"),
      sink("completes"),
      sink("errors"),
    ];
    await helper.load([...allOurNodes(), completeModule()], flow);
    const calls = recordMessages("calls");
    const completes = recordMessages("completes");
    const errors = recordMessages("errors");

    nodeOf("call").receive({ callId, hasVideo: false });
    await calls.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 15_000, "ESTABLISHED");
    const established = Date.now();
    await sleep(500);
    const playAt = Date.now();
    nodeOf("call").receive({ action: "playAudio", callId, audioFile: tone, tag: "play" });
    await completes.waitFor((m) => m.tag === "play", 10_000, "the playAudio message done");
    const playedMs = Date.now() - playAt;
    assert.ok(playedMs >= 1950, `done after ${playedMs} ms for a 2 s file`);

    nodeOf("call").receive({ action: "playAudio", callId, audioFile: short, loop: true, tag: "loop" });
    await sleep(1200);
    assert.equal(completes.messages.filter((m) => m.tag === "loop").length, 0, "a looping file is not done by itself");
    assert.equal((await processesWithArgument(short)).length, 1);
    nodeOf("call").receive({ action: "stopAudio", callId, tag: "stop" });
    await completes.waitFor((m) => m.tag === "loop", 3000, "the looping playAudio done after stopAudio");
    await completes.waitFor((m) => m.tag === "stop", 3000, "the stopAudio message done");

    nodeOf("call").receive({ terminate: true, callId });
    await calls.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, "FINISH");
    assert.deepEqual(errors.messages.map((m) => m.error), []);
    await until(() => fs.readdirSync(heard).some((f) => f.endsWith("-dec.wav")), 5000, "baresip's recording");
    const wav = path.join(heard, fs.readdirSync(heard).find((f) => f.endsWith("-dec.wav"))!);
    await until(() => fs.statSync(wav).size > 44 && fs.readFileSync(wav).readUInt32LE(4) === fs.statSync(wav).size - 8, 5000, "the recording's final header");
    const hz = await dominantFrequencyHz(wav, { skipSec: (playAt - established) / 1000 + 0.5, seconds: 1.0 });
    assert.ok(Math.abs(hz - 700) < 5, `baresip heard ${hz} Hz`);
    assert.deepEqual(await processesWithArgument(short), []);
  });
});
