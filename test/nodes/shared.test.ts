import { strict as assert } from "node:assert";
import { EventEmitter } from "node:events";
import { CallStatus, type CallStateEvent } from "node-red-contrib-sipcast";
import { MsgFieldError, msgBoolean, msgChoice, msgString, settingBoolean, settingNumber } from "../../src/nodes/shared/msg-fields";
import { RetryBackoff } from "../../src/nodes/shared/retry-backoff";
import { Ticker, formatDuration } from "../../src/nodes/shared/ticker";
import { waitEstablished, type WaitableCall } from "../../src/nodes/shared/wait-established";
import { statusText } from "../../src/nodes/shared/input-handler";
import { FakeTimers } from "./helpers/fake-timers";

describe("nodes/shared: msg fields", () => {
  it("reads strings, taking finite numbers as text and absent/null as 'use the setting'", () => {
    assert.equal(msgString({ callee: "uas" }, "callee"), "uas");
    assert.equal(msgString({ callee: 1001 }, "callee"), "1001");
    assert.equal(msgString({ callee: null }, "callee"), undefined);
    assert.equal(msgString({}, "callee"), undefined);
  });

  it("names the field and the kind of value in its error", () => {
    assert.throws(() => msgString({ callee: { x: 1 } }, "callee"), { name: "MsgFieldError", message: "msg.callee: expected a string, got object" });
    assert.throws(() => msgString({ callee: Number.NaN }, "callee"), MsgFieldError);
    assert.throws(() => msgString({ callee: [1] }, "callee"), /got an array/);
  });

  it("reads booleans and the WCS string booleans, refusing anything else", () => {
    assert.equal(msgBoolean({ hasVideo: false }, "hasVideo"), false);
    assert.equal(msgBoolean({ hasVideo: "TRUE" }, "hasVideo"), true);
    assert.equal(msgBoolean({ hasVideo: " false " }, "hasVideo"), false);
    assert.equal(msgBoolean({}, "hasVideo"), undefined);
    assert.throws(() => msgBoolean({ hasVideo: "yes" }, "hasVideo"), { message: 'msg.hasVideo: expected true or false, got "yes"' });
    assert.throws(() => msgBoolean({ hasVideo: 1 }, "hasVideo"), /msg\.hasVideo/);
  });

  it("reads a choice case-insensitively and returns it as spelled in the list", () => {
    assert.equal(msgChoice({ dtmfType: "info" }, "dtmfType", ["RFC2833", "INFO"] as const), "INFO");
    assert.throws(() => msgChoice({ dtmfType: "SIP" }, "dtmfType", ["RFC2833", "INFO"] as const), { message: 'msg.dtmfType: expected "RFC2833" or "INFO", got "SIP"' });
  });

  it("reads editor settings that may be text", () => {
    assert.equal(settingBoolean("false", true), false);
    assert.equal(settingBoolean(undefined, true), true);
    assert.equal(settingNumber("5070", 5060), 5070);
    assert.equal(settingNumber("", 5060), 5060);
    assert.ok(Number.isNaN(settingNumber("x", 5060)));
  });

  it("cuts long status texts", () => {
    assert.equal(statusText("short"), "short");
    const long = statusText("x".repeat(100));
    assert.equal(long.length, 60);
    assert.ok(long.endsWith("…"));
  });
});

