import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as main from "../src/index";
import { repoRoot } from "./harness/paths";

/**
 * The front ends (CLI, Node-RED nodes, demo app, benchmark) use the engine only through its public
 * entries: src/index.ts (the package's main entry) and src/test-peer.ts (its "./test-peer" entry).
 * A front end that reaches into src/media, src/sdp… would break as soon as the engine moves a file.
 */
const FRONT_ENDS = ["src/cli", "src/nodes", "src/demo-app", "bench"];
const PUBLIC_ENTRIES = ["src/index.ts", "src/test-peer.ts"];
const PACKAGE = "node-red-contrib-sipcast";
const PACKAGE_ENTRIES = [PACKAGE, `${PACKAGE}/test-peer`, `${PACKAGE}/package.json`];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "build" || e.name === "node_modules" ? [] : tsFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Every module a file names: import/export … from, side-effect imports, import() and require(). */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]);
  return found;
}

/** Why `spec`, imported by `file` of the front end at `root`, bypasses the public entries; undefined when it does not. */
export function bypass(root: string, file: string, spec: string): string | undefined {
  if (spec === PACKAGE || spec.startsWith(`${PACKAGE}/`)) return PACKAGE_ENTRIES.includes(spec) ? undefined : "a private path of the package";
  if (!spec.startsWith(".")) return undefined;
  const target = path.resolve(path.dirname(file), spec);
  const src = path.join(repoRoot(), "src");
  if (!target.startsWith(src + path.sep) && target !== src) return undefined;
  if (target === root || target.startsWith(root + path.sep)) return undefined;
  const rel = path.relative(repoRoot(), target).split(path.sep).join("/");
  if (PUBLIC_ENTRIES.some((entry) => rel === entry || rel === entry.replace(/\.ts$/, ""))) return undefined;
  return `${rel} is not a public entry (src/index.ts, src/test-peer.ts)`;
}

describe("front ends use only the engine's public entries", () => {
  it("no import in src/cli, src/nodes, src/demo-app or bench/ reaches into the engine's private files", () => {
    const found: string[] = [];
    let scanned = 0;
    for (const frontEnd of FRONT_ENDS) {
      const root = path.join(repoRoot(), frontEnd);
      for (const file of tsFiles(root)) {
        scanned++;
        for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
          const why = bypass(root, file, spec);
          if (why) found.push(`${path.relative(repoRoot(), file)}: "${spec}": ${why}`);
        }
      }
    }
    assert.ok(scanned >= 80, `only ${scanned} files scanned: the scan is broken`);
    assert.deepEqual(found, []);
  });

  it("the check itself: a private engine path is caught, the entries and a front end's own files pass", () => {
    const bench = path.join(repoRoot(), "bench");
    const bare = path.join(bench, "bare", "bare-ffmpeg.ts");
    assert.match(bypass(bench, bare, "../../src/media") ?? "", /src\/media is not a public entry/);
    assert.match(bypass(bench, bare, "../../src/sdp/negotiated-types") ?? "", /not a public entry/);
    assert.equal(bypass(bench, bare, "../../src/index"), undefined);
    assert.equal(bypass(bench, bare, "../common/stats"), undefined);
    assert.equal(bypass(bench, bare, "../../test/harness/managed-process"), undefined);
    const nodes = path.join(repoRoot(), "src", "nodes");
    const account = path.join(nodes, "sip-account", "account-settings.ts");
    assert.match(bypass(nodes, account, "../../sip/account-options") ?? "", /src\/sip\/account-options/);
    assert.equal(bypass(nodes, account, "../shared/msg-fields"), undefined);
    assert.equal(bypass(nodes, account, PACKAGE), undefined);
    assert.match(bypass(nodes, account, `${PACKAGE}/dist/media`) ?? "", /private path/);
    assert.deepEqual(specifiers(`import { a } from "./x";\nimport type {\n  B,\n} from "../y";\nexport * from "../z";\nimport "./side";\nconst c = require("../../w");`), ["./x", "../y", "../z", "./side", "../../w"]);
  });

  it("the ffmpeg command line the engine runs is public: the input SDP and the argv for those who run ffmpeg themselves", () => {
    const sdp = main.ffmpegInputSdp(
      {
        audio: {
          kind: "audio",
          mlineIndex: 0,
          codec: "PCMU",
          payloadType: 0,
          receivePayloadTypes: [0],
          clockRate: 8000,
          channels: 1,
          remoteAddress: "127.0.0.1",
          remoteRtpPort: 40000,
          remoteRtcpPort: 40001,
          rtcpMux: false,
          remoteDirection: "sendrecv",
          remoteSsrcs: [],
          feedback: { nack: false, pli: false, fir: false },
          localPort: 40000,
        },
      },
      { audio: 41000 },
    );
    assert.match(sdp, /^m=audio 41000 RTP\/AVP 0\r?$/m);
    const args = main.buildRepublishArgs({ sdpPath: "/tmp/in.sdp", outputUrl: "rtmp://127.0.0.1/live/x", hasAudio: true, hasVideo: false });
    assert.equal(args[args.indexOf("-i") + 1], "/tmp/in.sdp");
    assert.equal(args[args.length - 1], "rtmp://127.0.0.1/live/x");
    for (const name of ["ffmpegSupportsSdpLocalAddr", "findFreeUdpPortPairs", "waitForUdpPortsBound"] as const) assert.equal(typeof main[name], "function", name);
  });
});
