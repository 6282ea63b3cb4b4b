import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { AudioFileDecoder } from "../../src/media/audio-file-decoder";
import { audioFileFormat } from "../../src/media/audio-file-format";
import { AudioFilePlayer } from "../../src/media/audio-file-player";
import { MediaError } from "../../src/media/media-error";
import { dominantFrequencyHz, requirePeers, runCommand } from "../harness";
import { programPath } from "../harness/require-peers";
import { processGone } from "./helpers/process-gone";
import { TempDir } from "./helpers/temp-dir";

/** Takes frames as they come (not paced) until the decoder is drained. */
async function takeAll(d: AudioFileDecoder, timeoutMs = 20_000): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const end = Date.now() + timeoutMs;
  while (!d.drained) {
    if (Date.now() > end) throw new Error(`not drained within ${timeoutMs} ms (${JSON.stringify(d.toJSON())})`);
    const f = d.take();
    if (f) out.push(f);
    else await new Promise((r) => setTimeout(r, 5));
  }
  return out;
}

/** Opus TOC configs whose frames are 20 ms (RFC 6716 §3.1): SILK 1,5,9; hybrid 13,15; CELT 19,23,27,31. */
const OPUS_20MS_CONFIGS = new Set([1, 5, 9, 13, 15, 19, 23, 27, 31]);

describe("AudioFileDecoder with the real ffmpeg", function () {
  this.timeout(60_000);
  let dir: TempDir;
  let ffmpeg: string;
  let tone: string;

  before(async () => {
    requirePeers(["ffmpeg"]);
    ffmpeg = programPath("ffmpeg");
    dir = new TempDir();
    tone = dir.file("tone 700.wav"); // a space: the argument array needs no quoting
    const r = await runCommand(ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=700:sample_rate=44100:duration=2", "-ac", "2", tone]);
    assert.equal(r.code, 0, r.stderr);
  });

  after(() => dir?.dispose());

  for (const codec of ["PCMU", "PCMA", "G722"]) {
    it(`decodes 2 s of stereo 44.1 kHz to 100 ${codec} frames of 160 bytes`, async () => {
      const d = new AudioFileDecoder({ ffmpegPath: ffmpeg, file: tone, format: audioFileFormat(codec)!, loop: false, onFailure: (e) => assert.fail(e) });
      const frames = await takeAll(d);
      assert.equal(frames.length, 100);
      assert.ok(frames.every((f) => f.length === 160));
      if (codec === "PCMU") {
        // The frames, decoded back, are the tone.
        const raw = dir.file("back.ul");
        fs.writeFileSync(raw, Buffer.concat(frames));
        const wav = dir.file("back.wav");
        const r = await runCommand(ffmpeg, ["-nostdin", "-v", "error", "-f", "mulaw", "-ar", "8000", "-ac", "1", "-i", raw, wav]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(Math.abs((await dominantFrequencyHz(wav, { skipSec: 0.2, seconds: 1.5 })) - 700) < 5);
      }
    });
  }

  it("decodes to 20 ms single-frame Opus packets", async () => {
    const d = new AudioFileDecoder({ ffmpegPath: ffmpeg, file: tone, format: audioFileFormat("opus")!, loop: false, onFailure: (e) => assert.fail(e) });
    const packets = await takeAll(d);
    // 2 s plus the encoder's look-ahead (pre-skip 6.5 ms): 101 packets.
    assert.ok(packets.length >= 100 && packets.length <= 102, `${packets.length} packets`);
    for (const p of packets) {
      assert.ok(OPUS_20MS_CONFIGS.has(p[0] >> 3), `TOC config ${p[0] >> 3}`);
      assert.equal(p[0] & 0x03, 0, "one frame per packet");
    }
  });

  it("holds a looping decode back when nobody takes frames, and close() ends ffmpeg", async () => {
    const d = new AudioFileDecoder({ ffmpegPath: ffmpeg, file: tone, format: audioFileFormat("PCMU")!, loop: true, maxFrames: 10, onFailure: (e) => assert.fail(e) });
    await new Promise((r) => setTimeout(r, 800));
    // Unpaced, ffmpeg would have written minutes of audio by now; the queue holds at most one pipe chunk more.
    const decoded = d.toJSON().framesDecoded;
    assert.ok(decoded >= 10 && decoded < 600, `${decoded} frames decoded`);
    assert.equal(d.toJSON().paused, true);
    const pid = d.pid!;
    // Looping: more than the file's 100 frames come out.
    const got: Buffer[] = [];
    while (got.length < 250) {
      const f = d.take();
      if (f) got.push(f);
      else await new Promise((r) => setTimeout(r, 2));
    }
    d.close();
    await d.whenExited();
    assert.ok(processGone(pid), "ffmpeg is gone");
  });

  it("rejects a file without audio and a file that is not media, in plain words", async () => {
    const png = dir.file("slide.png");
    const r = await runCommand(ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", png]);
    assert.equal(r.code, 0, r.stderr);
    const text = dir.file("notes.txt");
    fs.writeFileSync(text, "not audio\n");
    for (const [file, why] of [
      [png, "it has no audio stream"],
      [text, "ffmpeg cannot read it (not an audio file?)"],
    ]) {
      const p = new AudioFilePlayer({ ffmpegPath: ffmpeg, file, format: audioFileFormat("PCMA")!, loop: true });
      await assert.rejects(p.done, (e: unknown) => e instanceof MediaError && e.message === `FAILED_BY_FFMPEG_ERROR: cannot play audio file "${file}": ${why}`);
      await p.whenExited();
    }
  });
});
