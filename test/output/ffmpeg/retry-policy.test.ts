import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors";
import { DEFAULT_RETRY_POLICY, MAX_PUBLISH_RETRIES, backoffDelayMs, resolveRetryPolicy } from "../../../src/output/ffmpeg/retry-policy";

describe("media/retry policy", () => {
  it("doubles the wait from the initial value up to the cap", () => {
    const p = resolveRetryPolicy({ initialBackoffMs: 500, maxBackoffMs: 3000 });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(p, n)), [500, 1000, 2000, 3000, 3000, 3000]);
    assert.equal(backoffDelayMs(p, 0), 0);
    assert.equal(backoffDelayMs(p, 1000), 3000, "no overflow for a huge retry count");
  });

  it("fills in the defaults, ignoring undefined fields", () => {
    assert.deepEqual(resolveRetryPolicy({ maxRetries: undefined, initialBackoffMs: 200 }), { ...DEFAULT_RETRY_POLICY, initialBackoffMs: 200 });
    assert.deepEqual(DEFAULT_RETRY_POLICY, { maxRetries: 8, initialBackoffMs: 1000, maxBackoffMs: 30_000, stableAfterMs: 10_000 });
  });

  it("rejects negative, fractional and inverted values", () => {
    assert.throws(() => resolveRetryPolicy({ maxRetries: -1 }), ConfigError);
    assert.throws(() => resolveRetryPolicy({ maxRetries: 1.5 }), ConfigError);
    assert.throws(() => resolveRetryPolicy({ maxRetries: MAX_PUBLISH_RETRIES + 1 }), /maxRetries: expected an integer from 0 to 1000/);
    assert.equal(resolveRetryPolicy({ maxRetries: MAX_PUBLISH_RETRIES }).maxRetries, MAX_PUBLISH_RETRIES);
    assert.throws(() => resolveRetryPolicy({ initialBackoffMs: Number.NaN }), ConfigError);
    assert.throws(() => resolveRetryPolicy({ initialBackoffMs: 5000, maxBackoffMs: 1000 }), /maxBackoffMs/);
  });
});
