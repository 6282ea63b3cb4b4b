import assert from "node:assert/strict";
import { FfmpegProcess } from "../../src/media/ffmpeg-process";
import type { LogLevel } from "../../src/util/logger";
import { RepeatLimiter } from "../../src/util/repeat-limiter";

function collector(): { lines: string[]; log(level: LogLevel, category: string, message: string): void } {
  const lines: string[] = [];
  return { lines, log: (level, category, message) => lines.push(`${level} [${category}] ${message}`) };
}

describe("RepeatLimiter", () => {
  it("lets the first few of a repeated warning through, then one summary per interval", () => {
    const out = collector();
    let now = 0;
    const limiter = new RepeatLimiter(out, { burst: 3, intervalMs: 10_000, now: () => now });
    for (let i = 0; i < 1000; i++) {
      now = i * 5; // 1000 lines in 5 s
      limiter.log("warn", "ffmpeg", `[rtp @ 0x55d1c3a0${i % 10}] RTP: missed ${i} packets`);
    }
    assert.equal(out.lines.length, 3);
    now = 12_000;
    limiter.log("warn", "ffmpeg", "[rtp @ 0x55d1c3a01] RTP: missed 5 packets");
    assert.deepEqual(out.lines.slice(3), [
      "warn [ffmpeg] [rtp @ 0x55d1c3a09] RTP: missed 999 packets (… repeated 997 more times in 12 s)",
      "warn [ffmpeg] [rtp @ 0x55d1c3a01] RTP: missed 5 packets",
    ]);
  });

  it("counts each message on its own and flushes what is pending", () => {
    const out = collector();
    const limiter = new RepeatLimiter(out, { burst: 1, intervalMs: 10_000, now: () => 0 });
    for (let i = 0; i < 4; i++) {
      limiter.log("warn", "ffmpeg", "Non-monotonous DTS");
      limiter.log("info", "call", "c1: ESTABLISHED");
    }
    assert.deepEqual(out.lines, ["warn [ffmpeg] Non-monotonous DTS", "info [call] c1: ESTABLISHED"]);
    limiter.flush();
    assert.deepEqual(out.lines.slice(2), [
      "warn [ffmpeg] Non-monotonous DTS (… repeated 3 more times in 1 s)",
      "info [call] c1: ESTABLISHED (… repeated 3 more times in 1 s)",
    ]);
    limiter.flush();
    assert.equal(out.lines.length, 4, "a second flush repeats nothing");
  });

  it("summarizes another message's finished interval when any line is logged", () => {
    const out = collector();
    let now = 0;
    const limiter = new RepeatLimiter(out, { burst: 1, intervalMs: 1000, now: () => now });
    limiter.log("warn", "ffmpeg", "a");
    limiter.log("warn", "ffmpeg", "a");
    now = 1500;
    limiter.log("info", "call", "b");
    assert.deepEqual(out.lines, ["warn [ffmpeg] a", "warn [ffmpeg] a (… repeated 1 more times in 2 s)", "info [call] b"]);
  });

  it("keeps an ffmpeg child's stderr storm to a few lines", async () => {
    const out = collector();
    const limiter = new RepeatLimiter(out);
    const storm = "for (let i = 0; i < 2000; i++) process.stderr.write(`[h264 @ 0x5581] error while decoding MB ${i % 40} ${i % 7}\\n`);";
    const proc = new FfmpegProcess({ path: process.execPath, args: ["-e", storm], logger: limiter });
    await proc.whenExited();
    limiter.flush();
    const storms = out.lines.filter((l) => l.startsWith("warn [ffmpeg] [h264 @ 0x5581] error while decoding MB"));
    assert.equal(storms.length, 6, storms.join("\n"));
    assert.match(storms[5], /\(… repeated 1995 more times in \d+ s\)$/);
  });
});
