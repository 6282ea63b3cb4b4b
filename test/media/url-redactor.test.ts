import assert from "node:assert/strict";
import { makeUrlRedactor } from "../../src/media";

describe("media/makeUrlRedactor", () => {
  it("hides the exact URL, other RTMP URLs, the bare key and the password", () => {
    const url = "rtmps://bob:hunter22@cdn.example:443/live2/abcd-efgh-ijkl?token=t0p5ecret";
    const r = makeUrlRedactor(url);
    assert.equal(r(`${url}: Broken pipe`), "rtmps://cdn.example:443/live2/***: Broken pipe");
    assert.equal(r("redirect to rtmp://other.example/app/zzzz1234, retrying"), "redirect to rtmp://other.example/app/***, retrying");
    assert.equal(r("publishing abcd-efgh-ijkl with token t0p5ecret as hunter22"), "publishing *** with token *** as ***");
  });

  it("leaves very short keys alone where they appear bare (they would mangle words)", () => {
    const r = makeUrlRedactor("rtmp://127.0.0.1/live/x");
    assert.equal(r("rtmp://127.0.0.1/live/x: Connection refused (exit)"), "rtmp://127.0.0.1/live/***: Connection refused (exit)");
  });

  it("without a URL still hides any rtmp URL's key", () => {
    assert.equal(makeUrlRedactor()("-f flv rtmp://h/app/KEY999"), "-f flv rtmp://h/app/***");
  });
});
