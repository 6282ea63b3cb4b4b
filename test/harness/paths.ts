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
