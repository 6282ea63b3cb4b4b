import assert from "node:assert/strict";
import { RequestTimers } from "../../../src/sip/transport/request-timers";
import { FakeClock } from "./fake-clock";

function request(method: string, branch = "z9hG4bK1", cseqMethod = method): string {
  return `${method} sip:b@192.0.2.9 SIP/2.0\r\nVia: SIP/2.0/UDP h:5062;branch=${branch}\r\nCSeq: 1 ${cseqMethod}\r\n\r\n`;
}

function response(status: number, branch: string, method: string): string {
  return `SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP h:5062;branch=${branch}\r\nCSeq: 1 ${method}\r\n\r\n`;
}

function setup(retransmit = true, timeoutMs = 32000) {
  const clock = new FakeClock();
  const sent: Array<{ at: number; request: string }> = [];
  const timedOut: Array<{ at: number; request: string }> = [];
  const timers = new RequestTimers(
    { t1Ms: 500, t2Ms: 4000, timeoutMs, retransmit, clock },
    {
      onRetransmit: (r) => sent.push({ at: clock.now, request: r }),
      onTimeout: (r) => timedOut.push({ at: clock.now, request: r }),
    },
  );
  return { clock, sent, timedOut, timers };
}

describe("RequestTimers", () => {
  it("retransmits an INVITE with Timer A: T1 doubling without cap, then times out at 64·T1", () => {
    const { clock, sent, timedOut, timers } = setup();
    const invite = request("INVITE");
    timers.track(invite);
    clock.advance(40000);
    assert.deepEqual(
      sent.map((s) => s.at),
      [500, 1500, 3500, 7500, 15500, 31500],
    );
    assert.ok(sent.every((s) => s.request === invite));
    assert.deepEqual(timedOut, [{ at: 32000, request: invite }]);
    assert.equal(timers.size, 0);
    assert.equal(clock.pending, 0);
  });

  it("retransmits a non-INVITE with Timer E: doubling capped at T2", () => {
    const { clock, sent, timers } = setup();
    timers.track(request("REGISTER"));
    clock.advance(20000);
    assert.deepEqual(
      sent.map((s) => s.at),
      [500, 1500, 3500, 7500, 11500, 15500, 19500],
    );
  });

  it("stops on any response matching branch and CSeq method", () => {
    const { clock, sent, timedOut, timers } = setup();
    timers.track(request("INVITE", "z9hG4bKa"));
    clock.advance(1600);
    assert.equal(sent.length, 2);
    assert.equal(timers.responseReceived(response(100, "z9hG4bKa", "CANCEL")), false, "CANCEL is another transaction");
    assert.equal(timers.responseReceived(response(100, "z9hG4bKa", "INVITE")), true);
    clock.advance(60000);
    assert.equal(sent.length, 2);
    assert.equal(timedOut.length, 0);
    assert.equal(clock.pending, 0);
  });

  it("keeps a CANCEL apart from its INVITE (same branch, other method)", () => {
    const { clock, timers } = setup();
    timers.track(request("INVITE", "z9hG4bKa"));
    timers.track(request("CANCEL", "z9hG4bKa"));
    assert.equal(timers.size, 2);
    timers.responseReceived(response(200, "z9hG4bKa", "CANCEL"));
    assert.equal(timers.size, 1);
    clock.advance(1);
  });

  it("never tracks an ACK", () => {
    const { clock, sent, timedOut, timers } = setup();
    assert.equal(timers.track(request("ACK", "z9hG4bKa")), undefined);
    clock.advance(60000);
    assert.equal(sent.length + timedOut.length + timers.size + clock.pending, 0);
  });

  it("only times out (no retransmission) on a reliable transport", () => {
    const { clock, sent, timedOut, timers } = setup(false, 300);
    timers.track(request("OPTIONS"));
    clock.advance(299);
    assert.equal(timedOut.length, 0);
    clock.advance(1);
    assert.equal(sent.length, 0);
    assert.equal(timedOut.length, 1);
    assert.equal(timedOut[0].at, 300);
  });

  it("drains pending requests oldest first and leaves nothing scheduled", () => {
    const { clock, timers } = setup();
    const a = request("INVITE", "z9hG4bKa");
    const b = request("BYE", "z9hG4bKb");
    timers.track(a);
    timers.track(b);
    assert.deepEqual(timers.drain(), [a, b]);
    assert.equal(timers.size, 0);
    assert.equal(clock.pending, 0);
  });

  it("leaves no timer pending after dispose()", () => {
    const { clock, sent, timers } = setup();
    timers.track(request("INVITE", "z9hG4bKa"));
    timers.track(request("MESSAGE", "z9hG4bKb"));
    clock.advance(700);
    timers.dispose();
    assert.equal(clock.pending, 0);
    clock.advance(60000);
    assert.equal(sent.length, 2);
  });
});
