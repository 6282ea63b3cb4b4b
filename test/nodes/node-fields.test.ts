import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCallRequest } from "../../src/nodes/sip-call/call-input";
import { recordPathIn } from "../../src/nodes/sip-call/call-settings";
import { parseRepublishRequest } from "../../src/nodes/rtmp-republish/republish-input";
import { parseDtmfRequest } from "../../src/nodes/dtmf-send/dtmf-input";

const base = { id: "n1", type: "sip-call", callee: "uas" };

function callOptions(msg: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const r = parseCallRequest(msg, { ...base, ...config }, undefined);
  assert.equal(r.kind, "call");
  return r.kind === "call" ? (r.options as unknown as Record<string, unknown>) : {};
}

describe("nodes: the sip-call and rtmp-republish fields that reach the engine", () => {
  it("sip-call: record path, retries, RTP timeout (s → ms), RTMPS tick and CA file, slate, video to the callee, audio file and loop", () => {
    const o = callOptions({}, {
      recordPath: "meeting.mp4", rtmpRetries: "3", rtpTimeout: 45, rtmpsAllowSelfSigned: true, rtmpsCaFile: "/etc/ca.pem",
      slateImage: "slate.png", sendVideoSlate: "Black", audioFile: "hold.wav", audioLoop: "true",
    });
    assert.deepEqual(
      { recordPath: o.recordPath, publishRetry: o.publishRetry, rtpTimeoutMs: o.rtpTimeoutMs, rtmpsAllowSelfSigned: o.rtmpsAllowSelfSigned, rtmpsCaFile: o.rtmpsCaFile, slateImage: o.slateImage, sendVideoSlate: o.sendVideoSlate, playAudio: o.playAudio, playAudioLoop: o.playAudioLoop },
      { recordPath: "meeting.mp4", publishRetry: { maxRetries: 3 }, rtpTimeoutMs: 45_000, rtmpsAllowSelfSigned: true, rtmpsCaFile: "/etc/ca.pem", slateImage: "slate.png", sendVideoSlate: true, playAudio: "hold.wav", playAudioLoop: true },
    );
    assert.equal(callOptions({}, { sendVideoSlate: "/srv/me.png" }).sendVideoSlate, "/srv/me.png");
  });

  it("sip-call: empty or absent fields (flows saved before them) leave the engine's defaults", () => {
    const o = callOptions({}, { recordPath: "", rtmpRetries: "", rtpTimeout: "", rtmpsAllowSelfSigned: false, rtmpsCaFile: "", slateImage: "", sendVideoSlate: "", audioFile: "" });
    assert.deepEqual(Object.keys(o).sort(), ["callee", "hasAudio", "hasVideo"]);
    assert.deepEqual(Object.keys(callOptions({}, {})).sort(), ["callee", "hasAudio", "hasVideo"]);
  });

  it("sip-call: msg.recordPath, msg.rtmpRetries, msg.rtpTimeout, msg.rtmpsAllowSelfSigned, msg.audioFile and msg.loop win over the fields", () => {
    const o = callOptions(
      { recordPath: "other.mkv", rtmpRetries: 0, rtpTimeout: "0", rtmpsAllowSelfSigned: "false", audioFile: "b.wav", loop: false },
      { recordPath: "meeting.mp4", rtmpRetries: 5, rtpTimeout: 30, rtmpsAllowSelfSigned: true, audioFile: "a.wav", audioLoop: true },
    );
    assert.deepEqual(
      { recordPath: o.recordPath, publishRetry: o.publishRetry, rtpTimeoutMs: o.rtpTimeoutMs, rtmpsAllowSelfSigned: o.rtmpsAllowSelfSigned, playAudio: o.playAudio, playAudioLoop: o.playAudioLoop },
      { recordPath: "other.mkv", publishRetry: { maxRetries: 0 }, rtpTimeoutMs: 0, rtmpsAllowSelfSigned: undefined, playAudio: "b.wav", playAudioLoop: false },
    );
  });

  it("sip-call: a bad field or message property is an error naming it", () => {
    assert.throws(() => callOptions({}, { rtpTimeout: "soon" }), /^Error: rtpTimeout: expected a whole number from 0 to 86400, got "soon"$/);
    assert.throws(() => callOptions({ rtpTimeout: 90000 }, {}), /^MsgFieldError: msg\.rtpTimeout: expected a whole number from 0 to 86400, got number$/);
    assert.throws(() => callOptions({}, { rtmpRetries: "1001" }), /^Error: rtmpRetries: expected a whole number from 0 to 1000/);
  });

  it("sip-call: the playAudio action plays the node's audio file when the message names none", () => {
    assert.deepEqual(parseCallRequest({ action: "playAudio" }, { ...base, audioFile: "hold.wav", audioLoop: true }, undefined), { kind: "playAudio", callId: undefined, file: "hold.wav", loop: true });
  });

  it("rtmp-republish: retries, RTMPS tick and CA file, slate; msg.rtmpRetries and msg.rtmpsAllowSelfSigned win", () => {
    const config = { id: "r", type: "rtmp-republish", rtmpUrl: "rtmps://cdn/app", action: "start", rtmpRetries: "2", rtmpsAllowSelfSigned: true, rtmpsCaFile: "/ca.pem", slateImage: "s.png" };
    assert.deepEqual(parseRepublishRequest({ callId: "c" }, config, { rtmpStream: "k" }), { action: "start", callId: "c", rtmpUrl: "rtmps://cdn/app", rtmpStream: "k", rtmpRetries: 2, rtmpsAllowSelfSigned: true, rtmpsCaFile: "/ca.pem", slateImage: "s.png" });
    assert.deepEqual(parseRepublishRequest({ callId: "c", rtmpRetries: "0", rtmpsAllowSelfSigned: false }, config, { rtmpStream: "k" }), { action: "start", callId: "c", rtmpUrl: "rtmps://cdn/app", rtmpStream: "k", rtmpRetries: 0, rtmpsCaFile: "/ca.pem", slateImage: "s.png" });
  });

  it("dtmf-send: hidden digits (a PIN) are counted in errors, never repeated", () => {
    const config = { id: "d", type: "dtmf-send", callId: "c", digits: "12x4" };
    assert.throws(() => parseDtmfRequest({}, config, true), (e: Error) => e.message === "digits: expected DTMF digits 0-9 * # A-D and \",\" for a pause" && !e.message.includes("12X4"));
    assert.throws(() => parseDtmfRequest({}, config, false), /got "12X4"/);
    assert.equal(parseDtmfRequest({}, { ...config, digits: "1234" }, true).secret, true);
    assert.equal(parseDtmfRequest({ digits: "1234" }, config, true).secret, undefined, "msg.digits are the message's own: shown as before");
  });
});

