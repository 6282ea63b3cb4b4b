import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../errors";
import { redactRtmpUrl } from "../util/logger";

/** Container of a recording: fragmented MP4 or Matroska, both readable after a crash or a kill. */
export type RecordFormat = "mp4" | "mkv";

/** A live RTMP(S) target. */
export interface RtmpOutput {
  kind: "rtmp";
  /** Full URL, stream key included; never logged unredacted. */
  url: string;
  /**
   * Check the RTMPS server's certificate (ffmpeg `-tls_verify 1`, against the system's trust store
   * or `caFile`). Default true; ignored for plain rtmp://.
   */
  tlsVerify?: boolean;
  /** PEM file of the CA to trust for RTMPS instead of the system's store. */
  caFile?: string;
}

/** A recording to a local file. */
export interface RecordOutput {
  kind: "record";
  path: string;
  format: RecordFormat;
}

/** rtmp:// or rtmps:// and a host: ffmpeg would also take rtmpt/rtmpe/rtmpte, which no CDN asks for. */
const RTMP_URL = /^rtmps?:\/\/[^/\s]+/i;

/** True for an RTMP(S) URL sipcast publishes to: `rtmp://host[:port]/…` or `rtmps://…`. The one test of that shape. */
export function isRtmpUrl(url: string): boolean {
  return RTMP_URL.test(url);
}

/** Where one ffmpeg writes. */
export type RepublishOutput = RtmpOutput | RecordOutput;

/** The format named by `format`, else by the file's extension (`.mkv` → mkv, anything else → mp4). */
export function recordFormatOf(file: string, format?: string): RecordFormat {
  if (format !== undefined) {
    if (format !== "mp4" && format !== "mkv") throw new ConfigError(`record format: expected "mp4" or "mkv", got "${format}"`);
    return format;
  }
  return path.extname(file).toLowerCase() === ".mkv" ? "mkv" : "mp4";
}

/**
 * Checks a recording path before any ffmpeg runs: its folder must exist and be a folder.
 * @throws ConfigError
 */
export function checkRecordPath(file: string): string {
  if (typeof file !== "string" || file.trim() === "") throw new ConfigError("recordPath: must be a file path");
  const resolved = path.resolve(file);
  const dir = path.dirname(resolved);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`recordPath: folder ${dir} does not exist`);
  if (existsSync(resolved) && statSync(resolved).isDirectory()) throw new ConfigError(`recordPath: ${resolved} is a folder`);
  return resolved;
}

/**
 * The file a (re)start of a recording writes: `file` itself when free, else `name-2.ext`,
 * `name-3.ext`, … (never an existing file: a restart must not overwrite what was recorded).
 */
export function freeRecordPath(file: string, exists: (p: string) => boolean = existsSync): string {
  if (!exists(file)) return file;
  const ext = path.extname(file);
  const base = file.slice(0, file.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}${ext}`;
    if (!exists(candidate)) return candidate;
  }
}

/** A text that names the output without secrets: the RTMP URL with its key hidden, or the file path. */
export function describeOutput(o: RepublishOutput): string {
  return o.kind === "rtmp" ? redactRtmpUrl(o.url) : o.path;
}
