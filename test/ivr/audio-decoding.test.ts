import { strict as assert } from "node:assert";
import { decodeAlaw, decodeUlaw } from "../../src/ivr/g711";
import { OggOpusWriter, opusPacketSamples } from "../../src/ivr/ogg-opus-writer";
import { OggOpusPacketReader } from "../../src/media/audio-file-ogg";
import { frameLevelDbfs, VoiceActivity, VOICE_THRESHOLD_DBFS } from "../../src/ivr/voice-activity";

describe("Received audio for voice detection: G.711 by hand, Ogg for ffmpeg, 20 ms levels", () => {
  it("decodes G.711 μ-law and A-law (silence bytes to ±0/8, extremes to ±32124/±32256)", () => {
    assert.deepEqual([...decodeUlaw(Buffer.from([0xff, 0x7f, 0x00, 0x80]))], [0, 0, -32124, 32124]);
    assert.deepEqual([...decodeAlaw(Buffer.from([0xd5, 0x55, 0x2a, 0xaa]))], [8, -8, -32256, 32256]);
  });

  it("writes Ogg pages that the engine's own Ogg reader reads back packet by packet", () => {
    const writer = new OggOpusWriter();
    const packets = [Buffer.from([0xf8, 0xff, 0xfe]), Buffer.alloc(300, 7), Buffer.alloc(40, 1)];
    const bytes = Buffer.concat([...writer.headers(), ...packets.map((p) => writer.packet(p, 960))]);
    const read = new OggOpusPacketReader().push(bytes);
    assert.deepEqual(read, packets);
  });

  it("counts the samples of an Opus packet from its TOC byte", () => {
    assert.equal(opusPacketSamples(Buffer.from([0xf8, 0xff, 0xfe])), 960); // CELT 20 ms
    assert.equal(opusPacketSamples(Buffer.from([0x08])), 960); // SILK 20 ms
    assert.equal(opusPacketSamples(Buffer.from([0x0b, 0x03])), 3 * 960); // code 3, 3 frames
  });

  it("reports one level per 20 ms whatever the chunk size; active above −45 dBFS", () => {
    const frames: Array<[number, boolean]> = [];
    const vad = new VoiceActivity((level, active) => frames.push([Math.round(level), active]));
    const loud = new Int16Array(160).fill(3277); // −20 dBFS
    const faint = new Int16Array(160).fill(100); // −50 dBFS
    vad.push(loud.subarray(0, 100), 8000);
    vad.push(Int16Array.from([...loud.subarray(100), ...faint]), 8000);
    vad.push(new Int16Array(160), 8000);
    assert.deepEqual(frames, [[-20, true], [-50, false], [-120, false]]);
    assert.equal(VOICE_THRESHOLD_DBFS, -45);
    assert.equal(frameLevelDbfs(0, 0), -120);
  });
});
