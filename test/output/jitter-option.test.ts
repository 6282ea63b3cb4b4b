import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { checkJitterBufferMs, DEFAULT_JITTER_BUFFER_MS } from "../../src/output/jitter-option";
import { checkCallOutputOptions as checkOutputs } from "../../src/output/call-output-options";
import { defaultSinkKinds } from "../../src/output/kinds";
import type { CallOptions } from "../../src/call/call-options";

const checkCallOutputOptions = (o: CallOptions): unknown => checkOutputs(o, defaultSinkKinds({ resolveFfmpeg: () => "ffmpeg" }));

describe("call/CallOptions.jitterBufferMs", () => {
  it("defaults to 50 ms and takes 0 (off) to 1000", () => {
    assert.equal(DEFAULT_JITTER_BUFFER_MS, 50);
    assert.equal(checkJitterBufferMs(undefined), 50);
    for (const ms of [0, 1, 50, 120.5, 1000]) assert.equal(checkJitterBufferMs(ms), ms);
  });

  it("rejects anything else with a ConfigError naming the option, when the call is checked", () => {
    for (const ms of [-1, 1001, Number.NaN, Number.POSITIVE_INFINITY, "50" as unknown as number]) {
      assert.throws(() => checkJitterBufferMs(ms), (e: unknown) => e instanceof ConfigError && /jitterBufferMs/.test(e.message), String(ms));
      assert.throws(() => checkCallOutputOptions({ callee: "uas", jitterBufferMs: ms }), ConfigError);
    }
    assert.doesNotThrow(() => checkCallOutputOptions({ callee: "uas", jitterBufferMs: 0 }));
  });
});
