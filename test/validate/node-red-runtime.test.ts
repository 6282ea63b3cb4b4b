import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../harness/paths";

/**
 * Smoke test of the packaged nodes on whichever Node-RED runs the tests: the project's own
 * (4.x, devDependency) by default, or the one NODE_RED_PATH names (a node-red package folder) with
 * the test helper NODE_RED_TEST_HELPER_PATH names — scripts/test-node-red-5.sh sets both for
 * Node-RED 5 on Node 22 and also SIPCAST_EXPECT_NODE_RED / SIPCAST_EXPECT_NODE (major versions),
 * so a redirect that silently fell back to Node-RED 4 fails here.
 */

interface Msg {
  payload?: unknown;
  [key: string]: unknown;
}

interface TestNode {
  receive(msg: Msg): void;
  on(event: "input", listener: (msg: Msg) => void): void;
  on(event: "call:status", listener: (call: { args: Array<{ text?: string; fill?: string; shape?: string }> }) => void): void;
}

/** The slice of node-red-node-test-helper 0.3.6 used here (it ships no types). */
interface NodeTestHelper {
  init(runtimePath: string): void;
  load(modules: unknown[], flow: Array<Record<string, unknown>>, credentials?: Record<string, Record<string, string>>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode | null;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
}

const nodeRedMain = require.resolve(process.env.NODE_RED_PATH || "node-red");
const helper = require(process.env.NODE_RED_TEST_HELPER_PATH || "node-red-node-test-helper") as NodeTestHelper;
helper.init(nodeRedMain);

/** The version in the package.json of the node-red package that `main` belongs to. */
function nodeRedVersion(main: string): string {
  for (let dir = path.dirname(main); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "node-red") return pkg.version ?? "?";
  }
  throw new Error(`no node-red package.json above ${main}`);
}

const TYPES = ["sip-account", "sip-call", "dtmf-send", "rtmp-republish", "call-status"] as const;

describe(`packaged nodes on Node-RED ${nodeRedVersion(nodeRedMain)} / Node ${process.versions.node}`, function () {
  this.timeout(30_000);
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it("runs on the Node-RED and Node major versions the run asks for", function () {
    const wanted = process.env.SIPCAST_EXPECT_NODE_RED;
    if (wanted) assert.equal(nodeRedVersion(nodeRedMain).split(".")[0], wanted, `Node-RED from ${nodeRedMain}`);
    const node = process.env.SIPCAST_EXPECT_NODE;
    if (node) assert.equal(process.versions.node.split(".")[0], node);
  });

  it("loads the five nodes from nodes/*.js, answers a call-status query and hands an input error to Catch", async function () {
    const modules = TYPES.map((t) => require(path.join(repoRoot(), "nodes", `${t}.js`)) as unknown);
    // flow nodes carry x/y: the runtime tells them from config nodes that way (e.g. for Catch scopes)
    const at = { x: 100, y: 100 };
    const flow = [
      { id: "tab", type: "tab", label: "smoke" },
      // loopback and no REGISTER: nothing leaves the machine
      { id: "acc", type: "sip-account", login: "alice", domain: "127.0.0.1", port: 5060, transport: "udp", registerRequired: false },
      { id: "call", z: "tab", ...at, type: "sip-call", account: "acc", callee: "uas", wires: [[]] },
      { id: "dtmf", z: "tab", ...at, type: "dtmf-send", wires: [[]] },
      { id: "push", z: "tab", ...at, type: "rtmp-republish", wires: [[]] },
      { id: "status", z: "tab", ...at, type: "call-status", account: "", wires: [["out"]] },
      { id: "out", z: "tab", ...at, type: "helper" },
      { id: "catch", z: "tab", ...at, type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "tab", ...at, type: "helper" },
    ];
    await helper.load(modules, flow, { acc: { password: "alicepw" } });
    for (const id of ["acc", "call", "dtmf", "push", "status"]) assert.ok(helper.getNode(id), `node ${id} is running`);

    const answer = new Promise<Msg>((resolve) => helper.getNode("out")?.on("input", resolve));
    helper.getNode("status")?.receive({ topic: "list" });
    const msg = await withTimeout(answer, 10_000, "call-status did not answer");
    assert.deepEqual(msg.payload, []);
    assert.equal(msg.topic, "list");

    const error = new Promise<Msg>((resolve) => helper.getNode("caught")?.on("input", resolve));
    helper.getNode("dtmf")?.receive({ callId: "no-such-call", digits: "123" });
    const caught = await withTimeout(error, 10_000, "Catch got no error from dtmf-send");
    const { message, source } = caught.error as { message?: string; source?: { id?: string } };
    assert.match(message ?? "", /no-such-call/);
    assert.equal(source?.id, "dtmf");
  });
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]);
}