describe("nodes: a recording stays in the media folder", () => {
  let root: string;
  let outside: string;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-record-"));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-outside-"));
    fs.mkdirSync(path.join(root, "meetings"));
    fs.symlinkSync(outside, path.join(root, "escape"));
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it("takes a relative path from the folder, and an absolute one inside it", () => {
    const real = fs.realpathSync(root);
    assert.equal(recordPathIn(root, "a.mp4"), path.join(real, "a.mp4"));
    assert.equal(recordPathIn(root, "meetings/b.mkv"), path.join(real, "meetings", "b.mkv"));
    assert.equal(recordPathIn(root, path.join(root, "meetings", "c.mp4")), path.join(real, "meetings", "c.mp4"));
  });

  it("refuses .., an absolute path elsewhere, a link that leads out, and a missing sub-folder", () => {
    for (const bad of ["../x.mp4", path.join(outside, "x.mp4"), "escape/x.mp4", "nowhere/x.mp4"]) {
      assert.throws(() => recordPathIn(root, bad), /^Error: recordPath: the recording must be in the media folder/, bad);
    }
  });

  it("says so when the media folder itself is missing", () => {
    assert.throws(() => recordPathIn(path.join(root, "none"), "a.mp4"), /^Error: recordPath: the media folder .* does not exist/);
  });
});
