import { MAX_PUBLISH_RETRIES } from "node-red-contrib-sipcast";
import { msgChoice, msgString, msgWholeNumber, settingString } from "../shared/msg-fields";
import type { NodeDef, NodeMessage } from "../shared/node-red-types";

/** The rtmp-republish node's settings as the editor stores them. */
export interface RtmpRepublishConfig extends NodeDef {
  callId?: string;
  rtmpUrl?: string;
  action?: string;
}

/** The credentials of an rtmp-republish node: the stream name (the CDN's stream key). */
export interface RtmpRepublishCredentials {
  rtmpStream?: string;
}

/** What an input message asks for (WCS `/push/startup` and `/push/terminate`). */
export type RepublishRequest =
  /** `rtmpRetries`: restarts before the output is given up; absent: the engine's default. */
  | { action: "start"; callId: string; rtmpUrl: string; rtmpStream: string; rtmpRetries?: number }
  | { action: "stop"; callId: string; outputId: string | undefined };

const ACTIONS = ["start", "stop"] as const;

/**
 * Reads an rtmp-republish input message: `msg.action` (or a `msg.payload` of "start"/"stop"), `msg.callId`,
 * `msg.rtmpUrl`, `msg.rtmpStream`, `msg.rtmpRetries`, `msg.outputId` override the node's settings. Throws naming the bad field;
 * the engine checks the URL itself.
 */
export function parseRepublishRequest(msg: NodeMessage, config: RtmpRepublishConfig, credentials: RtmpRepublishCredentials | undefined): RepublishRequest {
  const callId = msgString(msg, "callId") ?? settingString(config.callId);
  if (!callId) throw new Error("msg.callId: no call: set msg.callId or the node's call id");
  const fromPayload = typeof msg.payload === "string" ? ACTIONS.find((a) => a === msg.payload) : undefined;
  const action = msgChoice(msg, "action", ACTIONS) ?? fromPayload ?? (settingString(config.action) === "stop" ? "stop" : "start");
  if (action === "stop") return { action, callId, outputId: msgString(msg, "outputId") || undefined };
  const rtmpUrl = msgString(msg, "rtmpUrl") ?? settingString(config.rtmpUrl);
  if (!rtmpUrl) throw new Error("msg.rtmpUrl: no RTMP URL: set msg.rtmpUrl or the node's URL");
  const rtmpRetries = msgWholeNumber(msg, "rtmpRetries", 0, MAX_PUBLISH_RETRIES);
  return { action, callId, rtmpUrl, rtmpStream: msgString(msg, "rtmpStream") ?? credentials?.rtmpStream ?? "", ...(rtmpRetries === undefined ? {} : { rtmpRetries }) };
}
