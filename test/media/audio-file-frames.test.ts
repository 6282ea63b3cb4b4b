import { strict as assert } from "node:assert";
import * as path from "node:path";
import { AUDIO_FILE_CODECS, audioFileFormat, buildAudioFileArgs } from "../../src/media/audio-file-format";
import { FixedFrameSplitter, frameParserFor } from "../../src/media/audio-file-frames";
import { OggOpusPacketReader } from "../../src/media/audio-file-ogg";
import { describeAudioFileFailure } from "../../src/media/audio-file-failure";

/** One Ogg page (RFC 3533) holding `segments` of data; `continued` sets header flag 0x01. */
function oggPage(lacing: number[], body: Buffer, continued = false): Buffer {
  const header = Buffer.alloc(27);
  header.write("OggS", 0, "latin1");
  header[5] = continued ? 0x01 : 0x00;
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), body]);
}

/** Lacing values of one whole packet of `n` bytes: 255s then the rest (a 0 when n is a multiple of 255). */
function lacingOf(n: number): number[] {
  const out: number[] = [];
  for (; n >= 255; n -= 255) out.push(255);
  out.push(n);
  return out;
}

/** A packet of `n` bytes whose content tells it apart. */
function packet(n: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (seed * 31 + i) & 0xff));
}

/** An Ogg Opus stream as ffmpeg writes it: OpusHead page, OpusTags page, then audio packets over pages. */
function oggOpusStream(audio: Buffer[]): Buffer {
  const head = Buffer.concat([Buffer.from("OpusHead", "latin1"), Buffer.from([1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0])]);
  const tags = Buffer.concat([Buffer.from("OpusTags", "latin1"), Buffer.alloc(300, 0x41)]); // > 255: two segments
  const pages = [oggPage(lacingOf(head.length), head), oggPage(lacingOf(tags.length), tags)];
  // Two audio packets per page.
  for (let i = 0; i < audio.length; i += 2) {
    const group = audio.slice(i, i + 2);
    pages.push(oggPage(group.flatMap((p) => lacingOf(p.length)), Buffer.concat(group)));
  }
  return Buffer.concat(pages);
}

/** Feeds `data` to a parser in chunks of the given sizes (cycled) and collects the frames. */
function feed(parser: { push(b: Buffer): Buffer[]; end(): Buffer[] }, data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(...parser.push(data.subarray(at, at + n)));
    at += n;
  }
  out.push(...parser.end());
  return out;
}

