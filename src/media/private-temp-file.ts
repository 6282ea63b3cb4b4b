import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A file only this user can read, in its own temp directory; remove() deletes both. */
export interface PrivateTempFile {
  readonly path: string;
  remove(): void;
}

/**
 * Writes `text` to `<tmp>/sipcast-XXXXXX/<name>` (directory 0700, file 0600).
 *
 * @remarks
 * The SDP names the ports ffmpeg listens on; a world-readable file in a shared /tmp would let
 * another user learn them (and race us for them). A fresh directory per file also avoids
 * predictable names.
 */
export function writePrivateTempFile(name: string, text: string): PrivateTempFile {
  const dir = mkdtempSync(path.join(tmpdir(), "sipcast-"));
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600, flag: "wx" });
  let removed = false;
  return {
    path: file,
    remove(): void {
      if (removed) return;
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
