import { statSync } from "node:fs";
import { ConfigError } from "../errors";
import { checkText, MAX_PATH_LENGTH } from "../util/text-fields";

/**
 * Checks that `file` names a regular file we can stat, so that a typo is reported at once and in
 * plain words rather than as an ffmpeg exit a moment later.
 * @throws ConfigError naming the path (a local path is not a secret).
 */
export function checkAudioFilePath(file: unknown, field = "playAudio"): string {
  if (typeof file !== "string" || file.trim() === "") throw new ConfigError(`${field}: expected the path of an audio file`);
  checkText(field, file, MAX_PATH_LENGTH);
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === "ENOENT" || code === "ENOTDIR" ? `${field}: no such file: ${file}` : `${field}: cannot read ${file} (${code ?? "error"})`);
  }
  if (!isFile) throw new ConfigError(`${field}: not a regular file: ${file}`);
  return file;
}
