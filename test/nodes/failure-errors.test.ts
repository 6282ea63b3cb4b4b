import { strict as assert } from "node:assert";
import { CallReason, CallStatus, type CallStateEvent, type PublishEvent } from "node-red-contrib-sipcast";
import { CallEndedError, isFailedEnd, OutputGivenUpError } from "../../src/nodes/shared/failure-errors";

describe("nodes: the failures that reach Catch nodes", () => {
  it("BUSY and FAILED are failures; FINISH and the live states are not", () => {
    const failures = Object.values(CallStatus).filter((s) => isFailedEnd(s));
    assert.deepEqual(failures.sort(), [CallStatus.BUSY, CallStatus.FAILED].sort());
  });

  it("name the call, its final state, the reason, the SIP response and the detail", () => {
    const event: CallStateEvent = {
      callId: "c1",
      status: CallStatus.FAILED,
      sipStatus: 408,
      sipMessage: "Request Timeout",
      reason: CallReason.FAILED_BY_REQUEST_TIMEOUT,
      detail: "no answer in 32 s",
      caller: "sip:alice@127.0.0.1",
      callee: "uas",
      timestamp: 1,
    };
    const err = new CallEndedError(event);
    assert.equal(String(err), "CallEndedError: call c1 ended FAILED: FAILED_BY_REQUEST_TIMEOUT (SIP 408 Request Timeout): no answer in 32 s");
    assert.equal(err.callId, "c1");
    assert.equal(new CallEndedError({ ...event, sipStatus: 0, sipMessage: "", detail: undefined, reason: CallReason.FFMPEG_NOT_FOUND }).message, "call c1 ended FAILED: FFMPEG_NOT_FOUND");
  });

  it("name the output given up and why", () => {
    const event: PublishEvent = { callId: "c1", outputId: "out-1", kind: "rtmp", status: "FAILED", target: "rtmp://cdn/live/***", reason: CallReason.FAILED_BY_RTMP_WRITER_ERROR, detail: "Connection refused", timestamp: 1 };
    assert.equal(String(new OutputGivenUpError(event)), "OutputGivenUpError: output out-1 of call c1 given up: FAILED_BY_RTMP_WRITER_ERROR (Connection refused)");
  });
});
