import assert from "node:assert/strict";
import { audioFileFormat } from "../../src/media/audio-file-format";
import { codecLevelGain, volumeFilter } from "../../src/media/codec-level";

describe("media/codecLevelGain", () => {
  it("raises G.722 from a liblinphone peer 6 dB and lowers what is sent to it 6 dB", () => {
    for (const agent of ["Linphonec/5.1.65", "Linphone Desktop/5.2.4 (Debian) LinphoneSDK/5.3.0", "LinphoneAndroid/5.0 (belle-sip/5.0)", "Acme/1.0 (belle-sip/4.5.1)"]) {
      assert.deepEqual(codecLevelGain("G722", agent), { receiveDb: 6, sendDb: -6 }, agent);
    }
    assert.deepEqual(codecLevelGain("g722", "linphonec/5.1"), { receiveDb: 6, sendDb: -6 });
  });

  it("leaves every other codec, every other peer and an unknown peer alone", () => {
    for (const [codec, agent] of [["PCMU", "Linphonec/5.1.65"], ["opus", "Linphonec/5.1.65"], ["G722", "baresip v3.0.0 (x86_64/linux)"], ["G722", "Asterisk PBX 20"], ["G722", undefined], [undefined, "Linphonec/5.1.65"]] as const) {
      assert.deepEqual(codecLevelGain(codec, agent), { receiveDb: 0, sendDb: 0 }, `${codec} ${agent}`);
    }
  });

  it("writes the gain as ffmpeg's volume filter, nothing for 0 dB", () => {
    assert.equal(volumeFilter(6), "volume=6dB");
    assert.equal(volumeFilter(-6), "volume=-6dB");
    assert.equal(volumeFilter(0), undefined);
    assert.equal(volumeFilter(undefined), undefined);
  });

  it("puts the gain of a played file before the encoder (audioFileFormat)", () => {
    assert.deepEqual(audioFileFormat("G722", 20, -6)?.outputArgs, ["-af", "volume=-6dB", "-ac", "1", "-ar", "16000", "-c:a", "g722", "-f", "g722"]);
    assert.deepEqual(audioFileFormat("G722")?.outputArgs, ["-ac", "1", "-ar", "16000", "-c:a", "g722", "-f", "g722"]);
  });
});
