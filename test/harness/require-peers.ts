import * as fs from "node:fs";
import * as path from "node:path";

/** The external programs the end-to-end tests drive. */
export type PeerName = "kamailio" | "baresip" | "ffmpeg" | "ffprobe" | "sipp" | "sox" | "linphone" | "espeak-ng";

/** Where baresip-ffmpeg puts the modules the baresip peer loads (Debian layout). */
export const BARESIP_MODULE_DIR = "/usr/lib/baresip/modules";

/** What each peer needs on disk, and the Debian package that provides it. */
const REQUIREMENTS: Record<PeerName, Array<{ file: string; pkg: string }>> = {
  kamailio: [{ file: "kamailio", pkg: "kamailio" }],
  baresip: [
    { file: "baresip", pkg: "baresip-core" },
    { file: path.join(BARESIP_MODULE_DIR, "avcodec.so"), pkg: "baresip-ffmpeg" },
    { file: path.join(BARESIP_MODULE_DIR, "avformat.so"), pkg: "baresip-ffmpeg" },
  ],
  ffmpeg: [{ file: "ffmpeg", pkg: "ffmpeg" }],
  ffprobe: [{ file: "ffprobe", pkg: "ffmpeg" }],
  sipp: [{ file: "sipp", pkg: "sip-tester" }],
  sox: [{ file: "sox", pkg: "sox" }],
  linphone: [
    { file: "linphone-daemon", pkg: "linphone-cli" },
    { file: "linphonec", pkg: "linphone-cli" },
  ],
  "espeak-ng": [{ file: "espeak-ng", pkg: "espeak-ng" }],
};

/** PATH plus the sbin folders: kamailio lives in /usr/sbin, which a non-root PATH may lack. */
function searchDirs(): string[] {
  const fromEnv = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
  return [...fromEnv, "/usr/local/sbin", "/usr/sbin", "/sbin"];
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Absolute path of a program (searched in PATH and the sbin folders), or undefined. */
export function findProgram(name: string): string | undefined {
  if (path.isAbsolute(name)) return isExecutable(name) ? name : undefined;
  for (const dir of searchDirs()) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Like {@link findProgram} but throws the install hint when it is missing. */
export function programPath(peer: PeerName, program: string = peer): string {
  requirePeers([peer]);
  const found = findProgram(program);
  if (found === undefined) throw new Error(`test harness: ${program} not found after requirePeers`);
  return found;
}

/**
 * The Debian packages missing for `names`, in a stable order without duplicates.
 * `exists` is injectable so the message can be tested on a machine that has everything.
 */
export function missingPackages(names: readonly PeerName[], exists: (file: string) => boolean = defaultExists): string[] {
  const missing = new Set<string>();
  for (const name of names) {
    for (const req of REQUIREMENTS[name]) if (!exists(req.file)) missing.add(req.pkg);
  }
  return [...missing];
}

function defaultExists(file: string): boolean {
  return path.isAbsolute(file) ? fs.existsSync(file) : findProgram(file) !== undefined;
}

/** The error text for missing packages (exported for the test of its wording). */
export function missingPeersMessage(names: readonly PeerName[], packages: readonly string[]): string {
  return (
    `Missing test peers for ${names.join(", ")}: install the Debian package(s) ${packages.join(" ")} ` +
    `(as root: apt-get install -y --no-install-recommends ${packages.join(" ")}; or run scripts/setup.sh)`
  );
}

/**
 * Throws an Error naming exactly the Debian packages to install when any peer in `names`
 * is missing (kamailio, baresip-core + baresip-ffmpeg, ffmpeg, sip-tester, sox).
 */
export function requirePeers(names: Array<PeerName>): void {
  const packages = missingPackages(names);
  if (packages.length > 0) throw new Error(missingPeersMessage(names, packages));
}
