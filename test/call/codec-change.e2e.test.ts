import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { MeetingHangup, MeetingReinvite } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { childProcessesNamed, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { describeFigures, readPublishedFigures, segment, type PublishedFigures } from "./helpers/published-figures";
import { waitForStatus } from "./helpers/wait-for-status";

const AT_MS = 6000;
const CALL_MS = 18_000;

interface Run {
  /** Figures of each FLV the server recorded, in publish order. */
  files: PublishedFigures[];
  line: string;
  reinvited: number | undefined;
  reconnects: number;
  /** Publish events of the output: RECONNECTING reasons seen. */
  reasons: string[];
}

/** Every FLV the RTMP server recorded of `stream`, oldest first (one per publish). */
function recordedFiles(rtmp: RtmpServer, stream: string): string[] {
  const folder = path.join(rtmp.recordDir, "live", stream);
  const names = fs.readdirSync(folder).filter((n) => n.endsWith(".flv"));
  names.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  return names.map((n) => path.join(folder, n));
}

async function publishThrough(rtmp: RtmpServer, label: string, reinvite: MeetingReinvite): Promise<Run> {
  const peer = await startTestMeetingPeer({ pattern: "flash-beep", reinvites: [reinvite] });
  const hangups: MeetingHangup[] = [];
  peer.on("hangup", (h) => hangups.push(h));
  const engine = new Engine({
    account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
    localAddress: "127.0.0.1",
  });
  const stream = `codec-${process.pid}-${Date.now().toString(36)}`;
  const reasons: string[] = [];
  try {
    const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
    call.on("publish", (e: { status: string; reason: string }) => {
      if (e.status === "RECONNECTING") reasons.push(e.reason);
    });
    await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
    const answeredAt = Date.now();
    await rtmp.waitForPublish(stream, 30_000);
    await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + CALL_MS - Date.now())));
    const outputs = call.outputs();
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 20_000);
    await call.whenClosed();
    await rtmp.waitForUnpublish(stream, 30_000);
    const end = Date.now() + 5000;
    while (hangups.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const files: PublishedFigures[] = [];
    for (const file of recordedFiles(rtmp, stream)) files.push(await readPublishedFigures(file));
    const last = files[files.length - 1];
    assert.ok(last, "the RTMP server recorded the stream");
    const prev = files.length > 1 ? files[files.length - 2] : undefined;
    const reconnects = outputs[0]?.reconnects ?? -1;
    const line = describeFigures(label, last, {
      "re-INVITEs answered": hangups[0]?.reinvited,
      "FLVs (publishes)": files.length,
      "output restarted": reconnects > 0 ? `yes (${reasons.join(",")})` : "no",
      "last FLV audio from/to ms": `${Math.round(last.audio.firstMs)}/${Math.round(last.audio.lastMs)}`,
      "gap to the FLV before, audio/video ms": prev ? `${Math.round(last.audio.firstMs - prev.audio.lastMs)}/${Math.round(last.video.firstMs - prev.video.lastMs)}` : "-",
    });
    console.log(line);
    return { files, line, reinvited: hangups[0]?.reinvited, reconnects, reasons };
  } finally {
    await engine.close();
    await peer.stop();
  }
}

/** The checks every codec change shares. */
function assertContinued(r: Run): void {
  assert.equal(r.reinvited, 1, `the peer re-INVITEd: ${r.line}`);
  const last = r.files[r.files.length - 1];
  // The published sound goes on after the change: the beeps (and their flashes) come through.
  const after = segment(last.report.pairs, AT_MS + 1500, Infinity);
  assert.ok(after.count >= 5, `flash-beep pairs after the change: ${r.line}`);
  assert.ok(after.maxAbsMs <= 40, `A/V offset after the change ≤ 40 ms: ${r.line}`);
  assert.ok(last.audioMs >= 6000, `audio goes on after the change: ${r.line}`);
  // One timeline: the output after the change does not start again from 0, nor go back.
  assert.ok(last.audio.firstMs >= AT_MS - 2000, `timeline continues, not from 0: ${r.line}`);
  for (let i = 1; i < r.files.length; i++) {
    for (const kind of ["audio", "video"] as const) {
      const gap = r.files[i][kind].firstMs - r.files[i - 1][kind].lastMs;
      assert.ok(gap > 0 && gap <= 3000, `${kind} timestamps go on across the restart (gap ${Math.round(gap)} ms): ${r.line}`);
    }
  }
  for (const f of r.files) {
    assert.equal(f.audio.nonMonotonic, 0, `audio strictly increasing: ${r.line}`);
    assert.equal(f.video.nonMonotonic, 0, `video strictly increasing: ${r.line}`);
  }
}

describe("A published stream through a re-INVITE that changes the codec (test meeting → engine → RTMP)", function () {
  this.timeout(150_000);
  let rtmp: RtmpServer;

  before(async function () {
    requirePeers(["ffmpeg", "ffprobe"]);
    rtmp = await startRtmpServer();
  });

  after(async () => {
    await rtmp?.stop();
  });

  afterEach(async () => {
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg of the engine, the peer or the analysis is left");
  });

  it("PCMU → PCMA at 6 s: the sound goes on, timestamps continue, A/V in sync after", async () => {
    const r = await publishThrough(rtmp, "re-INVITE PCMU → PCMA", { atMs: AT_MS, audioCodec: "PCMA" });
    assertContinued(r);
    assert.ok(r.reasons.includes("OUTPUT_MEDIA_CHANGED"), `the output says why it restarted: ${r.line}`);
  });

  it("PCMU → opus at 6 s: the sound goes on, timestamps continue, A/V in sync after", async () => {
    const r = await publishThrough(rtmp, "re-INVITE PCMU → opus", { atMs: AT_MS, audioCodec: "opus" });
    assertContinued(r);
    assert.ok(r.reasons.includes("OUTPUT_MEDIA_CHANGED"), `the output says why it restarted: ${r.line}`);
  });
});
