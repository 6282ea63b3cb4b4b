/** Listening to the far end for DTMF plans that wait for an IVR's prompts: decoding, voice activity, the wait logic. */
export * from "./g711";
export * from "./ogg-opus-writer";
export * from "./received-audio-decoder";
export * from "./voice-activity";
export * from "./ivr-listener";
export * from "./call-hearing";
