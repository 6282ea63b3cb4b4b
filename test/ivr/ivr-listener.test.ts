import { strict as assert } from "node:assert";
import { IvrWaitError, type IvrOutcome, type IvrWait } from "../../src/dtmf/ivr-wait";
import { MediaIvrListener, MEETING_AUDIO_MS, REPROMPT_EXTRA_QUIET_MS } from "../../src/ivr/ivr-listener";
import { FakeClock } from "../rtp/helpers/fake-clock";

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const SILENCE = 500;

/** Feeds `ms` of 20 ms frames, active or quiet, moving the clock with them. */
function feed(clock: FakeClock, l: MediaIvrListener, ms: number, active: boolean): void {
  for (let t = 0; t < ms; t += 20) {
    clock.advance(20);
    l.audioPacket(20);
    l.audioFrame(active);
  }
}

/** Moves time with no packets at all (an IVR that sends nothing while quiet). */
function idle(clock: FakeClock, ms: number): void {
  for (let t = 0; t < ms; t += 20) clock.advance(20);
}

function wait(kind: IvrWait["kind"], timeoutMs = 20_000): IvrWait {
  return { kind, timeoutMs, retries: 0 };
}

/** Starts listening and records how it settled. */
function listen(l: MediaIvrListener, w: IvrWait): { result?: IvrOutcome; error?: IvrWaitError } {
  const r: { result?: IvrOutcome; error?: IvrWaitError } = {};
  l.listen(w, SILENCE).then(
    (o) => (r.result = o),
    (e: IvrWaitError) => (r.error = e),
  );
  return r;
}

