import { strict as assert } from "node:assert";
import { dtmfFromInfo } from "../../src/demo/dtmf-info-body";

describe("dtmfFromInfo (SIP INFO DTMF bodies)", () => {
  it("reads application/dtmf-relay as sip.js, Asterisk and this engine send it", () => {
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Signal=5\r\nDuration=160"), "5");
    assert.equal(dtmfFromInfo("Application/DTMF-Relay; charset=utf-8", "signal= #\r\nduration=250\r\n"), "#");
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Duration=100\nSignal=*\n"), "*");
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Signal=a\r\n"), "A");
  });

  it("reads the numeric 10/11 some PBXs send for * and #", () => {
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Signal=10\r\nDuration=160"), "*");
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Signal=11\r\nDuration=160"), "#");
  });

  it("reads application/dtmf (the key alone)", () => {
    assert.equal(dtmfFromInfo("application/dtmf", "9\r\n"), "9");
  });

  it("returns undefined for other bodies", () => {
    assert.equal(dtmfFromInfo("application/media_control+xml", "<media_control/>"), undefined);
    assert.equal(dtmfFromInfo(undefined, "Signal=1"), undefined);
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Duration=160"), undefined);
    assert.equal(dtmfFromInfo("application/dtmf-relay", "Signal=16"), undefined);
    assert.equal(dtmfFromInfo("application/dtmf", "12"), undefined);
  });
});
