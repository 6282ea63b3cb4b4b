import { existsSync, statSync } from "node:fs";
import { ConfigError } from "../errors";
import { checkText, MAX_PATH_LENGTH } from "../util/text-fields";

/** Checks that an image option names a readable file. @throws ConfigError naming the field */
export function checkImage(file: string | undefined, field: string): void {
  if (file === undefined) return;
  checkText(field, file, MAX_PATH_LENGTH);
  if (typeof file !== "string" || file === "" || !existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`${field}: no image file at "${String(file)}"`);
}
