import type { NegotiatedStream } from "../../../src/sdp";

/** A negotiated PCMA audio stream to 127.0.0.1, telephone-event on 96; `over` changes any field. */
export function audioStream(over: Partial<NegotiatedStream> = {}): NegotiatedStream {
  return {
    kind: "audio",
    mlineIndex: 0,
    codec: "PCMA",
    payloadType: 8,
    receivePayloadTypes: [8],
    clockRate: 8000,
    channels: 1,
    telephoneEvent: { payloadType: 96, clockRate: 8000 },
    remoteAddress: "127.0.0.1",
    remoteRtpPort: 40000,
    remoteRtcpPort: 40001,
    rtcpMux: false,
    remoteDirection: "sendrecv",
    remoteSsrcs: [],
    feedback: { nack: false, pli: false, fir: false },
    localPort: 30000,
    ...over,
  };
}