describe("MediaIvrListener: prompt, reply and joined from voice activity and video", () => {
  it("a prompt ends once its speech has been followed by the prompt silence; a sentence break does not end it", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("prompt"));
    feed(clock, l, 1500, true);
    feed(clock, l, 400, false); // a sentence break
    feed(clock, l, 1000, true);
    feed(clock, l, 480, false);
    await flush();
    assert.equal(r.result, undefined, "not yet: 480 ms quiet");
    feed(clock, l, 40, false);
    await flush();
    assert.deepEqual(r.result, { kind: "prompt-ended", speechMs: 2500 });
  });

  it("quiet without packets counts too (silence suppression): the timer ends the prompt", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("prompt"));
    feed(clock, l, 600, true);
    // 40 ms of the gap are allowed for a packet that is merely late.
    idle(clock, SILENCE + 60);
    await flush();
    assert.equal(r.result?.kind, "prompt-ended");
  });

  it("a decoder that falls behind (packets in, no frames out for a second) does not fake the end of a prompt", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("prompt"));
    feed(clock, l, 800, true);
    // The decoder stalls: a second of packets arrives, nothing is decoded.
    for (let t = 0; t < 1000; t += 20) {
      clock.advance(20);
      l.audioPacket(20);
    }
    await flush();
    assert.equal(r.result, undefined, "no verdict while the decoder is behind");
    // It catches up: the stalled second was still speech, then the prompt really ends.
    for (let t = 0; t < 1000; t += 20) l.audioFrame(true);
    feed(clock, l, SILENCE + 20, false);
    await flush();
    assert.deepEqual(r.result, { kind: "prompt-ended", speechMs: 1800 });
  });

  it("a click (under 200 ms of sound) is no prompt; a prompt that ended before the wait began is not taken again", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    feed(clock, l, 1000, true);
    feed(clock, l, 800, false);
    const r = listen(l, wait("prompt", 3000));
    feed(clock, l, 100, true);
    feed(clock, l, 1000, false);
    await flush();
    assert.equal(r.result, undefined);
    feed(clock, l, 2000, false);
    await flush();
    assert.ok(r.error instanceof IvrWaitError && r.error.reason === "no-prompt", String(r.error));
    assert.match(r.error.message, /\{prompt\}: no prompt heard .* within 3\.0 s/);
  });

  it("a prompt that started before the wait and is still going counts", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    feed(clock, l, 1000, true);
    const r = listen(l, wait("prompt"));
    feed(clock, l, 200, true);
    feed(clock, l, SILENCE + 20, false);
    await flush();
    assert.deepEqual(r.result, { kind: "prompt-ended", speechMs: 1200 });
  });

  it("sound that never pauses times out as prompt-not-ended", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("prompt", 2000));
    feed(clock, l, 2100, true);
    await flush();
    assert.equal(r.error?.reason, "prompt-not-ended");
  });

  it("reply: speech after the keys, or the end of speech that was going on", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const spoke = listen(l, wait("reply"));
    idle(clock, 1000);
    feed(clock, l, 220, true);
    await flush();
    assert.deepEqual(spoke.result, { kind: "replied", how: "spoke" });
    feed(clock, l, 500, true);
    const quiet = listen(l, wait("reply"));
    feed(clock, l, SILENCE + 20, false);
    await flush();
    assert.deepEqual(quiet.result, { kind: "replied", how: "went-quiet" });
    const none = listen(l, wait("reply", 1000));
    idle(clock, 1020);
    await flush();
    assert.equal(none.error?.reason, "no-reply");
    const video = listen(l, wait("reply"));
    for (let i = 0; i < 3; i++) {
      clock.advance(40);
      l.videoPacket();
    }
    await flush();
    assert.deepEqual(video.result, { kind: "replied", how: "video" });
  });

  it("reply: speech that began with the keys, before the wait started, is the reply (spoke), and a prompt wait after it still sees that prompt end", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    feed(clock, l, 1000, true);
    feed(clock, l, 1000, false);
    l.keySent();
    feed(clock, l, 200, false);
    // The bridge took "#" at its first packet and speaks while the key's last packets go out.
    feed(clock, l, 100, true);
    const r = listen(l, wait("reply"));
    feed(clock, l, 120, true);
    await flush();
    assert.deepEqual(r.result, { kind: "replied", how: "spoke" });
    const p = listen(l, wait("prompt"));
    feed(clock, l, 2000, true);
    feed(clock, l, SILENCE + 20, false);
    await flush();
    assert.deepEqual(p.result, { kind: "prompt-ended", speechMs: 2220 });
  });

  it("joined: video that starts (3 packets) after the keys, even before the wait began; video already flowing does not count", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    l.keySent();
    clock.advance(100);
    // The far end joined on "#" and its video came before the key's last packet left.
    l.videoPacket();
    l.videoPacket();
    clock.advance(50);
    const r = listen(l, wait("joined"));
    await flush();
    assert.equal(r.result, undefined, "two stray packets are not video");
    l.videoPacket();
    await flush();
    assert.deepEqual(r.result, { kind: "joined", by: "video" });
    const flowing = listen(l, wait("joined", 1000));
    for (let i = 0; i < 50; i++) {
      clock.advance(40);
      l.videoPacket();
    }
    await flush();
    assert.equal(flowing.error?.reason, "not-joined", "the IVR's own picture is no join");
  });

  it(`joined: sound with no prompt pause for ${MEETING_AUDIO_MS / 1000} s is the meeting`, async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("joined"));
    feed(clock, l, MEETING_AUDIO_MS - 40, true);
    await flush();
    assert.equal(r.result, undefined);
    feed(clock, l, 60, true);
    await flush();
    assert.deepEqual(r.result, { kind: "joined", by: "audio" });
  });

  it(`re-prompt: speech, then quiet for the prompt silence + ${REPROMPT_EXTRA_QUIET_MS} ms, with no meeting media`, async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("joined"));
    idle(clock, 300);
    feed(clock, l, 3000, true);
    feed(clock, l, SILENCE + REPROMPT_EXTRA_QUIET_MS - 40, false);
    await flush();
    assert.equal(r.result, undefined);
    feed(clock, l, 60, false);
    await flush();
    assert.deepEqual(r.result, { kind: "reprompt", speechMs: 3000 });
  });

  it("close() rejects the pending wait with the error given, and later waits", async () => {
    const clock = new FakeClock();
    const l = new MediaIvrListener(clock);
    const r = listen(l, wait("prompt"));
    l.close(new Error("call ended"));
    await flush();
    assert.equal(r.error?.message, "call ended");
    await assert.rejects(l.listen(wait("prompt"), SILENCE), IvrWaitError);
  });
});
