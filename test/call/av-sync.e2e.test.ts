import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { ImpairmentOptions } from "../../src/demo/impairment";
import type { MeetingHangup } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { childProcessesNamed, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { analyseAvSync, formatAvSync, type AvSyncReport } from "../harness/av-sync";
import { waitForStatus } from "./helpers/wait-for-status";

/** Media time published per case: ~19 flashes to pair. */
const PUBLISH_MS = 20_000;

interface Measured {
  report: AvSyncReport;
  line: string;
  /** Whose RTCP SRs timed the streams in the output's ffmpeg ("peer" or "arrival"). */
  sync: unknown;
}

/** The running attempt of the call's only output, from call.stats(). */
function attemptOf(stats: Record<string, unknown>): { sync?: unknown; jitter?: unknown } {
  const outputs = Object.values((stats.outputs ?? {}) as Record<string, { attempt?: { sync?: unknown; jitter?: unknown } }>);
  return outputs[0]?.attempt ?? {};
}

/**
 * Calls the test meeting (flash-beep pattern, optionally through its impairing relay), publishes
 * to the harness RTMP server for PUBLISH_MS, and measures the recorded FLV.
 */
async function measure(rtmp: RtmpServer, label: string, impairment?: ImpairmentOptions, publishAfterMs = 0): Promise<Measured> {
  const peer = await startTestMeetingPeer({ pattern: "flash-beep", impairment });
  const hangups: MeetingHangup[] = [];
  peer.on("hangup", (h) => hangups.push(h));
  const engine = new Engine({
    account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
    localAddress: "127.0.0.1",
  });
  const stream = `avsync-${label}-${process.pid}-${Date.now().toString(36)}`;
  try {
    // Published on answer, or (publishAfterMs) by publish() mid-call, as after a meeting's PIN.
    const call = engine.call(publishAfterMs > 0 ? { callee: "meeting" } : { callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
    await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
    if (publishAfterMs > 0) {
      await new Promise((r) => setTimeout(r, publishAfterMs));
      call.publish({ rtmpUrl: rtmp.url, rtmpStream: stream });
    }
    await rtmp.waitForPublish(stream, 30_000);
    await new Promise((r) => setTimeout(r, PUBLISH_MS));
    const firstKeyframeMs = call.outputs()[0]?.firstKeyframeMs;
    const { sync, jitter } = attemptOf(call.stats());
    const media = call.snapshot().media;
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 20_000);
    await call.whenClosed();
    await rtmp.waitForUnpublish(stream, 30_000);
    const file = rtmp.recordedFile(stream);
    assert.ok(file, "the RTMP server recorded the stream");
    const report = await analyseAvSync(file);
    const line = formatAvSync(label, report, {
      firstKeyframeMs,
      "engine lost/received": media ? (["audio", "video"] as const).map((k) => `${k} ${media[k]?.packetsLost}/${media[k]?.packetsReceived}`).join(" ") : undefined,
      "relay dropped/reordered": describeRelay(hangups[0]),
      "A/V anchors": String(sync),
      "jitter buffers": JSON.stringify(jitter),
    });
    console.log(line);
    return { report, line, sync };
  } finally {
    await engine.close();
    await peer.stop();
  }
}

/** `audio RTP 29/1027 (251 reordered) RTCP 0/5, video …`: what the impairing relay did. */
function describeRelay(hangup: MeetingHangup | undefined): string | undefined {
  const parts = (["audio", "video"] as const).flatMap((k) => {
    const i = hangup?.relayed?.[k]?.impairment;
    return i ? [`${k} RTP ${i.rtp.dropped}/${i.rtp.received} (${i.rtp.reordered} reordered) RTCP ${i.rtcp.dropped}/${i.rtcp.received}`] : [];
  });
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/** The requirement: ≥ 80 % of the flashes paired, |offset| ≤ 40 ms throughout, no freeze over 1 s. */
function assertInSync({ report, line }: Measured): void {
  assert.ok(report.expectedFlashes >= 15, `only ${report.expectedFlashes} s of video: ${line}`);
  assert.ok(report.pairs.length >= 0.8 * report.expectedFlashes, `flashes matched: ${line}`);
  assert.ok(report.offset.maxAbsMs <= 40, `A/V offset: ${line}`);
  assert.equal(report.freezeCount, 0, `freezes: ${JSON.stringify(report.freezes)} ${line}`);
}

describe("A/V sync of the published stream (test meeting flash-beep → engine → RTMP)", function () {
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

  it("without impairment: every flash has its beep within 40 ms, no freeze over 1 s", async () => {
    assertInSync(await measure(rtmp, "baseline"));
  });

  it("through 2 % loss and 40 ms jitter (seeded): offset within 40 ms, no freeze over 1 s", async () => {
    const measured = await measure(rtmp, "impaired", { lossRate: 0.02, jitterMs: 40, seed: 4 });
    assertInSync(measured);
    assert.equal(measured.sync, "peer", "timed on the peer's sender reports");
  });

  it("a peer that sends no RTCP, through the same loss and jitter: timed on arrival, offset within 40 ms", async () => {
    const measured = await measure(rtmp, "no-rtcp", { lossRate: 0.02, jitterMs: 40, seed: 4, withholdRtcp: true });
    assertInSync(measured);
    assert.equal(measured.sync, "arrival", "timed on arrival times, the peer having sent no SR");
  });

  it("an output started 7 s into the call, through the same loss and jitter: offset within 40 ms", async () => {
    // The peer's first SR is long gone by then: the output starts from the latest one the call kept.
    // The peer (ffmpeg) cannot answer a PLI: the output waits up to its 2 s GOP for a keyframe, and the
    // audio of that wait must not go before it (the keyframe would be stamped with the first audio).
    const measured = await measure(rtmp, "mid-call", { lossRate: 0.02, jitterMs: 40, seed: 4 }, 7000);
    assertInSync(measured);
    assert.equal(measured.sync, "peer");
  });
});
