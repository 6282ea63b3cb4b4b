import assert from "node:assert/strict";
import { orderSrv, type SrvRecord } from "../../../src/sip/locate/srv-order";

const srv = (name: string, priority: number, weight: number): SrvRecord => ({ name, port: 5060, priority, weight });

/** A `random` that returns the given values in turn. */
function draws(...values: number[]): () => number {
  return () => values.shift() ?? 0;
}

describe("SRV ordering (RFC 2782)", () => {
  it("tries every lower priority before any higher one, and drops a '.' target", () => {
    const ordered = orderSrv([srv("c", 20, 100), srv("a", 10, 0), srv(".", 5, 0), srv("b", 10, 0)], draws(0, 0, 0));
    assert.deepEqual(ordered.map((r) => r.name), ["a", "b", "c"]);
  });

  it("draws within a priority in proportion to weight (sum 100: draw × 101)", () => {
    const records = [srv("heavy", 1, 90), srv("light", 1, 10)];
    // Sorted by weight: light (running 10), heavy (running 100). A draw of 0.05 × 101 = 5.05 → light.
    assert.deepEqual(orderSrv(records, draws(0.05, 0)).map((r) => r.name), ["light", "heavy"]);
    // 0.5 × 101 = 50.5 → heavy first.
    assert.deepEqual(orderSrv(records, draws(0.5, 0)).map((r) => r.name), ["heavy", "light"]);
  });

  it("with Math.random, weight 90 against 10 comes first about 90 % of the time", () => {
    let heavyFirst = 0;
    for (let i = 0; i < 2000; i++) if (orderSrv([srv("heavy", 1, 90), srv("light", 1, 10)])[0].name === "heavy") heavyFirst++;
    assert.ok(heavyFirst > 1650 && heavyFirst < 1900, `heavy first ${heavyFirst} of 2000`);
  });
});
