import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A file only this user can read, in its own temp directory; remove() deletes both. */
export interface PrivateTempFile {
  readonly path: string;
  remove(): void;
}

/** `sipcast-<owner pid>-XXXXXX`: the pid lets a later engine tell a dead owner's leftovers (see {@link removeStaleTempDirs}). */
const OWNED_DIR = /^sipcast-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Writes `text` to `<tmp>/sipcast-<pid>-XXXXXX/<name>` (directory 0700, file 0600).
 *
 * @remarks
 * The SDP names the ports ffmpeg listens on; a world-readable file in a shared /tmp would let
 * another user learn them (and race us for them). A fresh directory per file also avoids
 * predictable names.
 */
export function writePrivateTempFile(name: string, text: string, dir: string = tmpdir()): PrivateTempFile {
  const folder = mkdtempSync(path.join(dir, `sipcast-${process.pid}-`));
  const file = path.join(folder, name);
  writeFileSync(file, text, { mode: 0o600, flag: "wx" });
  let removed = false;
  return {
    path: file,
    remove(): void {
      if (removed) return;
      removed = true;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Removes the temp folders that engines killed before they could clean up (SIGKILL, power loss)
 * left behind: only folders named like {@link writePrivateTempFile}'s, owned by this user, whose
 * owner pid is not a live process. A folder whose pid was given to some other process since is
 * kept (the safe side); one that cannot be read or removed is skipped. Returns the paths removed.
 */
export function removeStaleTempDirs(dir: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = OWNED_DIR.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const folder = path.join(dir, name);
    try {
      const st = lstatSync(folder);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
