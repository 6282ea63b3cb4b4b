import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "node-red-contrib-sipcast";
let cachedRoot: string | undefined;

/**
 * The repository root: the nearest folder above this file whose package.json is this
 * project's. Walking up (instead of a fixed `../..`) keeps it right for every build folder
 * (`build/`, a helper's `build-x/`).
 */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      const parsed = JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: unknown };
      if (parsed.name === PACKAGE_NAME) return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`test harness: no package.json named ${PACKAGE_NAME} above ${__dirname}`);
    dir = parent;
  }
}

/** `<repo>/test/peers`: the peer configuration templates (never `../shared`). */
export function peersDir(): string {
  return path.join(repoRoot(), "test", "peers");
}

/** `<repo>/.run` (gitignored), created on demand. */
export function runRoot(): string {
  const dir = path.join(repoRoot(), ".run");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The variable that sends the browser tests' screenshots to the tracked `docs/` (`npm run docs:pictures`). */
export const DOCS_PICTURES_VARIABLE = "SIPCAST_DOCS_PICTURES";

/**
 * Where the browser tests put their screenshots: `<repo>/.run/screenshots` (gitignored), so a test run
 * never rewrites a tracked file; `<repo>/docs` only when `npm run docs:pictures` asks for the README's
 * pictures (SIPCAST_DOCS_PICTURES=1).
 */
export function picturesDir(): string {
  const dir = process.env[DOCS_PICTURES_VARIABLE] === "1" ? path.join(repoRoot(), "docs") : path.join(runRoot(), "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A fresh, empty directory under `<repo>/.run/` for one test or one peer. The name is
 * reduced to `[A-Za-z0-9._-]` and gets a unique suffix, so the same name can be asked
 * for again (e.g. by a retried test) without mixing files.
 */
export function runDir(name: string): string {
  const safe =
    name
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/\.{2,}/g, ".")
      .replace(/^[-.]+|[-.]+$/g, "")
      .slice(0, 60) || "run";
  return fs.mkdtempSync(path.join(runRoot(), `${safe}-`));
}
