import type { RecordFormat } from "../media/output-target";
import { checkJitterBufferMs } from "./jitter-option";
import type { OutputSettings } from "./output-types";
import type { ResolvedTarget, SinkRegistry } from "./sink-registry";

/** The options of a call that start outputs on the answer or shape every output of the call. */
export interface CallOutputOptions extends OutputSettings {
  /** RTMP(S) application URL, e.g. `rtmp://a.rtmp.youtube.com/live2`. With `rtmpStream`, publishing starts on answer (output id `rtmp`). */
  rtmpUrl?: string;
  /** Stream name (the CDN's stream key): appended to `rtmpUrl`. */
  rtmpStream?: string;
  /** Record the call from the answer on to this file (fragmented MP4, or Matroska for `.mkv`), output id `record`. */
  recordPath?: string;
  /** Container of `recordPath` (default: from its extension, else mp4). */
  recordFormat?: RecordFormat;
  /**
   * Reorder/jitter buffer per received stream: how long (ms) to wait for a missing RTP packet before it
   * is given up as lost and the packets held behind it go on to the outputs. In-order packets are not
   * delayed (only a stream's first packet waits this long, once). Default 50; allowed 0..1000
   * (MAX_JITTER_BUFFER_MS; ConfigError otherwise); 0 turns reordering off altogether (ffmpeg's own is always off).
   */
  jitterBufferMs?: number;
  /**
   * Make the call watchable by browsers over WebRTC under this name (WCS `toStream`): from the answer
   * on (output id `whep`), WHEP at `{root}sipcast/whep/{toStream}` and the player page at
   * `{root}sipcast/play/{toStream}` (see the engine's `streams`). 1–64 characters of
   * A-Z a-z 0-9 . _ ~ -; unique among live calls.
   */
  toStream?: string;
}

/** An output a call starts on its answer. */
export interface InitialOutput {
  /** Its output id: the kind's name (`rtmp`, `record`). */
  id: string;
  resolved: ResolvedTarget;
}

/** A call's output options, checked once. */
export interface CheckedCallOutputs {
  /** The outputs to start on the answer, their targets resolved. */
  initial: InitialOutput[];
  jitterBufferMs: number;
}

/**
 * Checks and normalises a call's output options once, where they enter the engine (`engine.call()`),
 * so that a typo fails the call before anything is sent, never the answered call; what it returns is
 * used as is from then on.
 * @throws ConfigError naming the field.
 */
export function checkCallOutputOptions(o: CallOutputOptions, kinds: SinkRegistry): CheckedCallOutputs {
  const wanted: Array<[string, object]> = [];
  if (o.rtmpUrl) wanted.push(["rtmp", { rtmpUrl: o.rtmpUrl, rtmpStream: o.rtmpStream ?? "" }]);
  if (o.recordPath !== undefined) wanted.push(["record", { recordPath: o.recordPath, format: o.recordFormat }]);
  if (o.toStream !== undefined) wanted.push(["whep", { toStream: o.toStream }]);
  const jitterBufferMs = checkJitterBufferMs(o.jitterBufferMs);
  // The shared settings are checked by every kind; with no output yet, by the kinds at hand, so that a
  // bad publishRetry or slateImage is refused now rather than by a later call.publish().
  kinds.checkSettings(o);
  return { initial: wanted.map(([id, target]) => ({ id, resolved: kinds.resolve(target, o) })), jitterBufferMs };
}
