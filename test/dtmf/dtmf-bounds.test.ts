import { strict as assert } from "node:assert";
import { ConfigError, InvalidStateError } from "../../src/errors";
import { MAX_DTMF_KEYS, parseDtmfDigits } from "../../src/dtmf/dtmf-digits";
import { DtmfSender, MAX_PENDING_DTMF_SEQUENCES, type DtmfTransport } from "../../src/dtmf/dtmf-sender";
import { FakeClock } from "../rtp/helpers/fake-clock";

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A transport whose RFC 4733 keys take 10 ms of fake time each. */
function transport(clock: FakeClock, sent: number[]): DtmfTransport {
  return {
    sendEvent: (code) => {
      sent.push(code);
      return new Promise((resolve) => clock.setTimeout(resolve, 10));
    },
    sendInfo: () => Promise.resolve(),
  };
}

describe("DTMF bounds", () => {
  it("a request holds at most MAX_DTMF_KEYS (64) keys, pauses included", () => {
    assert.equal(MAX_DTMF_KEYS, 64);
    assert.equal(parseDtmfDigits("1,".repeat(32)).length, 64);
    assert.throws(() => parseDtmfDigits("1,".repeat(32) + "1"), (e: Error) => e instanceof ConfigError && /^dtmf: 65 keys, at most 64/.test(e.message));
    assert.throws(() => parseDtmfDigits(",".repeat(65)), ConfigError);
  });

  it("a 1 MB digit string is refused at once, before anything is queued or planned", async () => {
    const clock = new FakeClock();
    const sent: number[] = [];
    const sender = new DtmfSender({ transport: transport(clock, sent), clock });
    const before = process.memoryUsage().heapUsed;
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await assert.rejects(sender.send("1".repeat(1 << 20)), (e: Error) => e instanceof ConfigError && /^dtmf: 1048576 keys, at most 64/.test(e.message));
    }
    assert.ok(Date.now() - started < 500, "refused without parsing a megabyte three times");
    assert.ok(process.memoryUsage().heapUsed - before < 32 * 1024 * 1024, "no per-key plan was built");
    assert.equal(sender.queued, 0);
    await flush();
    assert.deepEqual(sent, []);
    sender.close();
  });

  it("a call holds at most MAX_PENDING_DTMF_SEQUENCES (8) sequences; the next is a ConfigError until one finishes", async () => {
    assert.equal(MAX_PENDING_DTMF_SEQUENCES, 8);
    const clock = new FakeClock();
    const sent: number[] = [];
    const sender = new DtmfSender({ transport: transport(clock, sent), clock });
    const accepted = Array.from({ length: 8 }, (_, i) => sender.send(String(i), { gapMs: 0 }));
    assert.equal(sender.queued, 8);
    await assert.rejects(sender.send("9"), (e: Error) => e instanceof ConfigError && /at most 8 \(MAX_PENDING_DTMF_SEQUENCES\) per call/.test(e.message));
    assert.equal(sender.queued, 8, "the refused one was not queued");
    // The first sequence finishes after 10 ms: there is room for one more.
    await flush();
    clock.advance(10);
    await accepted[0];
    assert.equal(sender.queued, 7);
    const ninth = sender.send("9");
    for (let i = 0; i < 20; i++) {
      await flush();
      clock.advance(10);
    }
    await Promise.all([...accepted, ninth]);
    assert.deepEqual(sent, [0, 1, 2, 3, 4, 5, 6, 7, 9]);
    assert.equal(sender.queued, 0);
    sender.close();
  });

  it("sequences rejected by close() leave the queue empty", async () => {
    const clock = new FakeClock();
    const sender = new DtmfSender({ transport: transport(clock, []), clock });
    const runs = Array.from({ length: 8 }, () => sender.send("1").catch((e: Error) => e));
    sender.close();
    clock.advance(10);
    for (const r of await Promise.all(runs)) assert.ok(r instanceof InvalidStateError);
    assert.equal(sender.queued, 0);
  });
});
