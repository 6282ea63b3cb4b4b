import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, runDir } from "../harness/paths";
import { spawnManaged, type ManagedProcess } from "../harness/managed-process";

/** A running Node-RED (test/browser/node-red-server.ts in a child process). */
export interface NodeRedInstance {
  /** `http://127.0.0.1:<port>` — the editor and the admin API (httpAdminRoot "/"). */
  readonly url: string;
  readonly version: string;
  readonly userDir: string;
  /** The runtime's log so far. */
  logs(): string;
  /** Stops Node-RED (its nodes close) and the process; idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startNodeRed}. */
export interface StartNodeRedOptions {
  /** Default 60 s: a cold start loads ~60 core node files. */
  timeoutMs?: number;
}

/**
 * Starts Node-RED with this package's nodes, a fresh userDir under .run/ and a free loopback port,
 * on this process's node binary. The child reads NODE_RED_PATH (a node-red package folder) from the
 * inherited environment, so scripts/test-node-red-5.sh runs the same test on Node-RED 5 under Node 22.
 */
export async function startNodeRed(options: StartNodeRedOptions = {}): Promise<NodeRedInstance> {
  const userDir = runDir("node-red-editor");
  const server = path.join(__dirname, "node-red-server.js");
  // The runtime's own close timeout is 15 s; the SIP account's close takes up to ~8 s.
  const proc: ManagedProcess = spawnManaged("node-red", process.execPath, [server, userDir, repoRoot()], { cwd: userDir, graceMs: 20000 });
  try {
    const ready = await proc.waitForLine(/^READY \d+ /, options.timeoutMs ?? 60000);
    const [, port, version] = ready.split(" ");
    return {
      url: `http://127.0.0.1:${port}`,
      version: version ?? "?",
      userDir,
      logs: () => proc.logs(),
      stop: async () => {
        await proc.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await proc.stop();
    throw new Error(`Node-RED did not start: ${(error as Error).message}\n${proc.logs().slice(-4000)}`);
  }
}
