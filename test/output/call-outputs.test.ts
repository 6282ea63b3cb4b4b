import assert from "node:assert/strict";
import { ConfigError, InvalidStateError } from "../../src/errors";
import { CallOutputs, type OutputEvent } from "../../src/output/call-outputs";
import { defaultSinkKinds } from "../../src/output/kinds";
import type { OutputSnapshot, PublishStatus, Sink, SinkContext, SinkEvents, SinkKind, SinkSettings } from "../../src/output/sink";
import { SinkRegistry } from "../../src/output/sink-registry";
import type { MediaKind, RtpChannel } from "../../src/rtp";
import type { NegotiatedMedia, NegotiatedStream } from "../../src/sdp";
import { silentLogger } from "../../src/util/logger";
import { TypedEmitter } from "../../src/util/typed-emitter";

/** A channel that counts keyframe requests and listeners. */
class FakeChannel extends TypedEmitter<{ rtp: [unknown, Buffer]; keyframe: [] }> {
  keyframeRequests = 0;
  requestKeyframe(): boolean {
    this.keyframeRequests++;
    return true;
  }
  latestSenderReport(): undefined {
    return undefined;
  }
  arrivalAnchor(): undefined {
    return undefined;
  }
}

/** A target of the test kind. */
interface ProbeTarget {
  probe: string;
}

/** A sink of the test kind: listens to the audio channel, releases after `releaseMs`. */
class ProbeSink extends TypedEmitter<SinkEvents> implements Sink {
  readonly kind = "probe";
  readonly id: string;
  readonly target: string;
  status: PublishStatus = "STARTING";
  started = false;
  closes = 0;
  released = false;
  #closing: Promise<void> | undefined;
  readonly #onRtp = (): void => undefined;

