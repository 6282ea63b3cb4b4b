import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { dtmfEventCode, parseDtmfDigits } from "../../src/dtmf/dtmf-digits";
import { dtmfRelayBody, DTMF_RELAY_CONTENT_TYPE } from "../../src/dtmf/dtmf-relay";

describe("DTMF digits", () => {
  it("maps every key to its RFC 4733 event code", () => {
    const keys = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"] as const;
    assert.deepEqual(keys.map(dtmfEventCode), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it("splits keys and pauses, upper-casing letters", () => {
    assert.deepEqual(parseDtmfDigits("1,#a"), [
      { kind: "digit", digit: "1" },
      { kind: "pause" },
      { kind: "digit", digit: "#" },
      { kind: "digit", digit: "A" },
    ]);
  });

  it("rejects an empty string and any other character, naming it and its position", () => {
    assert.throws(() => parseDtmfDigits(""), ConfigError);
    assert.throws(() => parseDtmfDigits("12 3"), (e: Error) => e instanceof ConfigError && /" " at position 3/.test(e.message));
    assert.throws(() => parseDtmfDigits("E"), /"E" at position 1/);
    assert.throws(() => parseDtmfDigits("1;"), /";" at position 2/);
  });

  it("writes the SIP INFO dtmf-relay body", () => {
    assert.equal(DTMF_RELAY_CONTENT_TYPE, "application/dtmf-relay");
    assert.equal(dtmfRelayBody("5", 160), "Signal=5\r\nDuration=160");
    assert.equal(dtmfRelayBody("#", 250.4), "Signal=#\r\nDuration=250");
  });
});
