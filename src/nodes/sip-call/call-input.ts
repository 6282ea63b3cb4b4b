import { homedir } from "node:os";
import { join } from "node:path";
import { MAX_JITTER_BUFFER_MS, MAX_PUBLISH_RETRIES, type CallOptions } from "node-red-contrib-sipcast";
import { NodeTextError } from "../shared/i18n";
import { MsgFieldError, msgBoolean, msgString, msgWholeNumber, settingBoolean, settingString, settingWholeNumber } from "../shared/msg-fields";
import type { NodeDef, NodeMessage } from "../shared/node-red-types";

/** The sip-call node's settings as the editor stores them. */
export interface SipCallConfig extends NodeDef {
  account?: string;
  callee?: string;
  callId?: string;
  hasAudio?: boolean | string;
  hasVideo?: boolean | string;
  rtmpUrl?: string;
  /** Reorder/jitter buffer per received stream, ms (editor default 50; 0 = off); absent in flows made before it existed. */
  jitterBufferMs?: number | string;
  /** The only folder `msg.audioFile` may name files in; "" or absent: `<userDir>/sipcast-media`. */
  mediaFolder?: string;
  /**
   * TypedInput sources (`str`, `msg`, `flow`, `global`, `env`, `jsonata`) of callee, rtmpUrl,
   * recordPath and audioFile; absent in flows saved before them: `str`. The controller evaluates them
   * before this module reads the config, so here every one of them is a plain text.
   */
  calleeType?: string;
  rtmpUrlType?: string;
  /** Where the stream key comes from: `cred` (absent in older flows) the credential, or the msg/flow/global/env property named in `streamKey`. */
  streamKey?: string;
  streamKeyType?: string;
  /** Record the call to this file inside the media folder; "" or absent: no recording. */
  recordPath?: string;
  recordPathType?: string;
  /** Play this file (inside the media folder) once answered; "" or absent: none. */
  audioFile?: string;
  audioFileType?: string;
  /** Repeat `audioFile` until the call ends (default false). */
  audioLoop?: boolean | string;
  /** Restarts of a failing output before it is given up; "" or absent: the engine's default. */
  rtmpRetries?: number | string;
  /** Seconds without RTP before hanging up (0 = off); "" or absent: the engine's default, 30. */
  rtpTimeout?: number | string;
  /** Do not check the RTMPS server's certificate (default false). */
  rtmpsAllowSelfSigned?: boolean | string;
  /** PEM file of the CA to trust for RTMPS; "" or absent: the system's store. */
  rtmpsCaFile?: string;
  /** Picture published as the video of a call without video; "" or absent: black. */
  slateImage?: string;
  /** Video sent to the callee: "" or absent none, "black", or the path of a picture. */
  sendVideoSlate?: string;
  /** Stream name browsers watch the call under (WebRTC, WHEP); "" or absent: none. */
  toStream?: string;
}

/** The media folder below Node-RED's user directory when the node names none. */
export const DEFAULT_MEDIA_FOLDER_NAME = "sipcast-media";

/** The node's media folder: its setting, else `<userDir>/sipcast-media` (userDir: Node-RED's, default ~/.node-red). */
export function mediaFolderOf(config: SipCallConfig, userDir: string | undefined): string {
  return settingString(config.mediaFolder) || join(userDir ?? join(homedir(), ".node-red"), DEFAULT_MEDIA_FOLDER_NAME);
}

/** The credentials of a sip-call node: the stream name, which is the CDN's stream key. */
export interface SipCallCredentials {
  rtmpStream?: string;
  /** Bearer token viewers of `toStream` must send (the player page takes it as `#token=`). */
  viewerToken?: string;
}

/** What an input message asks for. */
export type CallRequest =
  | { kind: "terminate"; callId: string | undefined }
  | { kind: "call"; options: CallOptions }
  /** `msg.action = "playAudio"`: play `file` into the call `callId` (or the node's last call). */
  | { kind: "playAudio"; callId: string | undefined; file: string; loop: boolean }
  /** `msg.action = "stopAudio"`. */
  | { kind: "stopAudio"; callId: string | undefined };

/** Highest RTP timeout a node takes, in seconds (a day: longer means "off", which is 0). */
export const MAX_RTP_TIMEOUT_S = 86400;

/** `msg.terminate === true` (or "true"), `msg.payload === "terminate"` or `msg.action === "terminate"`. */
export function asksToTerminate(msg: NodeMessage): boolean {
  return msgBoolean(msg, "terminate") === true || msg.payload === "terminate" || msg.action === "terminate";
}

/**
 * Reads a sip-call input message: `msg` fields (WCS `/call/startup` names) override the node's settings;
 * `msg.action` "terminate", "playAudio" (`msg.audioFile`, `msg.loop`) or "stopAudio" acts on a live call.
 * Throws an Error naming the field for a malformed one; the engine checks the values themselves
 * (callee syntax, callId characters, RTMP URL, jitter buffer, audio file) when the call is placed.
 */
