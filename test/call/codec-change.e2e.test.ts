import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { MeetingHangup, MeetingReinvite } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { useRtmpServer, type RtmpServer } from "../harness";
import { describeFigures, readPublishedFigures, segment, type PublishedFigures } from "./helpers/published-figures";
import { waitForStatus } from "./helpers/wait-for-status";

const AT_MS = 6000;
const CALL_MS = 18_000;

interface Run {
  /** Figures of each FLV the server recorded, in publish order. */
  files: PublishedFigures[];
  /** Figures of each file the call's own recording wrote, in order (a restart continues in `name-2.mkv`). */
  recorded: PublishedFigures[];
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
    // CODEC_CHANGE_LOG=1 prints the engine's log (the restart, the offsets) with times.
    ...(process.env.CODEC_CHANGE_LOG === "1" ? { logger: { log: (level: string, cat: string, msg: string) => console.log(`${new Date().toISOString().slice(17, 23)} ${level} ${cat} ${msg}`) } } : {}),
  });
  const stream = `codec-${process.pid}-${Date.now().toString(36)}`;
  const reasons: string[] = [];
  let restartMs: number | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-codec-"));
  try {
    const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
    let restartFrom: number | undefined;
    call.on("publish", (e: { status: string; reason: string; outputId: string }) => {
      if (e.outputId !== "rec" && e.status === "RECONNECTING") {
        reasons.push(e.reason);
        restartFrom = Date.now();
      }
      if (e.outputId !== "rec" && e.status === "PUBLISHING" && restartFrom !== undefined && restartMs === undefined) restartMs = Date.now() - restartFrom;
    });
    await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
    const answeredAt = Date.now();
    call.publish({ recordPath: path.join(dir, "call.mkv") }, { id: "rec" });
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
    const recorded: PublishedFigures[] = [];
    for (const file of outputs.find((o) => o.id === "rec")?.files ?? []) recorded.push(await readPublishedFigures(file));
    const reconnects = outputs[0]?.reconnects ?? -1;
    const line = describeFigures(label, last, {
      "re-INVITEs answered": hangups[0]?.reinvited,
      "FLVs (publishes)": files.length,
      "output restarted": reconnects > 0 ? `yes (${reasons.join(",")}), RECONNECTING→PUBLISHING ${restartMs ?? "-"} ms` : "no",
      "last FLV audio from/to ms": `${Math.round(last.audio.firstMs)}/${Math.round(last.audio.lastMs)}`,
      "gap to the FLV before, audio/video ms": prev ? `${Math.round(last.audio.firstMs - prev.audio.lastMs)}/${Math.round(last.video.firstMs - prev.video.lastMs)}` : "-",
      "recording files, audio from..to ms": recorded.map((f) => `${Math.round(f.audio.firstMs)}..${Math.round(f.audio.lastMs)}`).join(" "),
    });
    console.log(line);
    return { files, recorded, line, reinvited: hangups[0]?.reinvited, reconnects, reasons };
  } finally {
    await engine.close();
    await peer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each file's timestamps strictly increase, and each file goes on after the one before (gap > 0, ≤ maxGapMs). */
function assertOneTimeline(what: string, files: readonly PublishedFigures[], line: string, maxGapMs: number): void {
  for (const [i, f] of files.entries()) {
    for (const kind of ["audio", "video"] as const) {
      assert.equal(f[kind].nonMonotonic, 0, `${what}: ${kind} strictly increasing in file ${i + 1}: ${line}`);
      assert.ok(f[kind].largestGapMs <= maxGapMs, `${what}: ${kind} gap ≤ ${maxGapMs} ms in file ${i + 1}: ${line}`);
      if (i === 0) continue;
      const gap = f[kind].firstMs - files[i - 1][kind].lastMs;
      assert.ok(gap > 0 && gap <= maxGapMs, `${what}: ${kind} goes on from file ${i} to ${i + 1} (gap ${Math.round(gap)} ms): ${line}`);
    }
  }
}

/** The checks every codec change shares. */
function assertContinued(r: Run): void {
  assert.equal(r.reinvited, 1, `the peer re-INVITEd: ${r.line}`);
  // The output restarted on the new media, and said why.
  assert.ok(r.reconnects >= 1 && r.reasons.includes("OUTPUT_MEDIA_CHANGED"), `the output restarted on the new media: ${r.line}`);
  // The RTMP stream: one timeline (the server continues it across the new publish), no long freeze.
  assertOneTimeline("RTMP", r.files, r.line, 2500);
  const last = r.files[r.files.length - 1];
  // The published sound goes on after the change: the beeps (and their flashes) come through, in sync.
  const after = segment(last.report.pairs, AT_MS + 1500, Infinity);
  assert.ok(after.count >= 5, `flash-beep pairs after the change: ${r.line}`);
  assert.ok(after.maxAbsMs <= 40, `A/V offset after the change ≤ 40 ms: ${r.line}`);
  assert.ok(last.audioMs >= CALL_MS - 4000, `audio all through the call: ${r.line}`);
  // The recording: a second file whose timestamps continue the first's, not from 0.
  assert.ok(r.recorded.length >= 2, `the recording went on in a second file: ${r.line}`);
  assertOneTimeline("recording", r.recorded, r.line, 2500);
  const tail = r.recorded[r.recorded.length - 1];
  assert.ok(segment(tail.report.pairs, 0, Infinity).count >= 5, `flash-beep pairs in the recording after the change: ${r.line}`);
}

describe("A published stream through a re-INVITE that changes the codec (test meeting → engine → RTMP)", function () {
  this.timeout(150_000);
  let rtmp: RtmpServer;
  useRtmpServer((server) => (rtmp = server));

  it("PCMU → PCMA at 6 s: the sound goes on, timestamps continue, A/V in sync after", async () => {
    const r = await publishThrough(rtmp, "re-INVITE PCMU → PCMA", { atMs: AT_MS, audioCodec: "PCMA" });
    assertContinued(r);
  });

  it("PCMU → opus at 6 s: the sound goes on, timestamps continue, A/V in sync after", async () => {
    const r = await publishThrough(rtmp, "re-INVITE PCMU → opus", { atMs: AT_MS, audioCodec: "opus" });
    assertContinued(r);
  });

  it("H.264 → VP8 at 6 s: the picture and sound go on, timestamps continue, A/V in sync after", async () => {
    const r = await publishThrough(rtmp, "re-INVITE H.264 → VP8", { atMs: AT_MS, videoCodec: "VP8" });
    assertContinued(r);
  });
});