describe("nodes/shared: RetryBackoff", () => {
  it("waits 5, 10, 20, 40, 60, 60 s between attempts, one pending at a time", () => {
    const timers = new FakeTimers();
    const backoff = new RetryBackoff({ timers });
    let runs = 0;
    const delays: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) {
      delays.push(backoff.schedule(() => runs++));
      assert.equal(backoff.schedule(() => runs++), undefined, "a second schedule while one waits does nothing");
      timers.advance(60_000);
    }
    assert.deepEqual(delays, [5000, 10000, 20000, 40000, 60000, 60000]);
    assert.equal(runs, 6);
  });

  it("starts over after reset() and cancels the waiting retry", () => {
    const timers = new FakeTimers();
    const backoff = new RetryBackoff({ timers });
    let runs = 0;
    backoff.schedule(() => runs++);
    timers.advance(5000);
    backoff.schedule(() => runs++);
    backoff.reset();
    assert.equal(timers.count, 0);
    assert.equal(backoff.schedule(() => runs++), 5000);
    timers.advance(5000);
    assert.equal(runs, 2);
  });

  it("refuses to schedule after dispose() and leaves no timer", () => {
    const timers = new FakeTimers();
    const backoff = new RetryBackoff({ timers });
    backoff.schedule(() => assert.fail("must not run"));
    backoff.dispose();
    assert.equal(timers.count, 0);
    assert.equal(backoff.schedule(() => assert.fail("must not run")), undefined);
    timers.advance(120_000);
  });
});

describe("nodes/shared: Ticker and formatDuration", () => {
  it("ticks every second while running and releases its interval on stop", () => {
    const timers = new FakeTimers();
    let ticks = 0;
    const ticker = new Ticker(() => ticks++, timers);
    ticker.start();
    ticker.start();
    timers.advance(3500);
    assert.equal(ticks, 3);
    ticker.stop();
    assert.equal(timers.count, 0);
    timers.advance(5000);
    assert.equal(ticks, 3);
  });

  it("formats hh:mm:ss", () => {
    assert.equal(formatDuration(0), "00:00:00");
    assert.equal(formatDuration(83_999), "00:01:23");
    assert.equal(formatDuration(3_600_000 + 61_000), "01:01:01");
    assert.equal(formatDuration(-5), "00:00:00");
  });
});

/** A stand-in call whose states the test emits. */
class FakeCall extends EventEmitter implements WaitableCall {
  readonly id = "c1";
  status: WaitableCall["status"] = "NEW";
  isClosed = false;

  to(status: CallStatus): void {
    this.status = status;
    this.emit("state", { callId: this.id, status } as CallStateEvent);
  }
}

describe("nodes/shared: waitEstablished", () => {
  it("resolves at once for an established call", async () => {
    const call = new FakeCall();
    call.status = CallStatus.ESTABLISHED;
    assert.equal(await waitEstablished(call, 1000, new FakeTimers()).promise, "established");
  });

  it("resolves when the call is answered, releasing its listener and timer", async () => {
    const call = new FakeCall();
    const timers = new FakeTimers();
    const wait = waitEstablished(call, 10_000, timers);
    call.to(CallStatus.RING);
    call.to(CallStatus.ESTABLISHED);
    assert.equal(await wait.promise, "established");
    assert.equal(call.listenerCount("state"), 0);
    assert.equal(timers.count, 0);
  });

  it("rejects when the call ends first, naming its state", async () => {
    const call = new FakeCall();
    const wait = waitEstablished(call, 10_000, new FakeTimers());
    call.to(CallStatus.BUSY);
    await assert.rejects(wait.promise, /call c1 ended \(BUSY\) before it was established/);
  });

  it("rejects after the timeout with the state the call is in", async () => {
    const call = new FakeCall();
    call.status = CallStatus.RING;
    const timers = new FakeTimers();
    const wait = waitEstablished(call, 10_000, timers);
    timers.advance(9_999);
    timers.advance(1);
    await assert.rejects(wait.promise, /was not established within 10 s \(RING\)/);
    assert.equal(call.listenerCount("state"), 0);
  });

  it("settles as cancelled on cancel()", async () => {
    const call = new FakeCall();
    const timers = new FakeTimers();
    const wait = waitEstablished(call, 10_000, timers);
    wait.cancel();
    assert.equal(await wait.promise, "cancelled");
    assert.equal(timers.count, 0);
  });

  it("rejects at once for a call that has ended", async () => {
    const call = new FakeCall();
    call.status = CallStatus.FINISH;
    await assert.rejects(waitEstablished(call, 10_000, new FakeTimers()).promise, /has ended \(FINISH\)/);
  });
});
