/**
 * Pure SDP handling for sipcast: our RTP/AVP offer, reading the peer's answer, answering the
 * peer's re-INVITE offers, and the SDP file that describes the forwarded streams to ffmpeg.
 * Built over sdp-transform; nothing here does I/O.
 */
export * from "./sdp-types";
export * from "./offer-types";
export * from "./negotiated-types";
export { SdpError, type SdpErrorCode } from "./sdp-error";
export { buildOffer } from "./build-offer";
export { negotiateAnswer } from "./negotiate-answer";
export { answerOffer, type AnswerLocal, type OfferAnswer } from "./answer-offer";
export { ffmpegInputSdp } from "./ffmpeg-input-sdp";
export * from "./media-change";
