import { strict as assert } from "node:assert";
import { SessionRefresher, parseSessionExpires, sessionExpiresHeader, type SessionExpires } from "../../src/call/session-timer";
import { FakeClock } from "../rtp/helpers/fake-clock";

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("Session-Expires (RFC 4028)", () => {
  it("parses the interval and the refresher", () => {
    assert.deepEqual(parseSessionExpires("4;refresher=uac"), { seconds: 4, refresher: "uac" });
    assert.deepEqual(parseSessionExpires(" 1800 ; Refresher = UAS "), { seconds: 1800, refresher: "uas" });
    assert.deepEqual(parseSessionExpires("90"), { seconds: 90 });
    assert.deepEqual(parseSessionExpires("90;foo=bar;refresher=xyz"), { seconds: 90 });
    assert.equal(parseSessionExpires(undefined), undefined);
    assert.equal(parseSessionExpires("abc"), undefined);
    assert.equal(parseSessionExpires("0"), undefined);
    assert.equal(parseSessionExpires("-5;refresher=uac"), undefined);
    assert.equal(sessionExpiresHeader({ seconds: 4, refresher: "uas" }), "Session-Expires: 4;refresher=uac");
  });
});

describe("SessionRefresher", () => {
  it("refreshes at half the interval after each 2xx while we are the refresher", async () => {
    const clock = new FakeClock();
    const calls: Array<{ at: number; se: SessionExpires }> = [];
    let answer: SessionExpires | undefined = { seconds: 10, refresher: "uac" };
    const r = new SessionRefresher({ clock, refresh: async (se) => (calls.push({ at: clock.now(), se }), answer) });
    r.apply({ seconds: 4, refresher: "uac" });
    clock.advance(1999);
    assert.equal(calls.length, 0);
    clock.advance(1);
    await flush();
    assert.deepEqual(calls, [{ at: 2000, se: { seconds: 4, refresher: "uac" } }]);
    assert.equal(r.refreshes, 1);
    // The refresh's 2xx said 10 s: the next one is 5 s later.
    clock.advance(4999);
    await flush();
    assert.equal(calls.length, 1);
    answer = undefined; // this 2xx drops the header: the timer is off (RFC 4028 §7.2)
    clock.advance(1);
    await flush();
    assert.equal(calls[1].at, 7000);
    clock.advance(60_000);
    await flush();
    assert.equal(calls.length, 2);
    assert.equal(clock.pending, 0);
    r.close();
  });

  it("treats a missing refresher as ours and refresher=uas as the peer's job", async () => {
    const clock = new FakeClock();
    let count = 0;
    const r = new SessionRefresher({ clock, refresh: async () => (count++, undefined) });
    r.apply({ seconds: 2 });
    clock.advance(1000);
    await flush();
    assert.equal(count, 1);
    r.apply({ seconds: 2, refresher: "uas" });
    assert.equal(clock.pending, 0);
    r.close();
  });

  it("retries a failed refresh after another half interval and reports the error", async () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    let fail = true;
    let count = 0;
    const r = new SessionRefresher({
      clock,
      refresh: async (se) => {
        count++;
        if (fail) throw new Error("re-INVITE refused: 491 Request Pending");
        return se;
      },
      onError: (e) => errors.push((e as Error).message),
    });
    r.apply({ seconds: 4, refresher: "uac" });
    clock.advance(2000);
    await flush();
    assert.deepEqual(errors, ["re-INVITE refused: 491 Request Pending"]);
    fail = false;
    clock.advance(2000);
    await flush();
    assert.equal(count, 2);
    assert.equal(r.refreshes, 1);
    r.close();
    assert.equal(clock.pending, 0);
  });

  it("close() cancels the timer and ignores a refresh that completes afterwards", async () => {
    const clock = new FakeClock();
    let finish: ((se: SessionExpires) => void) | undefined;
    const r = new SessionRefresher({ clock, refresh: () => new Promise((resolve) => (finish = resolve)) });
    r.apply({ seconds: 4 });
    clock.advance(2000);
    r.close();
    finish?.({ seconds: 4 });
    await flush();
    assert.equal(clock.pending, 0);
    assert.equal(r.refreshes, 0);
  });
});
