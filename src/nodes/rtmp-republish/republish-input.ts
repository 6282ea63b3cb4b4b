import { MAX_PUBLISH_RETRIES } from "node-red-contrib-sipcast";
import { NodeTextError } from "../shared/i18n";
import { msgBoolean, msgChoice, msgString, msgWholeNumber, settingBoolean, settingString, settingWholeNumber } from "../shared/msg-fields";
import type { NodeDef, NodeMessage } from "../shared/node-red-types";

/** The rtmp-republish node's settings as the editor stores them. */
export interface RtmpRepublishConfig extends NodeDef {
  callId?: string;
  rtmpUrl?: string;
  action?: string;
  /** TypedInput source of rtmpUrl; absent in older flows: `str`. Evaluated by the controller before parsing. */
  rtmpUrlType?: string;
  /** Where the stream key comes from: `cred` (absent in older flows) the credential, else the msg/flow/global/env property named here. */
  streamKey?: string;
  streamKeyType?: string;
  /** Restarts of a failing output before it is given up; "" or absent: the engine's default. */
  rtmpRetries?: number | string;
  /** Do not check the RTMPS server's certificate (default false). */
  rtmpsAllowSelfSigned?: boolean | string;
  /** PEM file of the CA to trust for RTMPS; "" or absent: the system's store. */
  rtmpsCaFile?: string;
  /** Picture published as the video of a call without video; "" or absent: black. */
  slateImage?: string;
}

/** Output settings of a start request, each present only when set (the engine's defaults otherwise). */
export interface RepublishSettings {
  /** Restarts before the output is given up. */
  rtmpRetries?: number;
  rtmpsAllowSelfSigned?: true;
  rtmpsCaFile?: string;
  slateImage?: string;
}

/** The credentials of an rtmp-republish node: the stream name (the CDN's stream key). */
export interface RtmpRepublishCredentials {
  rtmpStream?: string;
}

/** What an input message asks for (WCS `/push/startup` and `/push/terminate`). */
export type RepublishRequest =
  /** `rtmpRetries`: restarts before the output is given up; absent: the engine's default. */
  | ({ action: "start"; callId: string; rtmpUrl: string; rtmpStream: string } & RepublishSettings)
  | { action: "stop"; callId: string; outputId: string | undefined };

const ACTIONS = ["start", "stop"] as const;

/**
 * Reads an rtmp-republish input message: `msg.action` (or a `msg.payload` of "start"/"stop"), `msg.callId`,
 * `msg.rtmpUrl`, `msg.rtmpStream`, `msg.rtmpRetries`, `msg.outputId` override the node's settings. Throws naming the bad field;
 * the engine checks the URL itself.
 */
export function parseRepublishRequest(msg: NodeMessage, config: RtmpRepublishConfig, credentials: RtmpRepublishCredentials | undefined): RepublishRequest {
  const callId = msgString(msg, "callId") ?? settingString(config.callId);
  if (!callId) throw new NodeTextError("call.noCallId");
  const fromPayload = typeof msg.payload === "string" ? ACTIONS.find((a) => a === msg.payload) : undefined;
  const action = msgChoice(msg, "action", ACTIONS) ?? fromPayload ?? (settingString(config.action) === "stop" ? "stop" : "start");
  if (action === "stop") return { action, callId, outputId: msgString(msg, "outputId") || undefined };
  const rtmpUrl = msgString(msg, "rtmpUrl") ?? settingString(config.rtmpUrl);
  if (!rtmpUrl) throw new NodeTextError("republish.noRtmpUrl");
  const rtmpRetries = msgWholeNumber(msg, "rtmpRetries", 0, MAX_PUBLISH_RETRIES) ?? settingWholeNumber(config.rtmpRetries, "rtmpRetries", 0, MAX_PUBLISH_RETRIES);
  const caFile = settingString(config.rtmpsCaFile);
  const slateImage = settingString(config.slateImage);
  const settings: RepublishSettings = {
    ...(rtmpRetries === undefined ? {} : { rtmpRetries }),
    ...((msgBoolean(msg, "rtmpsAllowSelfSigned") ?? settingBoolean(config.rtmpsAllowSelfSigned, false)) ? { rtmpsAllowSelfSigned: true as const } : {}),
    ...(caFile ? { rtmpsCaFile: caFile } : {}),
    ...(slateImage ? { slateImage } : {}),
  };
  return { action, callId, rtmpUrl, rtmpStream: msgString(msg, "rtmpStream") ?? credentials?.rtmpStream ?? "", ...settings };
}
