import { accessSync, constants } from "node:fs";
import * as path from "node:path";

/** Where util-linux's `setpriv` is looked for (Debian, Fedora, Arch, Alpine's util-linux-misc). */
const SETPRIV_CANDIDATES = ["/usr/bin/setpriv", "/bin/setpriv"];

let setprivPath: string | null | undefined;

function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== "linux") return setprivPath;
  for (const candidate of SETPRIV_CANDIDATES) {
    if (isExecutable(candidate)) {
      setprivPath = candidate;
      break;
    }
  }
  return setprivPath;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether children can be tied to this process's life here (Linux with util-linux's setpriv). */
export function canTieChildren(): boolean {
  return findSetpriv() !== null;
}

/** A command line and whether the child it starts ends with this process. */
export interface ChildCommand {
  command: string;
  args: string[];
  /** true when the child gets SIGKILL as soon as this process is gone (even by SIGKILL). */
  tied: boolean;
}

/**
 * The command line that starts `command` so that it ends when this process dies.
 *
 * @remarks
 * A child outlives a Node process killed with SIGKILL: no exit handler runs. ffmpeg does not stop
 * by itself then: measured with ffmpeg 5.1 reading RTP that has stopped (a call on hold), it ran
 * on for as long as it was watched, with `-nostdin` and also with a stdin pipe at EOF (it only
 * reads stdin for keys, and EOF is not `q`); and an input `timeout` would also end a call that is
 * merely on hold. Linux's parent-death signal does not depend on what the child is doing:
 * `setpriv --pdeathsig SIGKILL` (util-linux) sets it and then execs the command, so the child keeps
 * its pid, argv and exit status. The signal is SIGKILL, not SIGTERM: ffmpeg 5.1 takes one SIGTERM
 * as "stop at the next packet" and, once its output is set up, interrupts a blocking read only at
 * the second signal; with the engine gone no packet ever comes, so a recording's ffmpeg caught the
 * SIGTERM and ran on (seen in about one run in four). A fragmented MP4 recording stays readable up
 * to its last complete fragment.
 * The signal follows the thread that spawned the child: Node spawns from its main thread, which
 * lives as long as the process. Elsewhere (no Linux, no setpriv, a command that is not an
 * absolute path to an executable, so that a missing binary still fails as ENOENT) the command is
 * returned unchanged and `tied` is false.
 */
export function tiedToThisProcess(command: string, args: readonly string[]): ChildCommand {
  const setpriv = findSetpriv();
  if (!setpriv || !path.isAbsolute(command) || !isExecutable(command)) return { command, args: [...args], tied: false };
  return { command: setpriv, args: ["--pdeathsig", "SIGKILL", "--", command, ...args], tied: true };
}
