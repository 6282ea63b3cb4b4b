import { strict as assert } from "node:assert";
import { Engine } from "../../../src/call/engine";
import { CallStatus } from "../../../src/call/call-status";
import type { MeetingHangup } from "../../../src/demo/meeting-call";
import { startTestMeetingPeer, type TestMeetingPeerOptions } from "../../../src/demo/test-meeting-peer";
import type { RtmpServer } from "../../harness";
import { outputStates, type OutputState } from "./published-figures";
import { waitForStatus } from "./wait-for-status";

/** What {@link publishMeetingCall} saw of one call. */
export interface MeetingRun {
  /** The FLV the RTMP server recorded. */
  flv: string;
  /** The test meeting's report of the call (undefined if it had not hung up 5 s after the BYE). */
  hangup: MeetingHangup | undefined;
  answeredAt: number;
  /** When the RTMP server saw the publish start. */
  publishedAt: number;
  /** The call's output 2 s after the publish started, and at its end. */
  before: OutputState | undefined;
  after: OutputState | undefined;
  /** `call.stats().media` just before the hang-up. */
  media: Record<string, { dropped?: unknown; sources?: unknown[] }> | undefined;
}

/**
 * Calls the test meeting (flash-beep pattern and `peer` options) with one RTMP output to `rtmp`, keeps the call
 * `callMs` from the answer, hangs up and waits until the stream and the call are gone. `progressFirst`: the call
 * must pass SESSION_PROGRESS (183) before its answer.
 */
export async function publishMeetingCall(rtmp: RtmpServer, peer: TestMeetingPeerOptions, o: { streamPrefix: string; callMs: number; progressFirst?: boolean }): Promise<MeetingRun> {
  const meeting = await startTestMeetingPeer({ pattern: "flash-beep", ...peer });
  const hangups: MeetingHangup[] = [];
  meeting.on("hangup", (h) => hangups.push(h));
  const engine = new Engine({
    account: { login: "caller", domain: "127.0.0.1", port: meeting.sipPort, registerRequired: false },
    localAddress: "127.0.0.1",
  });
  const stream = `${o.streamPrefix}-${process.pid}-${Date.now().toString(36)}`;
  try {
    const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
    if (o.progressFirst) await waitForStatus(call, CallStatus.SESSION_PROGRESS, 30_000);
    await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
    const answeredAt = Date.now();
    await rtmp.waitForPublish(stream, 30_000);
    const publishedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    const before = Object.values(outputStates(call.stats()))[0];
    await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + o.callMs - Date.now())));
    const after = Object.values(outputStates(call.stats()))[0];
    const media = call.stats().media as MeetingRun["media"];
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 20_000);
    await call.whenClosed();
    await rtmp.waitForUnpublish(stream, 30_000);
    const flv = rtmp.recordedFile(stream);
    assert.ok(flv, "the RTMP server recorded the stream");
    const end = Date.now() + 5000;
    while (hangups.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return { flv, hangup: hangups[0], answeredAt, publishedAt, before, after, media };
  } finally {
    await engine.close();
    await meeting.stop();
  }
}
