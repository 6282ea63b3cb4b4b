import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A scratch directory for one test, removed by dispose(). */
export class TempDir {
  readonly path = mkdtempSync(path.join(tmpdir(), "sipcast-media-test-"));

  file(name: string): string {
    return path.join(this.path, name);
  }

  /** Writes a shell script (mode 0755 unless given) and returns its path. */
  script(name: string, body: string, mode = 0o755): string {
    const p = this.file(name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode });
    return p;
  }

  dispose(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
