import { randomUUID } from "node:crypto";
import { rtmpOutputUrl } from "../output/ffmpeg/ffmpeg-targets";
import type { PushRecord, WcsCallRecord } from "./call-book";
import { httpErrorOf } from "./engine-errors";
import { checkRtmpTarget } from "./target-checks";
import { optionalString, requiredString, wcsBoolean, type WcsBody } from "./wcs-fields";
import { WcsHttpError, badField } from "./wcs-http-error";
import { pushJson, type WcsPushJson } from "./wcs-json";
import type { WcsState } from "./wcs-options";

/**
 * `/push/startup`: a "transponder" that republishes the call whose `toStream` is `streamName` to
 * `rtmpUrl` (one more output of that call, with its own ffmpeg). The published name is
 * prefix + streamName, or `rtmpUrl` is used as it is when `rtmpTransponderFullUrl` is true.
 * 404 when no live call has that stream, 409 when that call already pushes the stream to that URL
 * or is not ESTABLISHED, 400 for a missing or malformed `rtmpUrl`, 403 for an `rtmpUrl` host not in
 * `allowedRtmpHosts`.
 */
export function pushStartup(state: WcsState, body: WcsBody): WcsPushJson {
  const streamName = requiredString(body, "streamName");
  const rtmpUrl = requiredString(body, "rtmpUrl");
  const full = wcsBoolean(body, "rtmpTransponderFullUrl", false);
  const options = body.options;
  if (options !== undefined && options !== null && (typeof options !== "object" || Array.isArray(options))) throw badField("options", "expected an object");
  const publishedName = full ? "" : (state.options.streamNamePrefix ?? "") + streamName;
  const target = { rtmpUrl, rtmpStream: publishedName };
  let url: string;
  try {
    url = rtmpOutputUrl(target);
  } catch (error) {
    throw httpErrorOf(error, "rtmpUrl");
  }
  // The target is checked before the call is looked up: a forbidden host is refused whatever the stream.
  checkRtmpTarget(state.allow.rtmp, url, "rtmpUrl");
  const record = callOfStream(state, streamName);
  for (const p of record.pushes.values()) {
    if (p.streamName === streamName && p.rtmpUrl === rtmpUrl) throw new WcsHttpError(409, `a transponder of "${streamName}" to this rtmpUrl exists (${p.mediaSessionId})`);
  }
  const mediaSessionId = randomUUID();
  try {
    record.call.publish(target, { ...state.options.outputSettings, id: mediaSessionId });
  } catch (error) {
    throw httpErrorOf(error, "rtmpUrl");
  }
  const push: PushRecord = {
    mediaSessionId,
    callId: record.callId,
    streamName,
    publishedName,
    rtmpUrl,
    rtmpTransponderFullUrl: full,
    options: (options as Record<string, unknown> | undefined) ?? {},
    status: "STARTING",
  };
  // The output may already have reported (and even failed) synchronously: keep what it said.
  if (record.call.outputs().some((o) => o.id === mediaSessionId)) record.pushes.set(mediaSessionId, push);
  state.logger.log("info", "wcs", `call ${record.callId}: /push/startup ${mediaSessionId}`);
  return pushJson(push);
}

/** `/push/terminate`: stops the transponder `mediaSessionId`. */
export function pushTerminate(state: WcsState, body: WcsBody): Record<string, never> {
  const id = requiredString(body, "mediaSessionId");
  for (const record of state.book.liveCalls()) {
    if (!record.pushes.has(id)) continue;
    record.pushes.delete(id);
    record.call.unpublish(id);
    state.logger.log("info", "wcs", `call ${record.callId}: /push/terminate ${id}`);
    return {};
  }
  throw new WcsHttpError(404, `mediaSessionId: no transponder "${id}"`, "mediaSessionId");
}

/** `/push/find`: transponders matching every field given (streamName, rtmpUrl, mediaSessionId); 404 when none. */
export function pushFind(state: WcsState, body: WcsBody): WcsPushJson[] {
  const streamName = optionalString(body, "streamName");
  const rtmpUrl = optionalString(body, "rtmpUrl");
  const id = optionalString(body, "mediaSessionId");
  const found = allPushes(state).filter(
    (p) =>
      (streamName === undefined || p.streamName === streamName || p.publishedName === streamName) &&
      (rtmpUrl === undefined || p.rtmpUrl === rtmpUrl) &&
      (id === undefined || p.mediaSessionId === id),
  );
  if (found.length === 0) throw new WcsHttpError(404, "transponder not found");
  return found.map(pushJson);
}

/** `/push/find_all`: every transponder (404 when there is none, as WCS documents). */
export function pushFindAll(state: WcsState): WcsPushJson[] {
  const all = allPushes(state);
  if (all.length === 0) throw new WcsHttpError(404, "no transponders");
  return all.map(pushJson);
}

function allPushes(state: WcsState): PushRecord[] {
  return state.book.liveCalls().flatMap((r) => [...r.pushes.values()]);
}

/**
 * The live call that reserved `streamName` with `toStream`, as in WCS. A call without `toStream`
 * has no stream to transpond: its callId is not a stream name, so no client can reach a call it
 * only knows (or guessed) the callId of.
 */
function callOfStream(state: WcsState, streamName: string): WcsCallRecord {
  const record = state.book.liveCalls().find((r) => r.toStream === streamName);
  if (!record) throw new WcsHttpError(404, `streamName: no call publishes the stream "${streamName}"`, "streamName");
  return record;
}
