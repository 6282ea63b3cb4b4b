import { redactRtmpUrl } from "../util/logger";
import type { PushRecord, WcsCallRecord } from "./call-book";
import type { WcsIvrJson } from "./ivr-plan";

/**
 * The call object of WCS `/call/find` and `/call/find_all`, with WCS's field names (from the WCS
 * "SIP as RTMP" documentation). Fields this engine has no counterpart for are null/false/{} as in
 * WCS's own example. Beyond WCS: `sipMessage`, `reason`, `detail`, `establishedAt`, `outputs`,
 * `ivr` (the progress of the `/call/startup` DTMF plan, without its keys).
 *
 * @remarks The stream key is never echoed: `rtmpStream` comes back as "***", `rtmpUrl` without
 * any user:password (and with its last path segment hidden when it is a full URL holding the key).
 */
export interface WcsCallJson {
  custom: Record<string, unknown>;
  nodeId: null;
  appKey: string | null;
  sessionId: null;
  callId: string;
  parentCallId: null;
  incoming: false;
  status: string;
  sipStatus: number;
  sipMessage: string;
  reason: string;
  detail?: string;
  rtmpUrl: string | null;
  rtmpStream: string | null;
  streamName: string | null;
  rtmpStreamStatus: string | null;
  caller: string;
  callee: string;
  hasAudio: boolean;
  hasVideo: boolean;
  sdp: null;
  visibleName: string;
  inviteParameters: null;
  mediaProvider: null;
  sipMessageRaw: null;
  isMsrp: false;
  target: null;
  holdForTransfer: false;
  establishedAt?: number;
  ivr?: WcsIvrJson;
}

/** A transponder as WCS `/push/startup`, `/push/find` and `/push/find_all` return it (plus `callId` and `status`). */
export interface WcsPushJson {
  mediaSessionId: string;
  streamName: string;
  rtmpUrl: string;
  width: number;
  height: number;
  muted: boolean;
  soundEnabled: boolean;
  options: Record<string, unknown>;
  callId: string;
  status: string;
}

/** Removes `user:password@` from an RTMP URL. */
export function withoutUserInfo(url: string): string {
  return url.replace(/^(rtmps?:\/\/)[^@/]*@/i, "$1");
}

export function callJson(r: WcsCallRecord): WcsCallJson {
  const s = r.last;
  return {
    custom: {},
    nodeId: null,
    appKey: r.appKey,
    sessionId: null,
    callId: r.callId,
    parentCallId: null,
    incoming: false,
    status: s.status,
    sipStatus: s.sipStatus,
    sipMessage: s.sipMessage,
    reason: s.reason,
    ...(s.detail !== undefined ? { detail: s.detail } : {}),
    // Without rtmpStream the URL itself ends in the stream key.
    rtmpUrl: r.rtmpUrl === null ? null : r.rtmpStream === null ? redactRtmpUrl(r.rtmpUrl) : withoutUserInfo(r.rtmpUrl),
    rtmpStream: r.rtmpStream === null ? null : "***",
    streamName: r.toStream,
    rtmpStreamStatus: r.rtmpStreamStatus,
    caller: r.caller,
    callee: r.callee,
    hasAudio: r.hasAudio,
    hasVideo: r.hasVideo,
    sdp: null,
    visibleName: r.visibleName,
    inviteParameters: null,
    mediaProvider: null,
    sipMessageRaw: null,
    isMsrp: false,
    target: null,
    holdForTransfer: false,
    ...(s.establishedAt !== undefined ? { establishedAt: s.establishedAt } : {}),
    ...(r.ivr ? { ivr: { ...r.ivr.json } } : {}),
  };
}

export function pushJson(p: PushRecord): WcsPushJson {
  return {
    mediaSessionId: p.mediaSessionId,
    // WCS answers with the name it published (its "rtmp_" prefix included).
    streamName: p.rtmpTransponderFullUrl ? p.streamName : p.publishedName,
    rtmpUrl: p.rtmpTransponderFullUrl ? redactRtmpUrl(p.rtmpUrl) : withoutUserInfo(p.rtmpUrl),
    // The engine copies H.264 without decoding it, so it does not know the picture size.
    width: 0,
    height: 0,
    muted: false,
    soundEnabled: false,
    options: p.options,
    callId: p.callId,
    status: p.status,
  };
}
