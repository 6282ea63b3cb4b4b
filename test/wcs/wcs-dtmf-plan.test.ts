import { strict as assert } from "node:assert";
import { MAX_DTMF_PLAN_LENGTH } from "../../src/dtmf";
import { WcsRestApi, type WcsResponse } from "../../src/wcs";
import { withoutPlanText } from "../../src/wcs/ivr-plan";
import { DOC_CALL_STARTUP } from "./wcs-fixtures";

const MEETING = "311705123";
const PIN = "4321";

interface ErrorBody {
  message: string;
  field?: string;
}

/** The /call/startup `dtmf` plan and /call/send_dtmf's refusal of plans, decided before any engine or network. */
describe("WCS REST API: a DTMF plan in /call/startup's dtmf field is checked at the request", () => {
  let api: WcsRestApi;
  const logged: string[] = [];
  beforeEach(() => {
    logged.length = 0;
    api = new WcsRestApi({
      engineFactory: () => assert.fail("no engine may be built for a request that fails validation"),
      logger: { log: (_level, _area, message: string) => void logged.push(message) },
    });
  });
  afterEach(() => api.close());

  it("answers 400 naming dtmf, with the parser's reason and none of the plan's keys, for bad plans and too long ones", async () => {
    const cases: Array<[string, RegExp]> = [
      [`{${MEETING}}${PIN}#`, /unknown wait/],
      [`{prompt}${MEETING}#{prompt:${PIN}}${PIN}#`, /timeout .* out of/],
      [`{prompt}${MEETING}#{joined:30:retry=${PIN}}`, /retry=N/],
      [`{prompt}${MEETING}#x${PIN}#`, /invalid character "x"/],
      [`{prompt}${MEETING}#{prompt${PIN}#`, /not closed/],
      [`{prompt}${MEETING}#${PIN}#`.repeat(20), new RegExp(`at most ${MAX_DTMF_PLAN_LENGTH} characters`)],
    ];
    for (const [dtmf, reason] of cases) {
      const r = await api.handle("POST", "/rest-api/call/startup", { ...DOC_CALL_STARTUP, dtmf });
      const text = JSON.stringify(r.body);
      assert.equal(r.status, 400, text);
      assert.equal((r.body as ErrorBody).field, "dtmf", text);
      assert.match((r.body as ErrorBody).message, /^dtmf: /, text);
      assert.match((r.body as ErrorBody).message, reason, text);
      assert.ok(!text.includes(MEETING) && !text.includes(PIN), `no key of the plan is echoed: ${text}`);
    }
    assert.ok(!logged.some((l) => l.includes(MEETING) || l.includes(PIN)), logged.join("\n"));
  });

  it("/call/send_dtmf refuses a plan with {…} waits (400 pointing to /call/startup's dtmf), without echoing it", async () => {
    for (const path of ["/rest-api/call/send_dtmf", "/RESTCall/sendDTMF"]) {
      const r = await api.handle("POST", path, { callId: "no-such-call", dtmf: `{prompt}${MEETING}#{prompt}${PIN}#`, type: "RFC2833" });
      const text = JSON.stringify(r.body);
      assert.equal(r.status, 400, text);
      assert.equal((r.body as ErrorBody).field, "dtmf", text);
      assert.match((r.body as ErrorBody).message, /\/call\/startup/, text);
      assert.ok(!text.includes(MEETING) && !text.includes(PIN), text);
    }
    // Plain keys still reach the call lookup, as before: 404 for an unknown call.
    const plain = await api.handle("POST", "/rest-api/call/send_dtmf", { callId: "no-such-call", dtmf: "1234#", type: "RFC2833" });
    assert.equal(plain.status, 404, JSON.stringify(plain.body));
  });

  it("withoutPlanText hides runs of keys that occur in the plan, and keeps the message's own numbers", () => {
    assert.equal(withoutPlanText(`{${MEETING}}: unknown wait`, `{${MEETING}}#`), "{…}: unknown wait");
    assert.equal(withoutPlanText(`timeout ${PIN} s out of 0–600 s`, `{prompt:${PIN}}`), "timeout … s out of 0–600 s");
    assert.equal(withoutPlanText("invalid character at position 40 (at most 256 characters)", `{prompt}${MEETING}#`), "invalid character at position 40 (at most 256 characters)");
  });
});
