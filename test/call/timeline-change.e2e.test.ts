import { strict as assert } from "node:assert";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { Logger } from "../../src/util/logger";
import type { MeetingHangup } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import type { TimelineEvent } from "../../src/demo/timeline-events";
import { childProcessesNamed, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { analyseAvSync, formatAvSync } from "../harness/av-sync";
import type { OnsetPair } from "../harness/av-sync-stats";
import { readPacketTimeline, type PacketTimeline } from "../harness/packet-times";
import { waitForStatus } from "./helpers/wait-for-status";

/** How long the call lasts after it is answered. */
const CALL_MS = 25_000;
/** A media server restarts the stream (same SSRC, jump back) at 8 s, then re-bridges (new SSRC) at 16 s. */
const EVENTS: TimelineEvent[] = [
  { atMs: 8000, kind: "restart" },
  { atMs: 16_000, kind: "ssrc-change" },
];

interface OutputState {
  pid: number | undefined;
  reconnects: number;
  timeline: unknown;
}

/** Per output id: the pid of its ffmpeg, its reconnects and its forwarders' timeline counters, from call.stats(). */
function outputStates(stats: Record<string, unknown>): Record<string, OutputState> {
  type Attempt = { republisher?: { pid?: number }; forwarders?: Record<string, { timeline?: unknown }> };
  const outputs = (stats.outputs ?? {}) as Record<string, { reconnects?: number; attempt?: Attempt }>;
  return Object.fromEntries(
    Object.entries(outputs).map(([id, output]) => [
      id,
      {
        pid: output.attempt?.republisher?.pid,
        reconnects: output.reconnects ?? -1,
        timeline: Object.fromEntries(Object.entries(output.attempt?.forwarders ?? {}).map(([k, f]) => [k, f.timeline])),
      },
    ]),
  );
}

/**
 * The largest |A/V offset| among the flashes between `fromMs` and `toMs` (file time), and how many there were.
 * Rounded to the microsecond: the offsets are differences of float sums of whole-ms file times, and an
 * offset of exactly one video frame came out as 40.0000000000018 ms (then "≤ 40" failed on the noise).
 */
function segment(pairs: readonly OnsetPair[], fromMs: number, toMs: number): { count: number; maxAbsMs: number } {
  const inside = pairs.filter((p) => p.flashMs >= fromMs && p.flashMs < toMs);
  const maxAbsMs = inside.length > 0 ? Math.max(...inside.map((p) => Math.abs(p.offsetMs))) : Number.NaN;
  return { count: inside.length, maxAbsMs: Math.round(maxAbsMs * 1000) / 1000 };
}

/**
 * With SIPCAST_KEEP_TIMELINE_FILES=DIR, a run's FLV, recording and counters are copied to DIR/<stream>/ (to study a failure).
 */
function keepFiles(stream: string, files: Record<string, string>, counters: unknown): void {
  const keep = process.env.SIPCAST_KEEP_TIMELINE_FILES;
  if (!keep) return;
  const dir = path.join(keep, stream);
  mkdirSync(dir, { recursive: true });
  for (const [name, file] of Object.entries(files)) if (existsSync(file)) copyFileSync(file, path.join(dir, name));
  writeFileSync(path.join(dir, "counters.json"), JSON.stringify(counters, null, 2));
}

/** With SIPCAST_KEEP_TIMELINE_FILES=DIR, the engine's log (its ffmpegs' warnings among it) goes to DIR/<stream>/engine.log. */
function keptLog(stream: string): { logger?: Logger } {
  const keep = process.env.SIPCAST_KEEP_TIMELINE_FILES;
  if (!keep) return {};
  const dir = path.join(keep, stream);
  mkdirSync(dir, { recursive: true });
  const start = performance.now();
  return { logger: { log: (level, category, message) => appendFileSync(path.join(dir, "engine.log"), `${(performance.now() - start).toFixed(1)} ${level} ${category} ${message}\n`) } };
}

describe("A published stream through changes of the peer's RTP timeline (test meeting → engine → RTMP)", function () {
  this.timeout(240_000);
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

  it("a restart at 8 s and an SSRC change at 16 s: the FLV and the recording cover the whole call, continuous, in sync, one ffmpeg each", async () => {
    const peer = await startTestMeetingPeer({ pattern: "flash-beep", timelineEvents: EVENTS });
    const hangups: MeetingHangup[] = [];
    peer.on("hangup", (h) => hangups.push(h));
    const stream = `timeline-${process.pid}-${Date.now().toString(36)}`;
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
      ...keptLog(stream),
    });
    const dir = mkdtempSync(path.join(tmpdir(), "sipcast-timeline-"));
    const recordPath = path.join(dir, "call.mp4");
    try {
      const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream, recordPath });
      await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
      const answeredAt = Date.now();
      await rtmp.waitForPublish(stream, 30_000);
      const publishedAt = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      const before = outputStates(call.stats());
      await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + CALL_MS - Date.now())));
      const after = outputStates(call.stats());
      const endedAt = Date.now();
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 20_000);
      await call.whenClosed();
      await rtmp.waitForUnpublish(stream, 30_000);
      const flv = rtmp.recordedFile(stream);
      assert.ok(flv, "the RTMP server recorded the stream");
      keepFiles(stream, { "rtmp.flv": flv, "call.mp4": recordPath }, { before, after, stats: call.stats(), answeredAt, publishedAt, endedAt });
      // The peer really changed its timeline twice on both media.
      const applied = JSON.stringify(Object.fromEntries(Object.entries(hangups[0]?.relayed ?? {}).map(([k, r]) => [k, r.timelineEvents])));
      assert.equal(applied, JSON.stringify({ audio: 2, video: 2 }), "events applied by the peer");
      assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
      assert.equal(Object.keys(after).length, 2, "an RTMP output and a recording");

      for (const [label, file] of [["rtmp", flv], ["record", recordPath]] as const) {
        const report = await analyseAvSync(file);
        const audio: PacketTimeline = await readPacketTimeline(file, "a");
        const video: PacketTimeline = await readPacketTimeline(file, "v");
        const callMs = endedAt - publishedAt;
        const fileMs = Math.max(audio.lastMs, video.lastMs) - Math.min(audio.firstMs, video.firstMs);
        // File time 0 is about when publishing began; the events are counted from the peer's media start (≈ the answer).
        const shiftMs = publishedAt - answeredAt;
        const [restartMs, ssrcMs] = EVENTS.map((e) => e.atMs - shiftMs);
        const segments = {
          "before the restart": segment(report.pairs, 0, restartMs),
          "after the restart": segment(report.pairs, restartMs, ssrcMs),
          "after the SSRC change": segment(report.pairs, ssrcMs, Infinity),
        };
        const id = Object.keys(after).find((k) => (label === "record" ? k === "record" : k !== "record")) ?? "";
        const line = formatAvSync(`timeline ${label}`, report, {
          "call/file ms": `${callMs}/${Math.round(fileMs)}`,
          "audio packets/≤1ms steps@first/largest gap@where": `${audio.packets}/${audio.nonMonotonic}@${Math.round(audio.firstStepAtMs)}/${Math.round(audio.largestGapMs)}@${Math.round(audio.largestGapAtMs)}`,
          "video packets/≤1ms steps@first/largest gap@where": `${video.packets}/${video.nonMonotonic}@${Math.round(video.firstStepAtMs)}/${Math.round(video.largestGapMs)}@${Math.round(video.largestGapAtMs)}`,
          "max |offset| per segment": JSON.stringify(segments),
          "ffmpeg pid before/after": `${before[id]?.pid}/${after[id]?.pid}`,
          reconnects: after[id]?.reconnects,
          "forwarder timelines": JSON.stringify(after[id]?.timeline),
          "relay events applied": applied,
        });
        console.log(line);

        // One ffmpeg for the whole call: the output was never restarted.
        assert.ok(before[id]?.pid !== undefined && before[id]?.pid === after[id]?.pid, `one ffmpeg: ${line}`);
        assert.equal(after[id]?.reconnects, 0, `no reconnect: ${line}`);
        // The whole call is in the file, on a continuous, monotonic timeline.
        assert.ok(Math.abs(fileMs - callMs) <= 1500, `the file covers the call: ${line}`);
        for (const [name, t] of [["audio", audio], ["video", video]] as const) {
          assert.equal(t.nonMonotonic, 0, `${name} timestamps strictly increasing: ${line}`);
          assert.ok(t.largestGapMs <= 1000, `${name} has no gap over 1 s: ${line}`);
        }
        assert.equal(report.freezeCount, 0, `no freeze over 1 s: ${JSON.stringify(report.freezes)} ${line}`);
        // In sync after each event, as before.
        assert.ok(report.pairs.length >= 0.8 * report.expectedFlashes, `flashes matched: ${line}`);
        for (const [name, seg] of Object.entries(segments)) {
          assert.ok(seg.count >= 4, `flashes ${name}: ${line}`);
          assert.ok(seg.maxAbsMs <= 40, `A/V offset ${name}: ${line}`);
        }
      }
    } finally {
      await engine.close();
      await peer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
