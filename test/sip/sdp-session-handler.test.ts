import { strict as assert } from "node:assert";
import { SdpSessionHandler } from "../../src/sip/sdp-session-handler";
import type { MediaNegotiator } from "../../src/sip/media-negotiator";

class RecordingNegotiator implements MediaNegotiator {
  readonly seen: string[] = [];
  failAnswer = false;
  createOffer(): string {
    this.seen.push("offer");
    return "v=0 offer";
  }
  applyAnswer(sdp: string): void {
    this.seen.push(`answer:${sdp}`);
    if (this.failAnswer) throw Object.assign(new Error("no common codecs"), { code: "NO_COMMON_CODECS" });
  }
  answerOffer(sdp: string): string {
    this.seen.push(`remote-offer:${sdp}`);
    return `v=0 answer to ${sdp}`;
  }
}

describe("SdpSessionHandler", () => {
  it("treats setDescription after our offer as the answer, and a later one as the peer's re-offer", async () => {
    const n = new RecordingNegotiator();
    const h = new SdpSessionHandler(n);
    assert.deepEqual(await h.getDescription(), { body: "v=0 offer", contentType: "application/sdp" });
    await h.setDescription("A");
    await h.setDescription("HOLD");
    assert.deepEqual(await h.getDescription(), { body: "v=0 answer to HOLD", contentType: "application/sdp" });
    assert.deepEqual(n.seen, ["offer", "answer:A", "remote-offer:HOLD"]);
  });

  it("keeps the error of a rejected answer for the call to report", async () => {
    const n = new RecordingNegotiator();
    n.failAnswer = true;
    const h = new SdpSessionHandler(n);
    await h.getDescription();
    await assert.rejects(h.setDescription("bad"), /no common codecs/);
    assert.equal((h.lastError as Error & { code: string }).code, "NO_COMMON_CODECS");
    assert.equal(h.hasDescription("application/SDP"), true);
    assert.equal(h.hasDescription("text/plain"), false);
  });

  it("shows every SDP to its observer, both ways and re-INVITEs included, a rejected answer too", async () => {
    const n = new RecordingNegotiator();
    const seen: string[] = [];
    const h = new SdpSessionHandler(n, (exchange, sdp) => seen.push(`${exchange}: ${sdp}`));
    await h.getDescription();
    await h.setDescription("A");
    await h.setDescription("HOLD");
    await h.getDescription();
    await h.getDescription();
    n.failAnswer = true;
    await assert.rejects(h.setDescription("bad"));
    assert.deepEqual(seen, ["offer sent: v=0 offer", "answer received: A", "offer received: HOLD", "answer sent: v=0 answer to HOLD", "offer sent: v=0 offer", "answer received: bad"]);
  });

  it("goes on when its observer throws", async () => {
    const n = new RecordingNegotiator();
    const h = new SdpSessionHandler(n, () => {
      throw new Error("logger broken");
    });
    assert.equal((await h.getDescription()).body, "v=0 offer");
    await h.setDescription("A");
    assert.equal(h.lastError, undefined);
  });
});
