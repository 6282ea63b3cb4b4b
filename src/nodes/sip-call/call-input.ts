import type { CallOptions } from "node-red-contrib-sipcast";
import { msgBoolean, msgString, settingBoolean, settingString } from "../shared/msg-fields";
import type { NodeDef, NodeMessage } from "../shared/node-red-types";

/** The sip-call node's settings as the editor stores them. */
export interface SipCallConfig extends NodeDef {
  account?: string;
  callee?: string;
  callId?: string;
  hasAudio?: boolean | string;
  hasVideo?: boolean | string;
  rtmpUrl?: string;
}

/** The credentials of a sip-call node: the stream name, which is the CDN's stream key. */
export interface SipCallCredentials {
  rtmpStream?: string;
}

/** What an input message asks for. */
export type CallRequest = { kind: "terminate"; callId: string | undefined } | { kind: "call"; options: CallOptions };

/** `msg.terminate === true` (or "true"), `msg.payload === "terminate"` or `msg.action === "terminate"`. */
function asksToTerminate(msg: NodeMessage): boolean {
  return msgBoolean(msg, "terminate") === true || msg.payload === "terminate" || msg.action === "terminate";
}

/**
 * Reads a sip-call input message: `msg` fields (WCS `/call/startup` names) override the node's settings.
 * Throws an Error naming the field for a malformed one; the engine checks the values themselves
 * (callee syntax, callId characters, RTMP URL) when the call is placed.
 */
export function parseCallRequest(msg: NodeMessage, config: SipCallConfig, credentials: SipCallCredentials | undefined): CallRequest {
  if (asksToTerminate(msg)) return { kind: "terminate", callId: msgString(msg, "callId") || undefined };
  const callee = (msgString(msg, "callee") ?? settingString(config.callee)).trim();
  if (!callee) throw new Error("msg.callee: no callee: set one in the node or in msg.callee");
  const callId = msgString(msg, "callId") ?? settingString(config.callId);
  const rtmpUrl = msgString(msg, "rtmpUrl") ?? settingString(config.rtmpUrl);
  const rtmpStream = msgString(msg, "rtmpStream") ?? credentials?.rtmpStream ?? "";
  return {
    kind: "call",
    options: {
      callee,
      ...(callId ? { callId } : {}),
      hasAudio: msgBoolean(msg, "hasAudio") ?? settingBoolean(config.hasAudio, true),
      hasVideo: msgBoolean(msg, "hasVideo") ?? settingBoolean(config.hasVideo, true),
      ...(rtmpUrl ? { rtmpUrl, rtmpStream } : {}),
    },
  };
}
