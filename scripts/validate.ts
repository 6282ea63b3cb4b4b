/**
 * `npm run validate`: the Node-RED Flow Library scorecard (`node-red-dev validate`) on the packed
 * package, plus a few checks of our own on the tarball's contents.
 *
 *   node build/scripts/validate.js [--no-build]
 *
 * Builds (unless --no-build), packs with `npm pack` into .run/validate/, unpacks the tarball and runs
 * node-red-dev on the unpacked folder with the offline catalogue stub (scripts/validate-offline.ts)
 * preloaded. node-red-dev exits 0 even when checks fail, so the verdict comes from the JSON it writes
 * with `-o`: every check must be there and pass. Prints a table and exits 1 when any check fails.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** One row of the scorecard. */
export interface ScorecardCheck {
  /** node-red-dev's id (P01…D03), or S01… for this project's own checks. */
  id: string;
  title: string;
  passed: boolean;
  /** What node-red-dev recorded besides the verdict (versions, counts, offending names), or why it failed. */
  details: string;
}

/** What {@link runScorecard} found. */
export interface ScorecardResult {
  packageName: string;
  version: string;
  /** The packed tarball that was checked. */
  tarball: string;
  checks: ScorecardCheck[];
  /** True when every check passed. */
  passed: boolean;
  /** node-red-dev's console output (its warnings name the failures). */
  log: string;
}

/** Options of {@link runScorecard}. */
export interface ScorecardOptions {
  /** The package folder (default: the nearest folder above this file whose package.json is ours). */
  root?: string;
  /** Run `npm run build` before packing (default true). */
  build?: boolean;
  /** Where the tarball, the unpacked package and scorecard.json go (default `<root>/.run/validate`). */
  workDir?: string;
  /** Per child process (default 180 s). */
  timeoutMs?: number;
}

const PACKAGE_NAME = "node-red-contrib-sipcast";

/** The checks node-red-dev 0.1.6 runs (P02 is disabled in that version), with what each means. */
export const NODE_RED_DEV_CHECKS: ReadonlyArray<readonly [string, string]> = [
  ["P01", "package has a licence"],
  ["P03", "package names a repository or a bugs URL"],
  ["P04", "package name is valid (scoped or node-red-contrib-…)"],
  ["P05", "keywords contain node-red"],
  ["P06", "node-red.version is compatible with the current Node-RED"],
  ["P07", "engines.node is compatible with the current Node-RED's"],
  ["P08", "no similarly named package in the Flow Library (catalogue stubbed offline)"],
  ["N01", "node types are unique in the Flow Library (catalogue stubbed offline)"],
  ["N02", "every non-config node is used in an examples/**/*.json"],
  ["D01", "at most 6 dependencies"],
  ["D02", "no known incompatible package in the dependency tree"],
  ["D03", "every dependency range includes its latest version"],
];

