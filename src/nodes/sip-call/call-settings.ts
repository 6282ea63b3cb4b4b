import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve, sep } from "node:path";
import { NodeTextError } from "../shared/i18n";
import type { Node, NodeAPI, NodeMessage } from "../shared/node-red-types";
import { CREDENTIAL_TYPE, evaluateSetting } from "../shared/typed-setting";
import type { SipCallConfig, SipCallCredentials } from "./call-input";

/**
 * The sip-call settings for one message: the TypedInput settings (callee, RTMP URL, stream key,
 * record path, audio file) evaluated against `msg` and the node's context and environment, so that
 * parseCallRequest sees plain texts. The `msg.*` overrides are applied after this, by parseCallRequest.
 */
export async function evaluateCallSettings(
  RED: NodeAPI,
  node: Node,
  config: SipCallConfig,
  credentials: SipCallCredentials | undefined,
  msg: NodeMessage,
): Promise<{ config: SipCallConfig; credentials: SipCallCredentials }> {
  const text = (name: string, value: unknown, type: unknown): Promise<string> => evaluateSetting(RED, node, { name, value, type }, msg);
  // The playAudio action reads only the audio file: a msg-typed callee its message lacks is no error.
  if (msg.action === "playAudio") return { config: { ...config, audioFile: await text("audioFile", config.audioFile, config.audioFileType) }, credentials: credentials ?? {} };
  const [callee, rtmpUrl, recordPath, audioFile, rtmpStream] = await Promise.all([
    text("callee", config.callee, config.calleeType),
    text("rtmpUrl", config.rtmpUrl, config.rtmpUrlType),
    text("recordPath", config.recordPath, config.recordPathType),
    text("audioFile", config.audioFile, config.audioFileType),
    evaluateSetting(RED, node, { name: "rtmpStream", value: config.streamKey, type: config.streamKeyType ?? CREDENTIAL_TYPE, credential: credentials?.rtmpStream }, msg),
  ]);
  return { config: { ...config, callee, rtmpUrl, recordPath, audioFile }, credentials: { rtmpStream } };
}

/**
 * `file` as a path inside the media folder `root` (a relative one is taken from it). The folder it
 * goes in must exist and, links followed, lie inside `root`: a flow message cannot make the node
 * write elsewhere on the disk. @throws NodeTextError naming recordPath
 */
export function recordPathIn(root: string, file: string): string {
  const refused = new NodeTextError("sipCall.recordOutside", { path: file });
  const wanted = isAbsolute(file) ? file : resolve(root, file);
  let realRoot: string;
  let realFolder: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new NodeTextError("sipCall.noMediaFolder", { folder: root });
  }
  try {
    realFolder = realpathSync(dirname(wanted));
  } catch {
    throw refused;
  }
  const inside = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  if (realFolder !== realRoot && !realFolder.startsWith(inside)) throw refused;
  return resolve(realFolder, basename(wanted));
}
