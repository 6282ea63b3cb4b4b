import * as path from "node:path";
import { DEMO_PASSWORD_VARIABLE, READY_PREFIX, basicAuthHeader, type PageConfig } from "../../src/demo-app";
import { spawnManaged, type ExitInfo, type ManagedProcess } from "../harness/managed-process";
import { repoRoot, runDir } from "../harness/paths";
import { isDeadState, listProcesses, type ProcInfo } from "../harness/proc";

/** `npm start`'s launcher (build/scripts/demo.js) running in a process group of its own. */
export interface LauncherProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pageUrl: string;
  readonly userDir: string;
  readonly pid: number;
  readonly config: PageConfig;
  /** The login the banner printed (or the one given in SIPCAST_DEMO_PASSWORD). */
  readonly user: string;
  readonly password: string;
  /** `Authorization: Basic …` for that login. */
  readonly authorization: string;
  /** `{ Authorization: … }`, for {@link postJson}. */
  readonly authHeaders: Record<string, string>;
  /** fetch() with the login's Authorization header added; `target` is a URL or a path below `url`. */
  fetch(target: string, init?: RequestInit): Promise<Response>;
  logs(): string;
  /** Every live process below the launcher (its RTMP server, ffmpeg runs). */
  descendants(): ProcInfo[];
  /** Ctrl-C as a terminal sends it: SIGINT to the whole process group; resolves with how the launcher exited. */
  interrupt(timeoutMs: number): Promise<ExitInfo>;
  /** Safety net for `after` hooks: SIGTERM, then SIGKILL, to the group. */
  kill(): Promise<void>;
}

/** The launcher's script, built from scripts/demo.ts next to this test's build folder. */
function launcherScript(): string {
  return path.join(__dirname, "..", "..", "scripts", "demo.js");
}

/**
 * Starts the launcher on free ports (every SIPCAST_DEMO_*_PORT = 0) with a fresh userDir under .run/
 * (unless `env` names one),
 * and resolves once it printed its ready line and the page's settings answer.
 */
export async function startLauncher(env: Record<string, string> = {}): Promise<LauncherProcess> {
  const userDir = env.SIPCAST_DEMO_USERDIR ?? runDir("demo-userdir");
  const proc: ManagedProcess = spawnManaged("sipcast demo", process.execPath, [launcherScript()], {
    cwd: repoRoot(),
    env: {
      ...process.env,
      SIPCAST_DEMO_PORT: "0",
      SIPCAST_DEMO_RTMP_PORT: "0",
      SIPCAST_DEMO_FLV_PORT: "0",
      SIPCAST_DEMO_SIP_PORT: "0",
      SIPCAST_DEMO_USERDIR: userDir,
      SIPCAST_DEMO_LOG_LEVEL: "warn",
      ...env,
    },
    // Node-RED's nodes may take their close timeout (15 s) to hang up.
    graceMs: 20_000,
  });
  let ready: string;
  try {
    ready = await proc.waitForLine(new RegExp(`^${READY_PREFIX} `), 60_000);
  } catch (error) {
    await proc.stop();
    throw new Error(`${(error as Error).message}\n${proc.logs().slice(-4000)}`);
  }
  const pageUrl = ready.slice(READY_PREFIX.length).trim();
  const url = pageUrl.replace(/\/sipcast\/$/, "");
  const printed = /log in as\s+user (\S+), password (\S+)$/m.exec(proc.logs());
  const user = printed?.[1] ?? "admin";
  const password = env[DEMO_PASSWORD_VARIABLE] ?? printed?.[2] ?? "";
  const authorization = basicAuthHeader(user, password);
  const authFetch = (target: string, init: RequestInit = {}): Promise<Response> =>
    fetch(/^https?:/.test(target) ? target : `${url}${target}`, { ...init, headers: { Authorization: authorization, ...(init.headers as Record<string, string> | undefined) } });
  const config = (await (await authFetch("/sipcast/config.json")).json()) as PageConfig;
  return {
    url,
    pageUrl,
    userDir,
    pid: proc.pid,
    config,
    user,
    password,
    authorization,
    authHeaders: { Authorization: authorization },
    fetch: authFetch,
    logs: () => proc.logs(),
    descendants: () => descendantsOf(proc.pid),
    interrupt: async (timeoutMs) => {
      process.kill(-proc.pid, "SIGINT");
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the launcher did not exit within ${timeoutMs} ms of Ctrl-C`)), timeoutMs)));
      try {
        return await Promise.race([proc.exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => proc.stop(),
  };
}

/** Live processes below `pid` (children, their children, …). */
export function descendantsOf(pid: number): ProcInfo[] {
  const all = listProcesses();
  const found: ProcInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.pop() as number;
    for (const p of all) {
      if (p.ppid === parent && !isDeadState(p.state)) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Whether `pid` still runs code (not gone, not a zombie). */
export function isAlive(pid: number): boolean {
  const p = listProcesses().find((x) => x.pid === pid);
  return p !== undefined && !isDeadState(p.state);
}

/** POSTs a JSON body (with `headers` added, e.g. Authorization) and returns the status and the parsed answer. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // a text answer (e.g. /getStatus)
  }
  return { status: res.status, body: parsed };
}

/** Polls `check` every 100 ms until it returns a value; rejects after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
