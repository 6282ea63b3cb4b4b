import { realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { ConfigError } from "../errors";
import { checkText, MAX_PATH_LENGTH } from "../util/text-fields";

/**
 * Resolves `file` inside the media folder `root`: a relative path is taken from `root`, then both are
 * resolved with realpath (so `..` segments and symbolic links are followed to where they really
 * lead), and the result must be a regular file inside the real `root`.
 *
 * @remarks
 * Whoever sends the path (a flow message, a REST client) must learn nothing about the rest of the
 * disk: a missing file, a file outside the folder, a link leading out of it, a folder and an
 * unreadable path all get the very same error text. The returned real path is what is played, so a
 * link swapped after this check still cannot lead ffmpeg out of the folder by name.
 * @throws ConfigError `<field>: no audio file "<file>" in the media folder`
 */
export function resolveMediaFile(root: string, file: string, field = "playAudio"): string {
  checkText("mediaRoot", root, MAX_PATH_LENGTH);
  checkText(field, file, MAX_PATH_LENGTH);
  const refused = new ConfigError(`${field}: no audio file ${JSON.stringify(file)} in the media folder`);
  if (root.trim() === "" || file.trim() === "") throw refused;
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(isAbsolute(file) ? file : resolve(realRoot, file));
    if (!statSync(real).isFile()) throw refused;
  } catch {
    throw refused;
  }
  const inside = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  if (!real.startsWith(inside)) throw refused;
  return real;
}
