import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";
import { FfmpegNotFoundError } from "../errors";

/** Where the ffmpeg binary was found. */
export type FfmpegSource = "setting" | "FFMPEG_PATH" | "ffmpeg-static" | "PATH";

/** Options of {@link locateFfmpeg}. */
export interface LocateFfmpegOptions {
  /** The node's / CLI option's ffmpeg path: an absolute path, or a bare name looked up on PATH. */
  configured?: string;
  /** Environment to read FFMPEG_PATH and PATH from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Loads the `ffmpeg-static` package (default `require("ffmpeg-static")`); tests inject one. */
  loadFfmpegStatic?: () => unknown;
  /** Platform whose PATH rules apply (default `process.platform`). */
  platform?: NodeJS.Platform;
}

/** The binary to run and where it came from. */
export interface LocatedFfmpeg {
  path: string;
  source: FfmpegSource;
}

/**
 * Resolves the ffmpeg binary: the setting, then env `FFMPEG_PATH`, then the optional
 * dependency `ffmpeg-static`, then `ffmpeg` on PATH.
 *
 * @remarks
 * A path the user set explicitly (setting or FFMPEG_PATH) that does not exist or is not
 * executable throws at once, naming it: silently using another ffmpeg would hide the typo.
 * `ffmpeg-static` is only a convenience; when it is absent (its install script downloads the
 * binary and fails offline, so npm leaves it out) or its binary is missing, the search goes on.
 *
 * @throws FfmpegNotFoundError naming all four places and what each gave.
 */
export function locateFfmpeg(opts: LocateFfmpegOptions = {}): LocatedFfmpeg {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const tried: string[] = [];

  const configured = opts.configured?.trim();
  if (configured) return { path: resolveExplicit(configured, "the ffmpeg path setting", env, platform), source: "setting" };
  tried.push("setting: not set");

  const fromEnv = env.FFMPEG_PATH?.trim();
  if (fromEnv) return { path: resolveExplicit(fromEnv, "FFMPEG_PATH", env, platform), source: "FFMPEG_PATH" };
  tried.push("FFMPEG_PATH: not set");

  const fromStatic = tryFfmpegStatic(opts.loadFfmpegStatic ?? defaultLoadFfmpegStatic);
  if ("path" in fromStatic) return { path: fromStatic.path, source: "ffmpeg-static" };
  tried.push(`ffmpeg-static: ${fromStatic.why}`);

  const dirs = pathDirs(env, platform);
  const onPath = searchPath("ffmpeg", dirs, env, platform);
  if (onPath) return { path: onPath, source: "PATH" };
  tried.push(dirs.length ? `PATH: no executable ffmpeg in ${dirs.join(platform === "win32" ? ";" : ":")}` : "PATH: empty");

  throw new FfmpegNotFoundError(
    `ffmpeg not found. Tried ${tried.join("; ")}. Install ffmpeg (e.g. apt-get install ffmpeg), ` +
      `or set its path in the setting or in FFMPEG_PATH.`,
  );
}

function defaultLoadFfmpegStatic(): unknown {
  // An optional dependency: absent on machines where its download failed.
  return require("ffmpeg-static") as unknown;
}

function tryFfmpegStatic(load: () => unknown): { path: string } | { why: string } {
  let value: unknown;
  try {
    value = load();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "MODULE_NOT_FOUND") return { why: "not installed (optional dependency)" };
    return { why: `failed to load (${e.message})` };
  }
  // ffmpeg-static exports the path string, or null on platforms it has no build for.
  const p = typeof value === "string" ? value : (value as { default?: unknown } | null)?.default;
  if (typeof p !== "string" || p === "") return { why: "has no binary for this platform" };
  const problem = executableProblem(p);
  return problem ? { why: `its binary ${p} ${problem} (did its download fail?)` } : { path: p };
}

function resolveExplicit(value: string, where: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const hasSeparator = value.includes("/") || (platform === "win32" && value.includes("\\"));
  if (!hasSeparator) {
    const found = searchPath(value, pathDirs(env, platform), env, platform);
    if (!found) throw new FfmpegNotFoundError(`ffmpeg "${value}" from ${where} was not found on PATH`);
    return found;
  }
  const problem = executableProblem(value);
  if (problem) throw new FfmpegNotFoundError(`ffmpeg path ${value} from ${where} ${problem}`);
  return value;
}

/** Why a path cannot be run, or undefined when it can. */
function executableProblem(p: string): string | undefined {
  try {
    if (!statSync(p).isFile()) return "is not a file";
  } catch {
    return "does not exist";
  }
  try {
    accessSync(p, constants.X_OK);
  } catch {
    return "is not executable";
  }
  return undefined;
}

function pathDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const raw = (platform === "win32" ? (env.PATH ?? env.Path) : env.PATH) ?? "";
  const delimiter = platform === "win32" ? ";" : ":";
  return raw.split(delimiter).filter((d) => d.length > 0);
}

function searchPath(name: string, dirs: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const exts = platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext.toLowerCase());
      if (!executableProblem(candidate)) return candidate;
    }
  }
  return undefined;
}