/** The nearest folder above `from` whose package.json is this project's. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: unknown }).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`validate: no package.json named ${PACKAGE_NAME} above ${from}`);
  }
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; rejects when it cannot start or outlives the timeout (then it is killed). */
function run(file: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`validate: ${path.basename(file)} ${args.join(" ")} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function runOk(file: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  const result = await run(file, args, cwd, timeoutMs);
  if (result.code !== 0) throw new Error(`validate: ${file} ${args.join(" ")} exited ${result.code}:\n${result.stderr || result.stdout}`);
  return result;
}

/** What node-red-dev wrote for one check: `test` plus details. */
interface RawCheck {
  test?: unknown;
  [key: string]: unknown;
}

/** Turns node-red-dev's JSON into rows; a check it did not write counts as failed. */
export function scorecardRows(raw: Record<string, unknown>): ScorecardCheck[] {
  return NODE_RED_DEV_CHECKS.map(([id, title]) => {
    const entry = raw[id] as RawCheck | undefined;
    if (entry === undefined || typeof entry !== "object") return { id, title, passed: false, details: "not run: node-red-dev stopped before it" };
    const { test, ...rest } = entry;
    return { id, title, passed: test === true, details: Object.keys(rest).length > 0 ? JSON.stringify(rest) : "" };
  });
}

/** The names of every file in the unpacked package, relative and with "/" separators. */
function listFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(path.join(dir, e.name), rel) : [rel];
  });
}

/** A flow node as it appears in an example (only what the secret check reads). */
interface FlowNode {
  type?: unknown;
  credentials?: unknown;
  [key: string]: unknown;
}

/**
 * This project's own checks on the packed files: what node-red-dev does not look at but a user
 * of the editor would miss (a node without help or locale, a missing icon, a secret in an example).
 * @param coreIconsDir - where Node-RED's core icons are (null: count only the package's own icons)
 */
export function packageContentChecks(pkgDir: string, coreIconsDir: string | null = coreIcons() ?? null): ScorecardCheck[] {
  const files = new Set(listFiles(pkgDir));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { "node-red"?: { nodes?: Record<string, string> } };
  const nodes = Object.entries(pkg["node-red"]?.nodes ?? {});
  const missing = (names: string[]): string[] => names.filter((f) => !files.has(f));

  const perNode = nodes.flatMap(([type, js]) => {
    const dir = path.posix.dirname(js);
    return [js, js.replace(/\.js$/, ".html"), ...["en-US", "ru"].flatMap((l) => [`${dir}/locales/${l}/${type}.json`, `${dir}/locales/${l}/${type}.html`])];
  });
  const absentNodeFiles = missing(perNode);

  const icons = nodes.flatMap(([, js]) => {
    const html = path.join(pkgDir, js.replace(/\.js$/, ".html"));
    if (!fs.existsSync(html)) return [];
    const icon = /\bicon\s*:\s*["']([^"']+)["']/.exec(fs.readFileSync(html, "utf8"))?.[1];
    // "font-awesome/…" and "node-red/…" icons ship with the editor
    return icon && !icon.includes("/") ? [{ icon, file: `${path.posix.dirname(js)}/icons/${icon}` }] : [];
  });
  // the runtime also serves Node-RED's own core icons (e.g. white-globe.svg) by bare name
  const absentIcons = icons.filter(({ icon, file }) => !files.has(file) && !(coreIconsDir && fs.existsSync(path.join(coreIconsDir, icon)))).map((i) => i.file);

  const examples = [...files].filter((f) => /^examples\/.*\.json$/.test(f));
  const leaks: string[] = [];
  for (const file of examples) {
    let flow: unknown;
    try {
      flow = JSON.parse(fs.readFileSync(path.join(pkgDir, file), "utf8"));
    } catch (error) {
      leaks.push(`${file}: not JSON (${(error as Error).message})`);
      continue;
    }
    if (!Array.isArray(flow)) {
      leaks.push(`${file}: not a flow array`);
      continue;
    }
    for (const node of flow as FlowNode[]) {
      if (node.credentials !== undefined) leaks.push(`${file}: ${String(node.type)} has credentials`);
      for (const secret of ["password", "rtmpStream"]) {
        if (typeof node[secret] === "string" && node[secret] !== "") leaks.push(`${file}: ${String(node.type)}.${secret} is set`);
      }
    }
  }

  return [
    {
      id: "S01",
      title: "each node ships its .js, editor .html, and en-US + ru locale .json and help .html",
      passed: nodes.length > 0 && absentNodeFiles.length === 0,
      details: nodes.length === 0 ? "no nodes in package.json" : absentNodeFiles.length > 0 ? `missing: ${absentNodeFiles.join(", ")}` : `${nodes.length} nodes`,
    },
    {
      id: "S02",
      title: "each node's icon is in the package",
      passed: absentIcons.length === 0,
      details: absentIcons.length > 0 ? `missing: ${absentIcons.join(", ")}` : `${icons.length} icons`,
    },
    {
      id: "S03",
      title: "examples parse and hold no credentials (password, stream key)",
      passed: examples.length > 0 && leaks.length === 0,
      details: examples.length === 0 ? "no examples/**/*.json" : leaks.length > 0 ? leaks.join("; ") : `${examples.length} examples`,
    },
  ];
}

/** The icons folder of Node-RED's core nodes (@node-red/nodes/icons), if Node-RED is installed. */
export function coreIcons(from: string = __dirname): string | undefined {
  try {
    return path.join(path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [from] })), "icons");
  } catch {
    return undefined;
  }
}

/** Builds (optionally), packs, unpacks and scores the package. Never throws for a failed check, only for a broken run. */
export async function runScorecard(options: ScorecardOptions = {}): Promise<ScorecardResult> {
  const root = options.root ?? packageRoot();
  const workDir = options.workDir ?? path.join(root, ".run", "validate");
  const timeoutMs = options.timeoutMs ?? 180_000;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";

  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  if (options.build ?? true) await runOk(npm, ["run", "build"], root, timeoutMs);
  // --ignore-scripts: the build ran above (or the caller built); prepack's output would also mix into --json
  const packed = await runOk(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", workDir], root, timeoutMs);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  const tarball = path.join(workDir, info.filename);
  await runOk("tar", ["-xzf", tarball, "-C", workDir], workDir, timeoutMs);
  const pkgDir = path.join(workDir, "package");

  const outFile = path.join(workDir, "scorecard.json");
  const nodeRedDev = path.join(path.dirname(require.resolve("node-red-dev/package.json", { paths: [root] })), "bin", "run");
  const preload = path.join(__dirname, "validate-offline.js");
  const result = await run(process.execPath, ["-r", preload, nodeRedDev, "validate", "-p", pkgDir, "-o", outFile], pkgDir, timeoutMs);
  const log = `${result.stdout}${result.stderr}`;
  if (!fs.existsSync(outFile)) throw new Error(`validate: node-red-dev wrote no scorecard (exit ${result.code}):\n${log}`);
  const raw = JSON.parse(fs.readFileSync(outFile, "utf8")) as Record<string, unknown> & { package?: { name?: string; version?: string } };

  const checks = [...scorecardRows(raw), ...packageContentChecks(pkgDir)];
  return {
    packageName: raw.package?.name ?? "?",
    version: raw.package?.version ?? "?",
    tarball,
    checks,
    passed: checks.every((c) => c.passed),
    log,
  };
}

/** The scorecard as a plain-text table. */
export function formatScorecard(result: ScorecardResult): string {
  const lines = [`scorecard of ${result.packageName}@${result.version} (${path.basename(result.tarball)})`];
  for (const c of result.checks) lines.push(`  ${c.passed ? "PASS" : "FAIL"}  ${c.id}  ${c.title}${c.details ? `  — ${c.details}` : ""}`);
  const failed = result.checks.filter((c) => !c.passed).map((c) => c.id);
  lines.push(failed.length === 0 ? `  all ${result.checks.length} checks pass` : `  ${failed.length} of ${result.checks.length} checks fail: ${failed.join(", ")}`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const build = !process.argv.includes("--no-build");
  const result = await runScorecard({ build });
  process.stdout.write(`${formatScorecard(result)}\n`);
  if (!result.passed) {
    process.stdout.write(`\nnode-red-dev said:\n${result.log}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