export function parseCallRequest(msg: NodeMessage, config: SipCallConfig, credentials: SipCallCredentials | undefined): CallRequest {
  if (asksToTerminate(msg)) return { kind: "terminate", callId: msgString(msg, "callId") || undefined };
  if (msg.action === "playAudio") {
    const audio = audioFile(msg, config);
    if (!audio) throw new NodeTextError("sipCall.noAudioFile");
    return { kind: "playAudio", callId: msgString(msg, "callId") || undefined, ...audio };
  }
  if (msg.action === "stopAudio") return { kind: "stopAudio", callId: msgString(msg, "callId") || undefined };
  const callee = (msgString(msg, "callee") ?? settingString(config.callee)).trim();
  if (!callee) throw new NodeTextError("sipCall.noCallee");
  const callId = msgString(msg, "callId") ?? settingString(config.callId);
  const rtmpUrl = msgString(msg, "rtmpUrl") ?? settingString(config.rtmpUrl);
  const rtmpStream = msgString(msg, "rtmpStream") ?? credentials?.rtmpStream ?? "";
  const jitterBufferMs = msgMilliseconds(msg, "jitterBufferMs") ?? settingMilliseconds(config.jitterBufferMs);
  const audio = audioFile(msg, config);
  const recordPath = msgString(msg, "recordPath") ?? settingString(config.recordPath);
  // Restarts of the call's outputs before one is given up (the engine's default when absent).
  const rtmpRetries = msgWholeNumber(msg, "rtmpRetries", 0, MAX_PUBLISH_RETRIES) ?? settingWholeNumber(config.rtmpRetries, "rtmpRetries", 0, MAX_PUBLISH_RETRIES);
  const rtpTimeout = msgWholeNumber(msg, "rtpTimeout", 0, MAX_RTP_TIMEOUT_S) ?? settingWholeNumber(config.rtpTimeout, "rtpTimeout", 0, MAX_RTP_TIMEOUT_S);
  const selfSigned = msgBoolean(msg, "rtmpsAllowSelfSigned") ?? settingBoolean(config.rtmpsAllowSelfSigned, false);
  const caFile = settingString(config.rtmpsCaFile);
  const slateImage = settingString(config.slateImage);
  const videoSlate = settingString(config.sendVideoSlate);
  const toStream = (msgString(msg, "toStream") ?? settingString(config.toStream)).trim();
  return {
    kind: "call",
    options: {
      callee,
      ...(callId ? { callId } : {}),
      hasAudio: msgBoolean(msg, "hasAudio") ?? settingBoolean(config.hasAudio, true),
      hasVideo: msgBoolean(msg, "hasVideo") ?? settingBoolean(config.hasVideo, true),
      ...(rtmpUrl ? { rtmpUrl, rtmpStream } : {}),
      ...(recordPath ? { recordPath } : {}),
      ...(rtmpRetries === undefined ? {} : { publishRetry: { maxRetries: rtmpRetries } }),
      ...(rtpTimeout === undefined ? {} : { rtpTimeoutMs: rtpTimeout * 1000 }),
      ...(selfSigned ? { rtmpsAllowSelfSigned: true } : {}),
      ...(caFile ? { rtmpsCaFile: caFile } : {}),
      ...(slateImage ? { slateImage } : {}),
      ...(videoSlate ? { sendVideoSlate: videoSlate.toLowerCase() === "black" ? true : videoSlate } : {}),
      ...(jitterBufferMs === undefined ? {} : { jitterBufferMs }),
      ...(audio ? { playAudio: audio.file, playAudioLoop: audio.loop } : {}),
      ...(toStream ? { toStream } : {}),
    },
  };
}

/**
 * `msg.audioFile` (+ `msg.loop`), else the node's audio file (+ its loop setting): for the playAudio
 * action, or on a call start (played once answered).
 */
function audioFile(msg: NodeMessage, config: SipCallConfig): { file: string; loop: boolean } | undefined {
  const fromMsg = msgString(msg, "audioFile");
  if (fromMsg !== undefined && fromMsg.trim() === "") throw new MsgFieldError("audioFile", "audioPath", fromMsg);
  const file = fromMsg ?? (settingString(config.audioFile) || undefined);
  if (file === undefined) return undefined;
  return { file, loop: msgBoolean(msg, "loop") ?? settingBoolean(config.audioLoop, false) };
}

/** A number of milliseconds 0–1000 in `msg` (numeric strings too: WCS clients send strings). */
function msgMilliseconds(msg: NodeMessage, field: string): number | undefined {
  const value = msg[field];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > MAX_JITTER_BUFFER_MS) {
    throw new MsgFieldError(field, "milliseconds", value, { max: MAX_JITTER_BUFFER_MS });
  }
  return n;
}

/** The editor's value, or undefined (the engine's default) when the flow predates the setting or it is empty. */
function settingMilliseconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  // A bad stored value goes to the engine, whose ConfigError names jitterBufferMs.
  return typeof value === "number" ? value : Number(value);
}
