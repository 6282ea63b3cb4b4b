import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { Call } from "../../src/call/call";
import { ConfigError, InvalidStateError } from "../../src/errors";
import { MediaError } from "../../src/media/media-error";
import { dominantFrequencyHz, requirePeers, runCommand, startBaresip, startKamailio, type Baresip, type Kamailio } from "../harness";
import { processesWithArgument, processesWithArgumentAfter } from "../harness/proc-args";
import { programPath } from "../harness/require-peers";
import { waitForStatus } from "./helpers/wait-for-status";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RMS level (dBFS) of `seconds` of `file` after `skipSec`, decoded to 16 kHz mono. */
async function levelDb(file: string, skipSec: number, seconds: number): Promise<number> {
  const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-ss", String(skipSec), "-t", String(seconds), "-i", file, "-ac", "1", "-ar", "16000", "-f", "s16le", "pipe:1"]);
  if (r.code !== 0) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr}`);
  const n = Math.floor(r.stdout.length / 2);
  assert.ok(n >= 16000 * seconds * 0.9, `${file}: only ${n} samples at ${skipSec}+${seconds} s`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (r.stdout.readInt16LE(i * 2) / 32768) ** 2;
  return sum === 0 ? -Infinity : 10 * Math.log10(sum / n);
}

/** Length of a recording in seconds (baresip's timeline: it lacks what it did not decode, e.g. during a DTMF event). */
async function seconds(file: string): Promise<number> {
  const r = await runCommand(programPath("ffprobe"), ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  if (r.code !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return Number(r.stdout.toString("utf8").trim());
}

/** The `-dec.wav` baresip's sndfile wrote for a call that began after `before` was listed, once its header is final. */
async function receivedWav(dir: string, before: Set<string>, timeoutMs = 5000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = fs.readdirSync(dir).filter((f) => f.endsWith("-dec.wav") && !before.has(f));
    if (found.length === 1) {
      const file = path.join(dir, found[0]);
      const buf = fs.readFileSync(file);
      // libsndfile writes the RIFF size when the call's audio stream closes.
      if (buf.length > 44 && buf.readUInt32LE(4) === buf.length - 8) return file;
    }
    assert.ok(found.length <= 1, `one recording per call, got ${found.join(", ")}`);
    if (Date.now() > end) throw new Error(`no finished recording in ${dir} (${found.join(", ") || "none"})`);
    await sleep(50);
  }
}

/** A sine WAV made by ffmpeg (44.1 kHz stereo: the engine must convert it), at lavfi's 1/8 amplitude (≈ −21 dBFS RMS). */
async function makeTone(file: string, hz: number, seconds: number): Promise<void> {
  const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=${hz}:sample_rate=44100:duration=${seconds}`, "-ac", "2", file]);
  assert.equal(r.code, 0, r.stderr);
}

