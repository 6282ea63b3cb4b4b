import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { escapeLogText, escapingLogger } from "../../src/util/log-text";
import { streamLogger, type LogLevel } from "../../src/util/logger";
import { nodeLogger } from "../../src/nodes/shared/node-logger";
import type { Node } from "../../src/nodes/shared/node-red-types";

const FORGED = 'Bob\r\n2026-01-01T00:00:00.000Z error [sip] admin password accepted\u0085\u2028\x1b[2J\x00';

describe("log text escaping", () => {
  it("writes every control character as an escape and leaves printable text alone", () => {
    assert.equal(
      escapeLogText(FORGED),
      "Bob\\r\\n2026-01-01T00:00:00.000Z error [sip] admin password accepted\\x85\\u2028\\x1b[2J\\x00",
    );
    assert.equal(escapeLogText("C:\\media\\tone.wav \"ok\" é"), "C:\\media\\tone.wav \"ok\" é");
    assert.equal(escapeLogText(escapeLogText(FORGED)), escapeLogText(FORGED), "escaping twice changes nothing");
  });

  it("streamLogger writes one line per entry whatever the message and category hold", () => {
    const out = new PassThrough();
    let written = "";
    out.on("data", (chunk: Buffer) => (written += chunk.toString()));
    streamLogger("debug", out).log("warn", "sip\nx", `INVITE refused: 403 ${FORGED}`);
    assert.equal(written.split("\n").length, 2, written);
    assert.match(written, /^\S+ warn \[sip\\nx\] INVITE refused: 403 Bob\\r\\n2026/);
  });

  it("nodeLogger hands Node-RED one line per entry", () => {
    const lines: string[] = [];
    const node = { log: (t: string) => lines.push(t), warn: (t: string) => lines.push(t), error: (t: string) => lines.push(t), debug: (t: string) => lines.push(t) };
    nodeLogger(node as unknown as Node).log("info", "call", FORGED);
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0], /[\r\n\u0085\u2028\x00\x1b]/);
  });

  it("escapingLogger protects a library user's own logger", () => {
    const seen: Array<[LogLevel, string, string]> = [];
    escapingLogger({ log: (l, c, m) => seen.push([l, c, m]) }).log("error", "ffmpeg", "a\rb");
    assert.deepEqual(seen, [["error", "ffmpeg", "a\\rb"]]);
  });
});
