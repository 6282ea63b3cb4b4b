import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "node-red-contrib-sipcast";

/**
 * The folder of this package's package.json, found by walking up from this file, so the launcher
 * works from every build folder (`build/src/demo-app`, `dist/demo-app`).
 */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown }).name === PACKAGE_NAME) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${from}`);
    dir = parent;
  }
}