describe("audio file framing", () => {
  describe("FixedFrameSplitter", () => {
    it("cuts any chunking into 160-byte frames and pads the last with the silence byte", () => {
      const data = packet(160 * 7 + 45, 3);
      for (const sizes of [[1], [7, 300, 13], [160], [10_000]]) {
        const frames = feed(new FixedFrameSplitter(160, 0xd5), data, sizes);
        assert.equal(frames.length, 8, `chunks ${sizes.join(",")}`);
        assert.ok(frames.every((f) => f.length === 160));
        assert.ok(Buffer.concat(frames.slice(0, 7)).equals(data.subarray(0, 1120)));
        assert.ok(frames[7].subarray(0, 45).equals(data.subarray(1120)));
        assert.ok(frames[7].subarray(45).equals(Buffer.alloc(115, 0xd5)));
      }
    });

    it("ends with nothing when the stream was whole frames", () => {
      const s = new FixedFrameSplitter(160, 0xff);
      assert.equal(s.push(Buffer.alloc(320)).length, 2);
      assert.deepEqual(s.end(), []);
    });

    it("copies frames so that they do not pin the pipe's chunk", () => {
      const chunk = Buffer.alloc(320, 1);
      const [first] = new FixedFrameSplitter(160, 0xff).push(chunk);
      chunk.fill(9);
      assert.equal(first[0], 1);
    });
  });

  describe("OggOpusPacketReader", () => {
    it("yields the audio packets in order, whatever the chunking, across 255-byte segments", () => {
      const audio = [packet(60, 1), packet(255, 2), packet(600, 3), packet(1, 4), packet(510, 5)];
      const stream = oggOpusStream(audio);
      for (const sizes of [[1], [5, 27, 3], [4096]]) {
        const got = feed(new OggOpusPacketReader(), stream, sizes);
        assert.deepEqual(
          got.map((p) => p.toString("hex")),
          audio.map((p) => p.toString("hex")),
          `chunks ${sizes.join(",")}`,
        );
      }
    });

    it("joins a packet continued on the next page", () => {
      const big = packet(700, 7);
      const head = Buffer.from("OpusHead\x01\x01", "latin1");
      const tags = Buffer.from("OpusTags", "latin1");
      const stream = Buffer.concat([
        oggPage(lacingOf(head.length), head),
        oggPage(lacingOf(tags.length), tags),
        oggPage([255, 255], big.subarray(0, 510)), // ends with 255: the packet goes on
        oggPage([190, 20], Buffer.concat([big.subarray(510), packet(20, 8)]), true),
      ]);
      const got = feed(new OggOpusPacketReader(), stream, [100]);
      assert.deepEqual(got.map((p) => p.length), [700, 20]);
      assert.ok(got[0].equals(big));
    });

    it("refuses a stream that is not Ogg, or not Opus", () => {
      assert.throws(() => new OggOpusPacketReader().push(Buffer.alloc(40, 0x41)), /not Ogg/);
      const vorbis = Buffer.from("\x01vorbis", "latin1");
      assert.throws(() => new OggOpusPacketReader().push(oggPage(lacingOf(vorbis.length), vorbis)), /not Opus/);
    });
  });

  describe("audioFileFormat / buildAudioFileArgs", () => {
    it("asks ffmpeg for 8000-byte/s raw G.711/G.722 and 20 ms Ogg Opus, nothing else", () => {
      const pcmu = audioFileFormat("pcmu");
      assert.deepEqual(pcmu?.framing, { kind: "fixed", frameBytes: 160, padByte: 0xff });
      assert.deepEqual(audioFileFormat("PCMA")?.framing, { kind: "fixed", frameBytes: 160, padByte: 0xd5 });
      assert.deepEqual(audioFileFormat("G722")?.outputArgs.slice(-6), ["-ar", "16000", "-c:a", "g722", "-f", "g722"]);
      const opus = audioFileFormat("opus");
      assert.equal(opus?.framing.kind, "ogg");
      assert.ok(opus && opus.outputArgs.join(" ").includes("-c:a libopus") && opus.outputArgs.join(" ").includes("-frame_duration 20"));
      assert.equal(audioFileFormat("opus", 30), undefined);
      assert.equal(audioFileFormat("GSM"), undefined);
      assert.match(AUDIO_FILE_CODECS, /PCMU.*opus/);
      assert.ok(frameParserFor(pcmu!) instanceof FixedFrameSplitter);
      assert.ok(frameParserFor(opus!) instanceof OggOpusPacketReader);
    });

    it("reads a local file only, loops before -i, and writes to stdout", () => {
      const args = buildAudioFileArgs("rel/a:b.wav", audioFileFormat("PCMU")!, true);
      const i = args.indexOf("-i");
      assert.equal(args[i + 1], `file:${path.resolve("rel/a:b.wav")}`);
      assert.deepEqual(args.slice(args.indexOf("-stream_loop"), args.indexOf("-stream_loop") + 2), ["-stream_loop", "-1"]);
      assert.ok(args.indexOf("-stream_loop") < i);
      assert.deepEqual(args.slice(args.indexOf("-protocol_whitelist"), args.indexOf("-protocol_whitelist") + 2), ["-protocol_whitelist", "file"]);
      assert.deepEqual(args.slice(i + 2, i + 4), ["-map", "0:a:0"]);
      assert.equal(args[args.length - 1], "pipe:1");
      assert.ok(!buildAudioFileArgs("x.wav", audioFileFormat("PCMU")!, false).includes("-stream_loop"));
    });
  });

  describe("describeAudioFileFailure", () => {
    it("says in plain words what ffmpeg 5.1 reports", () => {
      assert.equal(describeAudioFileFailure(["Stream map '0:a:0' matches no streams.", "To ignore this, add a trailing '?' to the map."]), "it has no audio stream");
      assert.equal(describeAudioFileFailure(["file:/tmp/x.txt: Invalid data found when processing input"]), "ffmpeg cannot read it (not an audio file?)");
      assert.equal(describeAudioFileFailure(["[hls @ 0x55d0] Protocol 'http' not on whitelist 'file'!"]), "it refers to a network or non-file source, which is not allowed");
      assert.equal(describeAudioFileFailure(["[wav @ 0x55aa12] something odd", "Conversion failed!"]), "[wav] something odd");
      assert.equal(describeAudioFileFailure([]), undefined);
    });
  });
});
