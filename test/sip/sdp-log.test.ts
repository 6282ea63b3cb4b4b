import { strict as assert } from "node:assert";
import { logSdp, MAX_LOGGED_SDP_CHARS, sdpForLog } from "../../src/sip/sdp-log";
import type { LogLevel } from "../../src/util/logger";

const KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
const SRTP_OFFER =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
  "m=audio 4000 RTP/AVP 0 8\r\n" +
  `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31\r\n` +
  `a=crypto:2 AES_CM_128_HMAC_SHA1_32 INLINE:${KEY};inline:${KEY}|2^20|1:4\r\n`;

describe("logSdp (the SDP in the debug log)", () => {
  it("writes one debug entry in category sip.sdp: the whole SDP, its keys masked and its line breaks escaped", () => {
    const entries: Array<[LogLevel, string, string]> = [];
    logSdp({ log: (level, category, message) => entries.push([level, category, message]) }, "call-7", "offer sent", SRTP_OFFER);
    assert.equal(entries.length, 1);
    const [level, category, message] = entries[0];
    assert.equal(level, "debug");
    assert.equal(category, "sip.sdp");
    assert.ok(message.startsWith("call-7: offer sent: v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\n"), message);
    assert.match(message, /\\r\\nm=audio 4000 RTP\/AVP 0 8\\r\\n/);
    assert.ok(!message.includes(KEY), "no SRTP key in the log");
    assert.equal(message.match(/inline:\*\*\*/gi)?.length, 3);
    assert.match(message, /inline:\*\*\*\|2\^20\|1:4/, "lifetime and MKI stay");
    assert.ok(!/[\r\n]/.test(message), "one line");
  });

  it("escapes every control character a peer could put in its SDP", () => {
    assert.equal(sdpForLog("s=a\u001b[2Jb\u0085c\u2028\r\n"), "s=a\\x1b[2Jb\\x85c\\u2028\\r\\n");
  });

  it("cuts an SDP longer than MAX_LOGGED_SDP_CHARS, after masking its keys", () => {
    const long = `${"a=x\r\n".repeat(MAX_LOGGED_SDP_CHARS / 5)}a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}\r\n`;
    const logged = sdpForLog(long);
    assert.ok(!logged.includes(KEY.slice(0, 8)));
    assert.match(logged, /… \(\d+ more characters\)$/);
    assert.ok(logged.length < MAX_LOGGED_SDP_CHARS * 2);
  });
});
