import assert from "node:assert/strict";
import { StreamRegistry, whepKind } from "../../../src/output/whep";
import type { SinkContext } from "../../../src/output/sink";
import { TypedEmitter } from "../../../src/util/typed-emitter";

class FakeChannel extends TypedEmitter<{ rtp: [unknown, Buffer]; keyframe: [] }> {
  latestSenderReport(): undefined {
    return undefined;
  }
  arrivalAnchor(): undefined {
    return undefined;
  }
}

function context(counts: { rtcp: number; info: number }): SinkContext {
  const video = new FakeChannel();
  return {
    callId: "c1",
    outputId: "whep",
    media: {},
    channels: new Map([["video", video]]) as unknown as SinkContext["channels"],
    requestKeyframe: () => (counts.rtcp++, true),
    requestPictureFastUpdate: () => void counts.info++,
    onMediaChange: () => () => undefined,
    logger: { log: () => undefined },
  };
}

describe("the whep output kind", () => {
  it("takes { toStream }, checks the name, reserves it for the call; the sink is live from start() to close(), which frees the name", async () => {
    const streams = new StreamRegistry();
    const kind = whepKind(streams);
    assert.equal(kind.accepts({ toStream: "x" }), true);
    assert.equal(kind.accepts({ rtmpUrl: "rtmp://h/a" }), false);
    assert.throws(() => kind.resolve({ toStream: "a b" }, {}), /toStream: expected 1–64 characters/);
    const counts = { rtcp: 0, info: 0 };
    const sink = kind.create(kind.resolve({ toStream: "live1" }, {}), { jitterBufferMs: 0 }, context(counts));
    const statuses: string[] = [];
    sink.on("status", (s) => statuses.push(s));
    assert.throws(() => streams.reserve("live1", "other-call"), /used by call c1/);
    assert.equal(streams.isLive("live1"), false);
    sink.start();
    assert.equal(streams.isLive("live1"), true);
    assert.deepEqual(sink.snapshot(), { id: "whep", kind: "whep", status: "PUBLISHING", target: "live1", since: sink.snapshot().since, reconnects: 0 });
    await sink.close();
    assert.deepEqual(statuses, ["PUBLISHING", "STOPPED"]);
    assert.equal(streams.has("live1"), false);
    streams.reserve("live1", "other-call");
  });

  it("viewers' keyframe requests go through the call's limiter; every 4th unanswered one adds a SIP INFO picture_fast_update", () => {
    const streams = new StreamRegistry();
    const counts = { rtcp: 0, info: 0 };
    const ctx = context(counts);
    const sink = whepKind(streams).create("kf", { jitterBufferMs: 0 }, ctx);
    let source: { requestKeyframe(): void } | undefined;
    const attach = streams.attach.bind(streams);
    streams.attach = (name, s) => {
      source = s;
      attach(name, s);
    };
    sink.start();
    for (let i = 0; i < 4; i++) source!.requestKeyframe();
    assert.deepEqual(counts, { rtcp: 4, info: 1 });
    (ctx.channels.get("video") as unknown as FakeChannel).safeEmit("keyframe");
    for (let i = 0; i < 3; i++) source!.requestKeyframe();
    assert.deepEqual(counts, { rtcp: 7, info: 1 }, "a keyframe starts the count again");
    void sink.close();
  });
});
