import { ConfigError } from "../errors";

/**
 * The longest value each text option may have. Every one of them ends up in a SIP header, a log
 * line or ffmpeg's argv, so each is bounded (a megabyte callee would be copied into every
 * retransmission and log line) and may not hold CR, LF or NUL (which would end a header or a log
 * line early and let the rest pose as a header or line of its own, or cut an argv string short).
 * The lengths leave room for every real value: DNS names are at most 253 characters, Linux paths
 * 4096 bytes, and CDN stream keys and ingest URLs a few hundred characters.
 */
export const TEXT_LIMITS = Object.freeze({
  callee: 256,
  login: 128,
  authenticationName: 128,
  displayName: 128,
  domain: 253,
  outboundProxy: 262,
  callId: 128,
  rtmpUrl: 2048,
  rtmpStream: 1024,
  path: 4096,
});

/** The longest file path option (recordPath, slateImage, sendVideoSlate, playAudio, rtmpsCaFile, ffmpegPath). */
export const MAX_PATH_LENGTH = TEXT_LIMITS.path;

const FORBIDDEN = /[\r\n\0]/;

/**
 * Checks one text option: a string of at most `max` characters without CR, LF or NUL.
 * The error names the field and never repeats the value (it may be a secret such as a stream key).
 * @throws ConfigError
 */
export function checkText(field: string, value: unknown, max: number): string {
  if (typeof value !== "string") throw new ConfigError(`${field}: expected a string, got ${value === null ? "null" : typeof value}`);
  if (value.length > max) throw new ConfigError(`${field}: longer than ${max} characters (${value.length})`);
  if (FORBIDDEN.test(value)) throw new ConfigError(`${field}: must not contain CR, LF or NUL characters`);
  return value;
}

/** {@link checkText} for an option that may be absent. */
export function checkOptionalText(field: string, value: unknown, max: number): string | undefined {
  return value === undefined ? undefined : checkText(field, value, max);
}
