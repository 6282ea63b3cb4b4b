import { strict as assert } from "node:assert";
import { AudioFileDecoder } from "../../src/media/audio-file-decoder";
import { audioFileFormat } from "../../src/media/audio-file-format";
import { AudioFilePlayer } from "../../src/media/audio-file-player";
import { MediaError } from "../../src/media/media-error";
import { fakeSpawn, turn } from "./audio-file-fake-child";

const PCMU = audioFileFormat("PCMU")!;

/** `n` 160-byte frames, frame i filled with i. */
function frames(n: number, from = 0): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.alloc(160, from + i)));
}

describe("AudioFileDecoder (fake ffmpeg)", () => {
  it("runs ffmpeg with an argument array and hands out the frames in order", async () => {
    const { spawn, children } = fakeSpawn();
    const failures: MediaError[] = [];
    const d = new AudioFileDecoder({ ffmpegPath: "/usr/bin/ffmpeg", file: "/tmp/a.wav", format: PCMU, loop: false, spawn, onFailure: (e) => failures.push(e) });
    const child = children[0];
    assert.equal(child.command, "/usr/bin/ffmpeg");
    assert.ok(child.args.includes("file:/tmp/a.wav"));
    assert.equal(d.take(), undefined, "nothing before ffmpeg wrote");
    child.stdout.write(frames(3).subarray(0, 400)); // 2.5 frames
    await turn();
    assert.equal(d.take()?.[0], 0);
    assert.equal(d.take()?.[0], 1);
    assert.equal(d.take(), undefined);
    child.stdout.write(frames(3).subarray(400));
    child.exit(0);
    await turn();
    await turn();
    assert.equal(d.drained, false, "one frame is still queued");
    assert.equal(d.take()?.[0], 2);
    assert.equal(d.drained, true);
    assert.deepEqual(failures, []);
    await d.whenExited();
    d.close();
    assert.deepEqual(child.signals, [], "no signal to a process that had exited");
  });

  it("pauses ffmpeg's stdout when maxFrames are queued and resumes it at half", async () => {
    const { spawn, children } = fakeSpawn();
    const d = new AudioFileDecoder({ ffmpegPath: "ffmpeg", file: "a.wav", format: PCMU, loop: true, maxFrames: 10, spawn, onFailure: () => assert.fail("no failure") });
    const child = children[0];
    assert.ok(child.args.includes("-stream_loop"));
    child.stdout.write(frames(12));
    await turn();
    assert.equal(child.stdout.isPaused(), true);
    assert.deepEqual({ buffered: d.toJSON().buffered, paused: d.toJSON().paused }, { buffered: 12, paused: true });
    for (let i = 0; i < 6; i++) assert.equal(d.take()?.[0], i);
    assert.equal(child.stdout.isPaused(), true, "7 left: still above half");
    d.take();
    assert.equal(child.stdout.isPaused(), false, "5 left: resumed");
    d.close();
    assert.deepEqual(child.signals, ["SIGTERM"]);
    assert.equal(child.stdout.destroyed, true, "our end of the pipe closed first (a blocked ffmpeg gets EPIPE)");
    assert.equal(d.take(), undefined, "the queue is dropped on close");
    await d.whenExited();
  });

  it("reports an unreadable file once, in plain words, and stops ffmpeg", async () => {
    const { spawn, children } = fakeSpawn();
    const failures: MediaError[] = [];
    const d = new AudioFileDecoder({ ffmpegPath: "ffmpeg", file: "/srv/slide.png", format: PCMU, loop: false, spawn, onFailure: (e) => failures.push(e) });
    children[0].stderr.write("Stream map '0:a:0' matches no streams.\nTo ignore this, add a trailing '?' to the map.\n");
    children[0].exit(1);
    await d.whenExited();
    await turn();
    assert.equal(failures.length, 1);
    assert.ok(failures[0] instanceof MediaError);
    assert.equal(failures[0].message, 'FAILED_BY_FFMPEG_ERROR: cannot play audio file "/srv/slide.png": it has no audio stream');
    assert.equal(failures[0].exitCode, 1);
    assert.equal(d.drained, false);
  });

  it("reports a missing ffmpeg as FAILED_BY_FFMPEG_START", async () => {
    const failures: MediaError[] = [];
    const d = new AudioFileDecoder({ ffmpegPath: "/nonexistent/ffmpeg", file: "a.wav", format: PCMU, loop: false, onFailure: (e) => failures.push(e) });
    await d.whenExited();
    assert.equal(failures.length, 1);
    assert.equal(failures[0].reason, "FAILED_BY_FFMPEG_START");
    d.close();
  });

  it("says nothing about an exit it caused", async () => {
    const { spawn, children } = fakeSpawn();
    const d = new AudioFileDecoder({ ffmpegPath: "ffmpeg", file: "a.wav", format: PCMU, loop: false, spawn, onFailure: () => assert.fail("no failure after close") });
    d.close();
    d.close();
    await d.whenExited();
    assert.deepEqual(children[0].signals, ["SIGTERM"]);
  });
});

describe("AudioFilePlayer (fake ffmpeg)", () => {
  it("resolves once the last frame was taken, and yields nothing after", async () => {
    const { spawn, children } = fakeSpawn();
    const p = new AudioFilePlayer({ ffmpegPath: "ffmpeg", file: "a.wav", format: PCMU, loop: false, spawn });
    let resolved = false;
    void p.done.then(() => (resolved = true));
    assert.equal(p.nextFrame(), undefined, "before ffmpeg wrote: silence, not the end");
    children[0].stdout.write(frames(2));
    children[0].exit(0);
    await p.whenExited();
    assert.equal(p.nextFrame()?.[0], 0);
    assert.equal(p.nextFrame()?.[0], 1);
    await turn();
    assert.equal(resolved, false, "settles on the interval after the last frame");
    assert.equal(p.nextFrame(), undefined);
    await p.done;
    assert.equal(p.settled, true);
    assert.deepEqual({ played: p.toJSON().framesPlayed, underruns: p.toJSON().underruns }, { played: 2, underruns: 0 });
  });

  it("stop() resolves and kills ffmpeg; fail() rejects with the given error", async () => {
    const { spawn, children } = fakeSpawn();
    const a = new AudioFilePlayer({ ffmpegPath: "ffmpeg", file: "a.wav", format: PCMU, loop: true, spawn });
    a.stop();
    await a.done;
    assert.deepEqual(children[0].signals, ["SIGTERM"]);
    const b = new AudioFilePlayer({ ffmpegPath: "ffmpeg", file: "b.wav", format: PCMU, loop: false, spawn });
    b.fail(new Error("call over"));
    await assert.rejects(b.done, /call over/);
    b.stop();
    assert.deepEqual(children[1].signals, ["SIGTERM"]);
  });

  it("rejects with the decoder's MediaError", async () => {
    const { spawn, children } = fakeSpawn();
    const p = new AudioFilePlayer({ ffmpegPath: "ffmpeg", file: "notes.txt", format: PCMU, loop: false, spawn });
    children[0].stderr.write("file:/x/notes.txt: Invalid data found when processing input\n");
    children[0].exit(1);
    await assert.rejects(p.done, (e: unknown) => e instanceof MediaError && /notes\.txt": ffmpeg cannot read it/.test(e.message));
  });
});
