import { homedir } from "node:os";
import { join } from "node:path";
import { MAX_JITTER_BUFFER_MS, MAX_PUBLISH_RETRIES, type CallOptions } from "node-red-contrib-sipcast";
import { MsgFieldError, msgBoolean, msgString, msgWholeNumber, settingBoolean, settingString } from "../shared/msg-fields";
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


/** `msg.terminate === true` (or "true"), `msg.payload === "terminate"` or `msg.action === "terminate"`. */
function asksToTerminate(msg: NodeMessage): boolean {
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
    const audio = audioFile(msg);
    if (!audio) throw new Error("msg.audioFile: the path of the audio file to play is missing");
    return { kind: "playAudio", callId: msgString(msg, "callId") || undefined, ...audio };
  }
  if (msg.action === "stopAudio") return { kind: "stopAudio", callId: msgString(msg, "callId") || undefined };
  const callee = (msgString(msg, "callee") ?? settingString(config.callee)).trim();
  if (!callee) throw new Error("msg.callee: no callee: set one in the node or in msg.callee");
  const callId = msgString(msg, "callId") ?? settingString(config.callId);
  const rtmpUrl = msgString(msg, "rtmpUrl") ?? settingString(config.rtmpUrl);
  const rtmpStream = msgString(msg, "rtmpStream") ?? credentials?.rtmpStream ?? "";
  const jitterBufferMs = msgMilliseconds(msg, "jitterBufferMs") ?? settingMilliseconds(config.jitterBufferMs);
  const audio = audioFile(msg);
  const toStream = (msgString(msg, "toStream") ?? settingString(config.toStream)).trim();
  // Restarts of the rtmpUrl output before it is given up (the engine's default when absent).
  const rtmpRetries = msgWholeNumber(msg, "rtmpRetries", 0, MAX_PUBLISH_RETRIES);
  return {
    kind: "call",
    options: {
      callee,
      ...(callId ? { callId } : {}),
      hasAudio: msgBoolean(msg, "hasAudio") ?? settingBoolean(config.hasAudio, true),
      hasVideo: msgBoolean(msg, "hasVideo") ?? settingBoolean(config.hasVideo, true),
      ...(rtmpUrl ? { rtmpUrl, rtmpStream } : {}),
      ...(rtmpRetries === undefined ? {} : { publishRetry: { maxRetries: rtmpRetries } }),
      ...(jitterBufferMs === undefined ? {} : { jitterBufferMs }),
      ...(audio ? { playAudio: audio.file, playAudioLoop: audio.loop } : {}),
      ...(toStream ? { toStream } : {}),
    },
  };
}

/** `msg.audioFile` (+ `msg.loop`): for the playAudio action, or on a call start (played once answered). */
function audioFile(msg: NodeMessage): { file: string; loop: boolean } | undefined {
  const file = msgString(msg, "audioFile");
  if (file === undefined) return undefined;
  if (file.trim() === "") throw new MsgFieldError("audioFile", "the path of an audio file", file);
  return { file, loop: msgBoolean(msg, "loop") ?? false };
}

/** A number of milliseconds 0–1000 in `msg` (numeric strings too: WCS clients send strings). */
function msgMilliseconds(msg: NodeMessage, field: string): number | undefined {
  const value = msg[field];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > MAX_JITTER_BUFFER_MS) {
    throw new MsgFieldError(field, `a number of milliseconds from 0 to ${MAX_JITTER_BUFFER_MS}`, value);
  }
  return n;
}

/** The editor's value, or undefined (the engine's default) when the flow predates the setting or it is empty. */
function settingMilliseconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  // A bad stored value goes to the engine, whose ConfigError names jitterBufferMs.
  return typeof value === "number" ? value : Number(value);
}
