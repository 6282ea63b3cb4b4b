import { strict as assert } from "node:assert";
import { CALL_STATUS_NEW, CallStatus, canTransition, isAnswered, isFinalStatus } from "../../src/call/call-status";
import { CallReason, outcomeOfRejection } from "../../src/call/call-reason";

describe("call state machine", () => {
  it("allows the WCS progression TRYING → RING → SESSION_PROGRESS → ESTABLISHED → HOLD → ESTABLISHED → FINISH", () => {
    const path = [CallStatus.TRYING, CallStatus.RING, CallStatus.SESSION_PROGRESS, CallStatus.ESTABLISHED, CallStatus.HOLD, CallStatus.ESTABLISHED, CallStatus.FINISH];
    let from: CallStatus | typeof CALL_STATUS_NEW = CALL_STATUS_NEW;
    for (const to of path) {
      assert.equal(canTransition(from, to), true, `${from} → ${to}`);
      from = to;
    }
  });

  it("has no way out of a final state", () => {
    for (const final of [CallStatus.BUSY, CallStatus.FAILED, CallStatus.FINISH]) {
      assert.equal(isFinalStatus(final), true);
      for (const to of Object.values(CallStatus)) assert.equal(canTransition(final, to), false, `${final} → ${to}`);
    }
  });

  it("refuses to go back to ringing or busy once answered", () => {
    assert.equal(canTransition(CallStatus.ESTABLISHED, CallStatus.RING), false);
    assert.equal(canTransition(CallStatus.ESTABLISHED, CallStatus.BUSY), false);
    assert.equal(canTransition(CallStatus.HOLD, CallStatus.TRYING), false);
    assert.equal(canTransition(CALL_STATUS_NEW, CallStatus.ESTABLISHED), false);
  });

  it("counts ESTABLISHED and HOLD as answered, nothing else", () => {
    assert.deepEqual(
      Object.values(CallStatus).filter((s) => isAnswered(s)),
      [CallStatus.ESTABLISHED, CallStatus.HOLD],
    );
  });
});

describe("SIP rejection → final state", () => {
  const cases: Array<[number, CallStatus, string]> = [
    [401, CallStatus.FAILED, CallReason.AUTHENTICATION_FAILED],
    [407, CallStatus.FAILED, CallReason.AUTHENTICATION_FAILED],
    [403, CallStatus.FAILED, CallReason.AUTHENTICATION_FAILED],
    [404, CallStatus.FAILED, CallReason.NOT_FOUND],
    [408, CallStatus.FAILED, CallReason.FAILED_BY_REQUEST_TIMEOUT],
    [486, CallStatus.BUSY, CallReason.USER_BUSY],
    [600, CallStatus.BUSY, CallReason.USER_BUSY],
    [487, CallStatus.FINISH, CallReason.CANCELLED],
    [503, CallStatus.FAILED, CallReason.FAILED_BY_TRANSPORT_ERROR],
    [603, CallStatus.FAILED, CallReason.DECLINED],
    [500, CallStatus.FAILED, CallReason.FAILED_BY_SIP_ERROR],
  ];
  for (const [code, status, reason] of cases) {
    it(`${code} → ${status}/${reason}`, () => {
      assert.deepEqual(outcomeOfRejection(code), { status, reason });
    });
  }
});
