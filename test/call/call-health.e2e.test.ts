import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { Call } from "../../src/call/call";
import type { CallStateEvent } from "../../src/call/call-event";
import { freePorts, requirePeers } from "../harness";
import { startSippUas, type SippUas } from "./helpers/sipp-uas";

function engineTo(uas: SippUas, rtpTimeoutMs: number): Engine {
  return new Engine({
    account: { login: "alice", domain: "127.0.0.1", port: uas.port, password: "", registerRequired: false },
    localAddress: "127.0.0.1",
    rtpTimeoutMs,
  });
}

function finalState(call: Call, timeoutMs: number): Promise<CallStateEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`call not over within ${timeoutMs} ms (status ${call.status})`)), timeoutMs);
    call.on("state", (e) => {
      if (e.status === CallStatus.FAILED || e.status === CallStatus.FINISH || e.status === CallStatus.BUSY) {
        clearTimeout(timer);
        resolve(e);
      }
    });
  });
}

describe("Call health against sipp", function () {
  this.timeout(60_000);
  let uas: SippUas | undefined;
  let engine: Engine | undefined;

  before(() => requirePeers(["sipp"]));

  afterEach(async () => {
    await engine?.close();
    await uas?.stop();
    engine = undefined;
    uas = undefined;
  });

  it("hangs up with BYE and FAILED_BY_RTP_ACTIVITY when the answered peer sends no RTP", async () => {
    uas = await startSippUas("uas_no_media.xml");
    engine = engineTo(uas, 1500);
    const call = engine.call({ callee: uas.uri, hasVideo: false });
    let establishedAt = 0;
    call.on("state", (e) => {
      if (e.status === CallStatus.ESTABLISHED) establishedAt = Date.now();
    });
    const end = await finalState(call, 15_000);
    const failedAfter = Date.now() - establishedAt;
    assert.equal(end.status, CallStatus.FAILED);
    assert.equal(end.reason, "FAILED_BY_RTP_ACTIVITY");
    assert.equal(end.initiator, "local");
    assert.ok(establishedAt > 0, "the call was answered first");
    process.stdout.write(`      no RTP for the 1500 ms timeout → FAILED_BY_RTP_ACTIVITY ${failedAfter} ms after the answer\n`);
    assert.ok(failedAfter >= 1400 && failedAfter < 4000, `failed ${failedAfter} ms after the answer for a 1500 ms timeout`);
    // sipp exits 0 only when the BYE came (its scenario ends with BYE → 200).
    const exit = await uas.exited;
    assert.equal(exit.code, 0, `sipp exit ${exit.code}\n${uas.proc.logs().slice(-2000)}`);
    const bye = uas.messages().find((m) => m.direction === "received" && m.firstLine.startsWith("BYE "));
    assert.ok(bye, "sipp received a BYE");
  });

  it("does not fire with rtpTimeoutMs 0 (off), and refreshes the session with re-INVITEs at half of Session-Expires: 4;refresher=uac", async () => {
    uas = await startSippUas("uas_session_timer.xml");
    engine = engineTo(uas, 0);
    const call = engine.call({ callee: uas.uri, hasVideo: false });
    const ended = finalState(call, 30_000);
    // The scenario needs two refreshes, each within 3.5 s of the previous 2xx; then we hang up.
    const deadline = Date.now() + 12_000;
    const invites = (): number => uas?.messages().filter((m) => m.direction === "received" && m.firstLine.startsWith("INVITE ")).length ?? 0;
    while (invites() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(call.status, CallStatus.ESTABLISHED, "no RTP, but the watchdog is off");
    call.terminate();
    const end = await ended;
    assert.equal(end.status, CallStatus.FINISH);
    const exit = await uas.exited;
    assert.equal(exit.code, 0, `sipp exit ${exit.code} (a refresh came late or not at all)\n${uas.proc.logs().slice(-2000)}`);

    const msgs = uas.messages();
    const received = msgs.filter((m) => m.direction === "received");
    const requests = received.filter((m) => m.firstLine.startsWith("INVITE "));
    assert.equal(requests.length, 3, "the INVITE and two refreshes");
    assert.match(requests[0].text, /^Supported:.*\btimer\b/im, "our INVITE says Supported: timer");
    const oks = msgs.filter((m) => m.direction === "sent" && m.firstLine.startsWith("SIP/2.0 200") && /CSeq:\s*\d+ INVITE/i.test(m.text));
    const intervals = [requests[1].at - oks[0].at, requests[2].at - oks[1].at];
    for (const ms of intervals) assert.ok(ms >= 1800 && ms <= 3000, `refresh ${ms} ms after the 2xx (expected ≈ 2000)`);
    const version = (text: string): number => Number(/^o=\S+ \d+ (\d+)/m.exec(text)?.[1]);
    assert.equal(version(requests[1].text), version(requests[0].text) + 1, "the refresh offer has the next o= version");
    assert.equal(version(requests[2].text), version(requests[0].text) + 2);
    assert.match(requests[1].text, /^Session-Expires:\s*4;refresher=uac/im);
    const stripped = (text: string): string => text.slice(text.indexOf("\nv=0")).replace(/^o=.*$/m, "");
    assert.equal(stripped(requests[1].text), stripped(requests[0].text), "same SDP apart from o=");
    process.stdout.write(`      refresh intervals after the 2xx: ${intervals.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}\n`);
  });

  it("shows an RFC 2543 hold (c=0.0.0.0) as HOLD and the resume as ESTABLISHED, and sends no audio while held", async () => {
    const [mediaPort] = await freePorts(2, { udp: true, tcp: false, consecutive: true });
    // The peer's m=audio port: our silence arrives here while the call is up, and must stop on hold.
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(mediaPort, "127.0.0.1", resolve));
    const arrivals: number[] = [];
    socket.on("message", () => arrivals.push(Date.now()));
    try {
      uas = await startSippUas("uas_hold_c0.xml", ["-set", "holdport", String(mediaPort)]);
      engine = engineTo(uas, 1000);
      const call = engine.call({ callee: uas.uri, hasVideo: false });
      const seen: CallStateEvent[] = [];
      call.on("state", (e) => seen.push({ ...e, timestamp: Date.now() }));
      const deadline = Date.now() + 10_000;
      while (seen.filter((e) => e.status === CallStatus.ESTABLISHED).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const ended = finalState(call, 10_000);
      call.terminate();
      await ended;
      const statuses = seen.map((e) => e.status).filter((s) => s !== CallStatus.RING);
      assert.deepEqual(statuses, [CallStatus.TRYING, CallStatus.ESTABLISHED, CallStatus.HOLD, CallStatus.ESTABLISHED, CallStatus.FINISH], "1.5 s of hold with a 1 s RTP timeout did not end the call");
      const holdAt = seen.find((e) => e.status === CallStatus.HOLD)?.timestamp ?? 0;
      const resumeAt = seen.filter((e) => e.status === CallStatus.ESTABLISHED)[1]?.timestamp ?? 0;
      const before = arrivals.filter((t) => t < holdAt).length;
      const during = arrivals.filter((t) => t > holdAt + 20 && t < resumeAt).length;
      const after = arrivals.filter((t) => t > resumeAt).length;
      process.stdout.write(`      audio packets at the peer: ${before} before hold, ${during} during ${resumeAt - holdAt} ms of hold, ${after} after resume\n`);
      assert.ok(before >= 10, `silence flowed before the hold (${before} packets)`);
      assert.equal(during, 0, "no audio while the peer's address is 0.0.0.0");
      assert.ok(after >= 5, `audio resumed (${after} packets)`);
      assert.equal((await uas.exited).code, 0, uas.proc.logs().slice(-1500));
    } finally {
      socket.close();
    }
  });
});