  constructor(
    target: ProbeTarget,
    readonly settings: SinkSettings,
    readonly ctx: SinkContext,
    readonly releaseMs: number,
  ) {
    super();
    this.id = ctx.outputId;
    this.target = target.probe;
  }
  start(): void {
    this.started = true;
    this.ctx.channels.get("audio")?.on("rtp", this.#onRtp);
    this.status = "PUBLISHING";
    this.safeEmit("status", "PUBLISHING", "", undefined);
  }
  fail(): void {
    this.status = "FAILED";
    this.safeEmit("status", "FAILED", "PROBE_BROKE", "it broke");
    void this.close();
  }
  close(): Promise<void> {
    this.closes++;
    if (!this.#closing) {
      this.ctx.channels.get("audio")?.off("rtp", this.#onRtp);
      this.#closing = new Promise((resolve) => setTimeout(resolve, this.releaseMs)).then(() => void (this.released = true));
      this.safeEmit("@close");
    }
    return this.#closing;
  }
  snapshot(): OutputSnapshot {
    return { id: this.id, kind: this.kind, status: this.status, target: this.target, since: 0, reconnects: 0 };
  }
  toJSON(): Record<string, unknown> {
    return { ...this.snapshot() };
  }
}

/** The test kind: takes `{ probe }`, refuses an empty name. */
function probeKind(made: ProbeSink[], releaseMs = 0): SinkKind<ProbeTarget> {
  return {
    kind: "probe",
    shape: "{ probe }",
    accepts: (t) => "probe" in t,
    resolve(t) {
      const probe = (t as ProbeTarget).probe;
      if (typeof probe !== "string" || probe === "") throw new ConfigError("probe: expected a name");
      return { probe };
    },
    create(target, settings, ctx) {
      const sink = new ProbeSink(target, settings, ctx, releaseMs);
      made.push(sink);
      return sink;
    },
  };
}

const stream = (kind: MediaKind): NegotiatedStream =>
  ({ kind, codec: kind === "audio" ? "PCMU" : "H264", payloadType: kind === "audio" ? 0 : 96, receivePayloadTypes: [], clockRate: kind === "audio" ? 8000 : 90000 }) as unknown as NegotiatedStream;

function setUp(kinds: SinkRegistry, maxOutputs = 4): { outputs: CallOutputs; events: OutputEvent[]; audio: FakeChannel; video: FakeChannel; lastFailed: string[] } {
  const audio = new FakeChannel();
  const video = new FakeChannel();
  const events: OutputEvent[] = [];
  const lastFailed: string[] = [];
  const outputs = new CallOutputs({
    callId: "c1",
    kinds,
    settings: { publishStatsIntervalMs: 1000 },
    jitterBufferMs: 20,
    maxOutputs,
    limitError: (max) => new Error(`limit ${max}`),
    requestPictureFastUpdate: () => undefined,
    emit: (e) => events.push(e),
    onLastOutputFailed: (reason) => lastFailed.push(reason),
    logger: silentLogger,
  });
  const negotiated: NegotiatedMedia = { audio: stream("audio"), video: stream("video") };
  const channels = new Map<MediaKind, RtpChannel>([
    ["audio", audio as unknown as RtpChannel],
    ["video", video as unknown as RtpChannel],
  ]);
  outputs.attach({ negotiated, channels });
  return { outputs, events, audio, video, lastFailed };
}

describe("output/the output seam", () => {
  it("the registry picks the kind that takes a target, and refuses a target no kind takes", () => {
    const kinds = defaultSinkKinds({ resolveFfmpeg: () => "ffmpeg" }).register(probeKind([]));
    assert.deepEqual(kinds.kinds, ["rtmp", "record", "probe"]);
    assert.equal(kinds.kindFor({ rtmpUrl: "rtmp://h/app", rtmpStream: "k" })?.kind, "rtmp");
    assert.equal(kinds.kindFor({ recordPath: "/tmp/x.mp4" })?.kind, "record");
    assert.equal(kinds.kindFor({ probe: "p" })?.kind, "probe");
    assert.equal(kinds.kindFor({ nothing: 1 }), undefined);
    assert.equal(kinds.kindFor("rtmp://h/app"), undefined);
    assert.throws(() => kinds.resolve({ nothing: 1 }, {}), (e: unknown) => e instanceof ConfigError && /\{ rtmpUrl, rtmpStream\? \} or \{ recordPath, format\? \} or \{ probe \}/.test(e.message));
    assert.throws(() => kinds.resolve({ probe: "" }, {}), (e: unknown) => e instanceof ConfigError && /probe/.test(e.message));
    assert.throws(() => kinds.register(probeKind([])), /registered twice/);
  });

  it("checks an RTMP target once, in its kind's resolve(): rtmpt:// and a bad stream name are refused there", () => {
    const kinds = defaultSinkKinds({ resolveFfmpeg: () => "ffmpeg" });
    const ok = kinds.resolve({ rtmpUrl: "rtmp://h/app/", rtmpStream: "key" }, {});
    assert.deepEqual(ok.target, { kind: "rtmp", url: "rtmp://h/app/key", tlsVerify: true });
    assert.throws(() => kinds.resolve({ rtmpUrl: "rtmpt://h/app", rtmpStream: "key" }, {}), (e: unknown) => e instanceof ConfigError && /rtmpUrl/.test(e.message));
    assert.throws(() => kinds.resolve({ rtmpUrl: "rtmp://h/app", rtmpStream: "a key" }, {}), (e: unknown) => e instanceof ConfigError && /rtmpStream/.test(e.message));
  });

  it("runs a kind plugged into the registry, with no change to the call: context, settings, events, snapshot", () => {
    const made: ProbeSink[] = [];
    const { outputs, events } = setUp(new SinkRegistry().register(probeKind(made)));
    const id = outputs.publish({ probe: "viewer-1" }, { id: "v1", publishStatsIntervalMs: 250 });
    assert.equal(id, "v1");
    const sink = made[0];
    assert.ok(sink.started);
    assert.equal(sink.ctx.callId, "c1");
    assert.equal(sink.ctx.outputId, "v1");
    assert.equal(sink.ctx.media.video?.codec, "H264");
    assert.deepEqual([...sink.ctx.channels.keys()], ["audio", "video"]);
    assert.equal(sink.settings.publishStatsIntervalMs, 250, "a per-output setting overrides the call's");
    assert.equal(sink.settings.jitterBufferMs, 20);
    assert.deepEqual(events, [{ outputId: "v1", kind: "probe", target: "viewer-1", status: "PUBLISHING", reason: "" }]);
    assert.deepEqual(outputs.list().map((s) => [s.id, s.kind, s.status]), [["v1", "probe", "PUBLISHING"]]);
    assert.throws(() => outputs.publish({ probe: "" }), ConfigError);
  });

  it("rate-limits the keyframe requests of all the call's sinks together", () => {
    const made: ProbeSink[] = [];
    const { outputs, video } = setUp(new SinkRegistry().register(probeKind(made)));
    outputs.publish({ probe: "a" });
    outputs.publish({ probe: "b" });
    assert.equal(made[0].ctx.requestKeyframe(), true);
    assert.equal(made[1].ctx.requestKeyframe(), false, "a second request within the gap is dropped");
    assert.equal(video.keyframeRequests, 1);
  });

  it("closing the call's outputs closes every sink and waits until each has released what it owned", async () => {
    const made: ProbeSink[] = [];
    const { outputs, audio } = setUp(new SinkRegistry().register(probeKind(made, 30)));
    outputs.publish({ probe: "a" });
    outputs.publish({ probe: "b" });
    outputs.publish({ probe: "c" });
    outputs.unpublish("out-1");
    assert.equal(audio.listenerCount("rtp"), 2);
    await outputs.close();
    assert.deepEqual(made.map((s) => s.released), [true, true, true], "the close waits for the one stopped before too");
    assert.equal(audio.listenerCount("rtp"), 0, "no sink keeps a listener on the call's channels");
    assert.deepEqual(outputs.list(), []);
    assert.throws(() => outputs.publish({ probe: "d" }), InvalidStateError);
    await outputs.close();
  });

  it("reports a sink that failed for good once no other output runs", () => {
    const made: ProbeSink[] = [];
    const { outputs, events, lastFailed } = setUp(new SinkRegistry().register(probeKind(made)));
    outputs.publish({ probe: "a" });
    outputs.publish({ probe: "b" });
    made[0].fail();
    assert.deepEqual(lastFailed, []);
    made[1].fail();
    assert.deepEqual(lastFailed, ["PROBE_BROKE"]);
    assert.deepEqual(events.filter((e) => e.status === "FAILED").map((e) => [e.outputId, e.reason, e.detail]), [
      ["out-1", "PROBE_BROKE", "it broke"],
      ["out-2", "PROBE_BROKE", "it broke"],
    ]);
  });

  it("tells every running output of a change of the negotiated media (a re-INVITE's new codec), once, and no other re-INVITE", () => {
    const made: ProbeSink[] = [];
    const { outputs, audio, video } = setUp(new SinkRegistry().register(probeKind(made)));
    let negotiated: NegotiatedMedia = { audio: stream("audio"), video: stream("video") };
    const channels = new Map<MediaKind, RtpChannel>([
      ["audio", audio as unknown as RtpChannel],
      ["video", video as unknown as RtpChannel],
    ]);
    outputs.attach({ get negotiated() { return negotiated; }, channels });
    outputs.publish({ probe: "a" }, { id: "a" });
    outputs.publish({ probe: "b" }, { id: "b" });
    const heard: string[] = [];
    const stopA = made[0].ctx.onMediaChange((media, change) => heard.push(`a ${media.audio?.codec} ${change}`));
    made[1].ctx.onMediaChange((media, change) => heard.push(`b ${media.audio?.codec} ${change}`));
    // A media move (new port): not a change.
    negotiated = { ...negotiated, audio: { ...stream("audio"), remoteRtpPort: 50000 } as NegotiatedStream };
    assert.equal(outputs.mediaChanged(), undefined);
    negotiated = { ...negotiated, audio: { ...stream("audio"), codec: "PCMA", payloadType: 8 } as NegotiatedStream };
    assert.equal(outputs.mediaChanged(), "audio PCMU/8000 pt 0 → PCMA/8000 pt 8");
    assert.deepEqual(heard, ["a PCMA audio PCMU/8000 pt 0 → PCMA/8000 pt 8", "b PCMA audio PCMU/8000 pt 0 → PCMA/8000 pt 8"]);
    // The same media again (a session refresh): nothing; an output that unsubscribed hears nothing more.
    assert.equal(outputs.mediaChanged(), undefined);
    stopA();
    negotiated = { ...negotiated, audio: stream("audio") };
    outputs.mediaChanged();
    assert.deepEqual(heard.slice(2), ["b PCMU audio PCMA/8000 pt 8 → PCMU/8000 pt 0"]);
  });
});
