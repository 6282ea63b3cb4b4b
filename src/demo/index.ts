/**
 * The embedded loopback "test meeting" SIP peer: what `npm start` calls instead of a real SIP
 * account, and what the end-to-end tests use when no Debian SIP peer is installed.
 */
export { startTestMeetingPeer, TestMeetingPeer, type TestMeetingPeerEvents, type TestMeetingPeerOptions } from "./test-meeting-peer";
export type { MeetingCallInfo, MeetingDtmf, MeetingHangup } from "./meeting-call";
export type { DigestCredentials } from "./digest-guard";
export { TelephoneEventDecoder, type DecodedDtmf, type TelephoneEventPacket } from "./telephone-event-decoder";
export { dtmfFromInfo } from "./dtmf-info-body";
export { buildTestPatternArgs, FLASH_BEEP, testPatternAudioSource, testPatternVideoSource, type TestPattern, type TestPatternArgsOptions } from "./test-pattern-args";
export { Impairment, validateImpairment, type ImpairmentOptions, type ImpairmentStats, type ImpairmentTimers } from "./impairment";
export type { MediaRelayStats } from "./media-relay";
export { MAX_TIMELINE_EVENTS, TimelineShifter, validateTimelineEvents, type TimelineEvent } from "./timeline-events";
export { MAX_MEDIA_PAUSES, MediaPauses, validateMediaPauses, type MediaPause } from "./media-pauses";
export { LayoutSwitch, validateLayoutChange, type LayoutChange } from "./layout-switch";
export type { MeetingIvrOptions } from "./meeting-ivr-options";
export type { MeetingIvrEvent, MeetingIvrHappening } from "./meeting-ivr";
export { IVR_PROMPT_TEXT, EspeakError, checkEspeak, type IvrPromptName } from "./ivr-prompts";
