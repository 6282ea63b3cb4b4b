import { strict as assert } from "node:assert";
import { ConfigError, DEFAULT_RTP_SOURCE_CHECK, Engine, RTP_SOURCE_CHECKS } from "../../src/index";

describe("EngineOptions.rtpSourceCheck", () => {
  const account = { login: "alice", domain: "127.0.0.1", password: "", registerRequired: false };

  it('defaults to "signalled" and accepts "learn"', async () => {
    assert.equal(DEFAULT_RTP_SOURCE_CHECK, "signalled");
    assert.deepEqual([...RTP_SOURCE_CHECKS], ["signalled", "learn"]);
    for (const rtpSourceCheck of [undefined, ...RTP_SOURCE_CHECKS]) await new Engine({ account, localAddress: "127.0.0.1", rtpSourceCheck }).close();
  });

  it("refuses anything else with a ConfigError naming the field", () => {
    assert.throws(() => new Engine({ account, rtpSourceCheck: "any" as never }), (error: unknown) => error instanceof ConfigError && /rtpSourceCheck: expected one of signalled, learn/.test(error.message));
  });
});