describe("Call.playAudio: a file into the call, heard by baresip", function () {
  this.timeout(120_000);
  let tmp: string;
  let recordings: string;
  let tone3s: string;
  let tone04s: string;
  let kamailio: Kamailio;
  let baresip: Baresip;
  let engine: Engine | undefined;

  before(async () => {
    requirePeers(["kamailio", "baresip", "ffmpeg", "ffprobe", "sox"]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-play-audio-"));
    recordings = path.join(tmp, "heard");
    fs.mkdirSync(recordings);
    tone3s = path.join(tmp, "tone700-3s.wav");
    tone04s = path.join(tmp, "tone700-short.wav");
    await makeTone(tone3s, 700, 3);
    await makeTone(tone04s, 700, 0.4);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" }, video: false, recordDir: recordings });
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await sleep(200); // baresip closes the call before the next one
  });

  after(async () => {
    await baresip?.stop();
    await kamailio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** alice calls uas through Kamailio (REGISTER 401, INVITE 407), audio only. */
  async function dial(extra: Partial<Parameters<Engine["call"]>[0]> = {}): Promise<{ call: Call; established: number; before: Set<string> }> {
    const before = new Set(fs.readdirSync(recordings));
    engine = new Engine({ account: { login: "alice", password: "alicepw", domain: "127.0.0.1", port: kamailio.udpPort }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
    const call = engine.call({ callee: "uas", hasVideo: false, ...extra });
    await waitForStatus(call, CallStatus.ESTABLISHED, 15_000);
    return { call, established: Date.now(), before };
  }

  async function hangUp(call: Call): Promise<void> {
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    await call.whenClosed();
  }

  it("sends silence, then the 700 Hz file in place of it, resolving at the file's end, then silence again", async () => {
    const { call, established, before } = await dial();
    await sleep(1500);
    const playAt = Date.now();
    await call.playAudio(tone3s);
    const endedAt = Date.now();
    await sleep(1300);
    const audioOut = (call.stats() as { control?: { audioOut?: { file?: { framesPlayed: number; underruns: number } } } }).control?.audioOut;
    await hangUp(call);
    const wav = await receivedWav(recordings, before);
    const took = endedAt - playAt;
    const start = (playAt - established) / 1000;
    const silenceBefore = await levelDb(wav, 0.3, 0.8);
    const tone = await dominantFrequencyHz(wav, { skipSec: start + 0.6, seconds: 1.5 });
    const toneLevel = await levelDb(wav, start + 0.6, 1.5);
    // The last second was after the file (1.3 s of silence before the hang-up).
    const silenceAfter = await levelDb(wav, (await seconds(wav)) - 0.9, 0.6);
    process.stdout.write(`      played in ${took} ms, ${JSON.stringify(audioOut?.file)}; heard ${silenceBefore.toFixed(1)} dB, ${tone} Hz at ${toneLevel.toFixed(1)} dB, then ${silenceAfter.toFixed(1)} dB\n`);
    // 150 frames paced by the sender's 20 ms clock, plus ffmpeg's start.
    assert.ok(took >= 2950 && took < 8000, `playAudio took ${took} ms for a 3 s file`);
    assert.equal(audioOut?.file?.framesPlayed, 150);
    assert.ok(silenceBefore < -60, `before playAudio baresip heard ${silenceBefore} dBFS`);
    assert.ok(Math.abs(tone - 700) < 5, `baresip heard ${tone} Hz`);
    assert.ok(toneLevel > -30, `tone level ${toneLevel} dBFS`);
    assert.ok(silenceAfter < -60, `after the file baresip heard ${silenceAfter} dBFS`);
  });

  it("starts CallOptions.playAudio on ESTABLISHED, loops it past a DTMF key, and stopAudio() ends it and its ffmpeg", async () => {
    const { call, before } = await dial({ playAudio: tone04s, playAudioLoop: true });
    await sleep(2000);
    // An RFC 4733 key takes its packets' place in the file's stream, and baresip sees it begin and end.
    const since = Date.now();
    await call.sendDtmf("5");
    await baresip.waitForEvent((e) => e.type === "CALL_DTMF_END" && e.receivedAt >= since, 3000);
    assert.deepEqual(baresip.events.filter((e) => e.type === "CALL_DTMF_START" && e.receivedAt >= since).map((e) => e.param), ["5"]);
    await sleep(300);
    assert.equal((await processesWithArgument(tone04s)).length, 1, "one ffmpeg decodes the file");
    call.stopAudio();
    assert.deepEqual(await processesWithArgumentAfter(tone04s, 3000), [], "the file's ffmpeg is gone");
    await sleep(1200);
    await hangUp(call);
    const wav = await receivedWav(recordings, before);
    // Well past the 0.4 s file: only the loop can still be playing.
    const looped = await dominantFrequencyHz(wav, { skipSec: 0.6, seconds: 1.2 });
    const loopLevel = await levelDb(wav, 0.6, 1.2);
    // The last second was after stopAudio (1.2 s of silence before the hang-up).
    const afterStop = await levelDb(wav, (await seconds(wav)) - 0.9, 0.6);
    process.stdout.write(`      looped: ${looped} Hz at ${loopLevel.toFixed(1)} dB; after stopAudio ${afterStop.toFixed(1)} dB\n`);
    assert.ok(Math.abs(looped - 700) < 5, `heard ${looped} Hz while looping`);
    assert.ok(loopLevel > -30, `loop level ${loopLevel} dBFS`);
    assert.ok(afterStop < -60, `after stopAudio baresip heard ${afterStop} dBFS`);
  });

  it("pauses the file while baresip holds the call and goes on after the resume", async () => {
    const { call } = await dial();
    const played = (): number => (call.stats() as { control?: { audioOut?: { file?: { framesPlayed: number } } } }).control?.audioOut?.file?.framesPlayed ?? 0;
    const playing = call.playAudio(tone04s, { loop: true });
    await sleep(600);
    assert.ok((await baresip.command("hold")).ok);
    await waitForStatus(call, CallStatus.HOLD, 5000);
    const atHold = played();
    await sleep(1000);
    const duringHold = played() - atHold;
    assert.ok((await baresip.command("resume")).ok);
    await waitForStatus(call, CallStatus.ESTABLISHED, 5000);
    const atResume = played();
    await sleep(600);
    const afterResume = played() - atResume;
    process.stdout.write(`      frames played: ${atHold} before hold, ${duringHold} on hold, ${afterResume} in 0.6 s after resume\n`);
    assert.ok(atHold >= 5, `${atHold} frames before the hold`);
    assert.ok(duringHold <= 1, `${duringHold} frames went out on hold`);
    assert.ok(afterResume >= 10, `${afterResume} frames after the resume`);
    call.stopAudio();
    await playing;
    await hangUp(call);
  });

  it("rejects bad files clearly with the call still up, and the call's end stops a playing file", async () => {
    engine = new Engine({ account: { login: "alice", password: "alicepw", domain: "127.0.0.1", port: kamailio.udpPort }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
    const early = engine.call({ callee: "uas", hasVideo: false });
    await assert.rejects(early.playAudio(tone3s), InvalidStateError, "not answered yet");
    await waitForStatus(early, CallStatus.ESTABLISHED, 15_000);
    const notes = path.join(tmp, "notes.txt");
    fs.writeFileSync(notes, "no audio here\n");
    const png = path.join(tmp, "slide.png");
    const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=blue:s=32x32", "-frames:v", "1", png]);
    assert.equal(r.code, 0, r.stderr);
    await assert.rejects(early.playAudio(path.join(tmp, "missing.wav")), (e: unknown) => e instanceof ConfigError && /no such file: .*missing\.wav/.test(e.message));
    await assert.rejects(early.playAudio(notes), (e: unknown) => e instanceof MediaError && /notes\.txt": ffmpeg cannot read it/.test(e.message));
    await assert.rejects(early.playAudio(png), (e: unknown) => e instanceof MediaError && /slide\.png": it has no audio stream/.test(e.message));
    await assert.rejects(early.playAudio(tone3s, { loop: "yes" as unknown as boolean }), ConfigError);
    assert.equal(early.status, CallStatus.ESTABLISHED);
    const playing = early.playAudio(tone04s, { loop: true });
    await sleep(500);
    assert.equal((await processesWithArgument(tone04s)).length, 1);
    early.terminate();
    await assert.rejects(playing, (e: unknown) => e instanceof InvalidStateError && /call ended/.test(e.message));
    await waitForStatus(early, CallStatus.FINISH, 10_000);
    await early.whenClosed();
    assert.deepEqual(await processesWithArgument(tone04s), [], "whenClosed() waited for ffmpeg");
    await assert.rejects(early.playAudio(tone3s), InvalidStateError);
    assert.throws(() => engine?.call({ callee: "uas", playAudio: path.join(tmp, "missing.wav") }), ConfigError);
  });
});

describe("Call.playAudio in each codec baresip accepts", function () {
  this.timeout(120_000);
  let tmp: string;
  let tone: string;

  before(async () => {
    requirePeers(["baresip", "ffmpeg", "sox"]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-play-codec-"));
    tone = path.join(tmp, "tone700.wav");
    await makeTone(tone, 700, 2);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const codec of ["PCMA", "G722", "opus"]) {
    it(`${codec}: baresip hears the 700 Hz file`, async () => {
      const heard = fs.mkdtempSync(path.join(tmp, `${codec}-`));
      const peer = await startBaresip({ video: false, audioCodecs: [codec], recordDir: heard });
      const engine = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: peer.sipPort, password: "", registerRequired: false }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
      try {
        const call = engine.call({ callee: peer.uri, hasVideo: false });
        await waitForStatus(call, CallStatus.ESTABLISHED, 15_000);
        const established = Date.now();
        const playAt = Date.now();
        await call.playAudio(tone);
        call.terminate();
        await waitForStatus(call, CallStatus.FINISH, 10_000);
        const wav = await receivedWav(heard, new Set());
        const start = (playAt - established) / 1000;
        const hz = await dominantFrequencyHz(wav, { skipSec: start + 0.5, seconds: 1.0 });
        process.stdout.write(`      ${codec}: baresip heard ${hz} Hz\n`);
        assert.ok(Math.abs(hz - 700) < 5, `${codec}: heard ${hz} Hz`);
      } finally {
        await engine.close();
        await peer.stop();
      }
    });
  }
});
