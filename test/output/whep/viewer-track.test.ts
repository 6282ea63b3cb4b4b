import assert from "node:assert/strict";
import { RtpHeader, RtpPacket } from "werift-rtp";
import { GopCache, GOP_CACHE_MAX_PACKETS } from "../../../src/output/whep/gop-cache";
import { KeyframeThrottle } from "../../../src/output/whep/keyframe-throttle";
import { ViewerTrack } from "../../../src/output/whep/viewer-track";

const SPS = Buffer.from([0x67, 0x42, 0xe0, 0x1f]);
const IDR = Buffer.from([0x65, 0x88, 0x84]);
const P = Buffer.from([0x41, 0x9a, 0x02]);

function rtp(o: { pt?: number; ssrc?: number; seq: number; ts: number; marker?: boolean; payload?: Buffer }): RtpPacket {
  return new RtpPacket(new RtpHeader({ payloadType: o.pt ?? 96, ssrc: o.ssrc ?? 0x1234, sequenceNumber: o.seq & 0xffff, timestamp: o.ts >>> 0, marker: o.marker ?? true }), o.payload ?? P);
}

function videoTrack(): ViewerTrack {
  return new ViewerTrack({ kind: "video", codec: "H264", clockRate: 90000, payloadTypes: [96] });
}

describe("ViewerTrack: what one viewer gets of one medium", () => {
  it("video starts at a keyframe; the P-frames before it are dropped and counted", () => {
    const t = videoTrack();
    assert.equal(t.processInput(rtp({ seq: 1, ts: 0 }), 0), undefined);
    const sps = t.processInput(rtp({ seq: 2, ts: 3600, payload: SPS, marker: false }), 40);
    assert.ok(sps);
    assert.ok(t.processInput(rtp({ seq: 3, ts: 3600, payload: IDR }), 40));
    assert.ok(t.processInput(rtp({ seq: 4, ts: 7200 }), 80));
    assert.deepEqual({ forwarded: t.toJSON().forwarded, waiting: t.toJSON().waitingForKeyframe }, { forwarded: 3, waiting: 1 });
  });

  it("drops payload types other than the call's codec (telephone-event)", () => {
    const t = new ViewerTrack({ kind: "audio", codec: "PCMU", clockRate: 8000, payloadTypes: [0] });
    assert.ok(t.processInput(rtp({ pt: 0, seq: 1, ts: 0, payload: Buffer.alloc(160) }), 0));
    assert.equal(t.processInput(rtp({ pt: 101, seq: 2, ts: 160, payload: Buffer.alloc(4) }), 20), undefined);
    assert.equal(t.toJSON().otherPayload, 1);
  });

  it("keeps one continuous stream across the peer's SSRC change: sequence +1, timestamps at the arrival pace, one SSRC", () => {
    const t = new ViewerTrack({ kind: "audio", codec: "PCMU", clockRate: 8000, payloadTypes: [0] });
    const out: RtpPacket[] = [];
    for (let i = 0; i < 5; i++) out.push(t.processInput(rtp({ pt: 0, ssrc: 1, seq: 100 + i, ts: 1000 + i * 160 }), i * 20)!);
    for (let i = 0; i < 5; i++) out.push(t.processInput(rtp({ pt: 0, ssrc: 2, seq: 40000 + i, ts: 9_000_000 + i * 160 }), 100 + i * 20)!);
    for (let i = 1; i < out.length; i++) {
      assert.equal(out[i].header.sequenceNumber, (out[i - 1].header.sequenceNumber + 1) & 0xffff, `seq at ${i}`);
      assert.equal(out[i].header.ssrc, out[0].header.ssrc);
      assert.equal((out[i].header.timestamp - out[i - 1].header.timestamp) >>> 0, 160, `timestamp step at ${i}`);
    }
  });

  it("never changes the packet it was given (the call's other consumers get the same object)", () => {
    const t = new ViewerTrack({ kind: "audio", codec: "PCMU", clockRate: 8000, payloadTypes: [0] });
    t.processInput(rtp({ pt: 0, ssrc: 1, seq: 100, ts: 1000 }), 0);
    const second = rtp({ pt: 0, ssrc: 2, seq: 5, ts: 77 });
    const out = t.processInput(second, 20)!;
    assert.notEqual(out, second);
    assert.deepEqual([second.header.ssrc, second.header.sequenceNumber, second.header.timestamp], [2, 5, 77]);
  });

  it("prime: the cached group is sent in order, its frames' timestamps 1 tick apart ending at the newest; live packets go on from there", () => {
    const t = videoTrack();
    const cached = [
      { packet: rtp({ seq: 10, ts: 90000, payload: SPS, marker: false }), arrivalMs: 0 },
      { packet: rtp({ seq: 11, ts: 90000, payload: IDR }), arrivalMs: 0 },
      { packet: rtp({ seq: 12, ts: 93600 }), arrivalMs: 40 },
      { packet: rtp({ seq: 13, ts: 97200 }), arrivalMs: 80 },
    ];
    const out = t.prime(cached);
    assert.deepEqual(out.map((p) => p.header.sequenceNumber), [10, 11, 12, 13]);
    assert.deepEqual(out.map((p) => p.header.timestamp), [97198, 97198, 97199, 97200]);
    const live = t.processInput(rtp({ seq: 14, ts: 100800 }), 120)!;
    assert.deepEqual([live.header.sequenceNumber, live.header.timestamp], [14, 100800]);
  });
});

describe("GopCache: the call's video since its latest keyframe", () => {
  it("starts a new group at each keyframe and holds nothing before the first", () => {
    const c = new GopCache("H264");
    c.add(rtp({ seq: 1, ts: 0 }), 0);
    assert.equal(c.snapshot().length, 0);
    c.add(rtp({ seq: 2, ts: 3600, payload: SPS, marker: false }), 40);
    c.add(rtp({ seq: 3, ts: 3600, payload: IDR }), 40);
    c.add(rtp({ seq: 4, ts: 7200 }), 80);
    assert.deepEqual(c.snapshot().map((p) => p.packet.header.sequenceNumber), [2, 3, 4]);
    c.add(rtp({ seq: 5, ts: 10800, payload: IDR }), 120);
    assert.deepEqual(c.snapshot().map((p) => p.packet.header.sequenceNumber), [5]);
  });

  it("gives up a group that outgrows its bounds until the next keyframe; never caches a codec it cannot read", () => {
    const c = new GopCache("H264");
    c.add(rtp({ seq: 0, ts: 0, payload: IDR }), 0);
    for (let i = 1; i <= GOP_CACHE_MAX_PACKETS; i++) c.add(rtp({ seq: i, ts: i * 3600 }), i);
    assert.equal(c.snapshot().length, 0);
    const other = new GopCache("H263");
    other.add(rtp({ seq: 1, ts: 0, payload: IDR }), 0);
    assert.equal(other.snapshot().length, 0);
  });
});

describe("KeyframeThrottle: many viewers' keyframe requests, one stream of requests to the peer", () => {
  it("sends the first at once and folds those within the interval into one at its end", async () => {
    let sent = 0;
    const k = new KeyframeThrottle(() => sent++, 100);
    k.request();
    k.request();
    k.request();
    assert.equal(sent, 1);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(sent, 2);
    assert.deepEqual(k.toJSON(), { sent: 2, coalesced: 2 });
    k.close();
  });
});
