import { shortenLine } from "./classify-ffmpeg-failure";

/** stderr lines (ffmpeg 5.1 wording) that say why a file cannot be played, and what to tell the user. */
const CAUSES: ReadonlyArray<[RegExp, string]> = [
  [/matches no streams|does not contain any stream/i, "it has no audio stream"],
  [/no such file or directory/i, "no such file"],
  [/permission denied/i, "permission denied"],
  [/invalid data found when processing input/i, "ffmpeg cannot read it (not an audio file?)"],
  [/protocol '[^']*' not on whitelist/i, "it refers to a network or non-file source, which is not allowed"],
  [/unknown encoder|encoder not found/i, "this ffmpeg lacks the encoder for the call's codec"],
];

/** ffmpeg's hint lines that never say what went wrong. */
const HINT = /^(to ignore this|conversion failed|exiting normally)/i;

/**
 * A short reason for a failed audio-file decode, from the last stderr lines of ffmpeg run with
 * `-loglevel error`: a known cause in plain words, else the last line that is not a hint.
 */
export function describeAudioFileFailure(tail: readonly string[]): string | undefined {
  for (const [pattern, text] of CAUSES) if (tail.some((line) => pattern.test(line))) return text;
  const last = [...tail].reverse().find((line) => line.trim() !== "" && !HINT.test(line.trim()));
  return last === undefined ? undefined : shortenLine(last);
}
