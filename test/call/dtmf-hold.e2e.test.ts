import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { Call } from "../../src/call/call";
import type { CallStateEvent, DtmfEvent } from "../../src/call/call-event";
import { ConfigError, InvalidStateError } from "../../src/errors";
import { requirePeers, startBaresip, type Baresip, type BaresipEvent } from "../harness";
import { waitForStatus } from "./helpers/wait-for-status";

/** An engine that calls baresip directly (no registrar), audio only unless asked. */
function engineFor(b: Baresip, rtpTimeoutMs = 0): Engine {
  return new Engine({
    account: { login: "alice", domain: "127.0.0.1", port: b.sipPort, password: "", registerRequired: false },
    localAddress: "127.0.0.1",
    rtpTimeoutMs,
  });
}

/** DTMF_START/END events baresip reported after `since` (ms epoch). */
function dtmfEvents(b: Baresip, since: number): BaresipEvent[] {
  return b.events.filter((e) => (e.type === "CALL_DTMF_START" || e.type === "CALL_DTMF_END") && e.receivedAt >= since);
}

async function waitForDigits(b: Baresip, since: number, count: number, timeoutMs: number): Promise<BaresipEvent[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const starts = dtmfEvents(b, since).filter((e) => e.type === "CALL_DTMF_START");
    if (starts.length >= count) return starts;
    if (Date.now() > end) return starts;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Call against baresip: DTMF, continuous audio, hold", function () {
  this.timeout(60_000);
  let baresip: Baresip;
  let engine: Engine | undefined;

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "sox"]);
    baresip = await startBaresip({ video: false });
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    // baresip must have closed the call before the next test dials it.
    await new Promise((r) => setTimeout(r, 200));
  });

  after(async () => {
    await baresip?.stop();
  });

  for (const type of ["RFC2833", "INFO"] as const) {
    it(`delivers "1,23#" as ${type}, in order, honouring the pause, and reports each key sent`, async () => {
      engine = engineFor(baresip);
      const call = engine.call({ callee: baresip.uri, hasVideo: false });
      const sent: DtmfEvent[] = [];
      call.on("dtmf", (d) => sent.push(d));
      await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
      const since = Date.now();
      await call.sendDtmf("1,23#", { type, pauseMs: 800 });
      const starts = await waitForDigits(baresip, since, 4, 3000);
      await new Promise((r) => setTimeout(r, 300)); // the last END
      // What baresip reported, for the record.
      process.stdout.write(`      baresip ${type}: ${JSON.stringify(dtmfEvents(baresip, since).map((e) => [e.type, e.param, e.receivedAt - since]))}\n`);
      assert.deepEqual(starts.map((e) => e.param), ["1", "2", "3", "#"], `baresip reported ${JSON.stringify(dtmfEvents(baresip, since).map((e) => [e.type, e.param]))}`);
      assert.deepEqual(sent.map((d) => [d.digit, d.type, d.direction, d.callId]), ["1", "2", "3", "#"].map((d) => [d, type, "sent", call.id]));
      // The "," waits 800 ms; keys otherwise follow 100 ms + 160 ms apart. Loose bounds: a 2-core machine under load.
      const gap12 = starts[1].receivedAt - starts[0].receivedAt;
      const gap23 = starts[2].receivedAt - starts[1].receivedAt;
      assert.ok(gap12 >= 700, `1→2 took ${gap12} ms with an 800 ms pause`);
      assert.ok(gap12 > gap23 + 300, `the pause shows: 1→2 ${gap12} ms, 2→3 ${gap23} ms`);
      if (type === "RFC2833") {
        // baresip reports END only when the event ends inside a live stream (fed event packets alone it reported START late and never END).
        const ends = dtmfEvents(baresip, since).filter((e) => e.type === "CALL_DTMF_END");
        assert.equal(ends.length, 4, `END events: ${ends.length}`);
        const stats = call.stats() as { control?: { audioOut?: { audioPacketsSent: number; eventPacketsSent: number; eventsSent: number } } };
        assert.equal(stats.control?.audioOut?.eventsSent, 4);
        // 160 ms at 20 ms: 8 updates + 2 repeated end packets per key.
        assert.equal(stats.control?.audioOut?.eventPacketsSent, 40);
        assert.ok((stats.control?.audioOut?.audioPacketsSent ?? 0) > 50, "silence flowed around the events");
      }
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 10_000);
    });
  }

  it("queues several sendDtmf calls in order and rejects bad input and wrong states", async () => {
    engine = engineFor(baresip);
    const call = engine.call({ callee: baresip.uri, hasVideo: false });
    await assert.rejects(call.sendDtmf("1"), InvalidStateError);
    await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
    await assert.rejects(call.sendDtmf("12x"), ConfigError);
    await assert.rejects(call.sendDtmf("1", { durationMs: 1 }), ConfigError);
    const since = Date.now();
    await Promise.all([call.sendDtmf("98", { type: "INFO" }), call.sendDtmf("7"), call.sendDtmf("*", { type: "INFO" })]);
    const starts = await waitForDigits(baresip, since, 4, 3000);
    assert.deepEqual(starts.map((e) => e.param), ["9", "8", "7", "*"]);
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    await assert.rejects(call.sendDtmf("1"), InvalidStateError);
  });

  it("shows the peer's hold as HOLD and its resume as ESTABLISHED, without the RTP timeout firing", async () => {
    engine = engineFor(baresip, 1500);
    const call = engine.call({ callee: baresip.uri, hasVideo: false });
    const seen: CallStateEvent[] = [];
    call.on("state", (e) => seen.push(e));
    await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
    const hold = await baresip.command("hold");
    assert.ok(hold.ok, `baresip hold: ${hold.data}`);
    const held = await waitForStatus(call, CallStatus.HOLD, 5000);
    const packets = (): number => (call.stats() as { media?: { audio?: { packetsReceived: number } } }).media?.audio?.packetsReceived ?? 0;
    const atHold = packets();
    assert.equal(held.sipStatus, 200);
    const stats = (): { audioPacketsSent: number; muted: boolean } | undefined =>
      (call.stats() as { control?: { audioOut?: { audioPacketsSent: number; muted: boolean } } }).control?.audioOut;
    // baresip's hold is a=sendonly: we must stop sending audio.
    const before = stats()?.audioPacketsSent ?? 0;
    assert.equal(stats()?.muted, true);
    await assert.rejects(call.sendDtmf("1"), InvalidStateError);
    // Longer than rtpTimeoutMs: a held call must not be hung up for silence.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(call.status, CallStatus.HOLD);
    const receivedInHold = packets() - atHold;
    assert.ok((stats()?.audioPacketsSent ?? 0) - before <= 1, "no audio sent while on hold");
    const resume = await baresip.command("resume");
    assert.ok(resume.ok, `baresip resume: ${resume.data}`);
    await waitForStatus(call, CallStatus.ESTABLISHED, 5000);
    assert.equal(stats()?.muted, false);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((stats()?.audioPacketsSent ?? 0) - before >= 10, "audio resumed");
    assert.deepEqual(
      seen.map((e) => e.status).filter((s) => s !== CallStatus.RING),
      [CallStatus.TRYING, CallStatus.ESTABLISHED, CallStatus.HOLD, CallStatus.ESTABLISHED],
    );
    call.terminate();
    const finish = await waitForStatus(call, CallStatus.FINISH, 10_000);
    // The state events carry what the peer sent. baresip sends nothing while it holds, so only the
    // ~0.5 s after the resume count (PCMU, 50 packets/s).
    const audio = finish.media?.audio;
    assert.ok(audio && audio.packetsReceived >= 15, `media stats: ${JSON.stringify(finish.media)}`);
    assert.equal(audio.packetsLost, 0);
    assert.ok(audio.bitrateKbps > 0, `bitrate ${audio.bitrateKbps} kbit/s`);
    const dropped = (call.stats() as { media?: { audio?: { dropped: unknown } } }).media?.audio?.dropped;
    process.stdout.write(`      FINISH media stats: ${JSON.stringify(finish.media)}, dropped ${JSON.stringify(dropped)}, received during hold ${receivedInHold}\n`);
  });
});
