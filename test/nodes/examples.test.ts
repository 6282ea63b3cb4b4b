import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../harness/paths";
import { startSilentSipServer, type SilentSipServer } from "../harness/silent-server";
import { allOurNodes, coreNode, helper, type FlowNode } from "./helpers/node-red-helper";

const examplesDir = path.join(repoRoot(), "examples");

function examples(): Array<{ file: string; flow: FlowNode[] }> {
  return fs
    .readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => ({ file, flow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), "utf8")) as FlowNode[] }));
}

/** The examples (importable from the editor's Import menu) are well-formed, secret-free and deploy. */
describe("nodes: examples", function () {
  this.timeout(20_000);
  let silent: SilentSipServer;

  before(async () => {
    silent = await startSilentSipServer("udp");
    await helper.startServer();
  });

  after(async () => {
    await helper.stopServer();
    await silent.stop();
  });

  afterEach(() => helper.unload());

  it("use every non-config node of the package", () => {
    const used = new Set(examples().flatMap((e) => e.flow.map((n) => n.type)));
    for (const type of ["sip-call", "dtmf-send", "rtmp-republish", "call-status"]) assert.ok(used.has(type), `${type} is in no example`);
  });

  it("carry no credentials and link only to nodes of the same example", () => {
    for (const { file, flow } of examples()) {
      const ids = new Set(flow.map((n) => n.id));
      for (const n of flow) {
        assert.equal(n.credentials, undefined, `${file}: ${n.id} has credentials`);
        for (const secret of ["password", "rtmpStream"]) assert.equal(n[secret], undefined, `${file}: ${n.id} has ${secret}`);
        for (const target of (n.wires ?? []).flat()) assert.ok(ids.has(target), `${file}: ${n.id} wires to a missing ${target}`);
        if (typeof n.account === "string" && n.account !== "") assert.ok(ids.has(n.account), `${file}: ${n.id} uses a missing account`);
      }
    }
  });

  for (const { file, flow } of examples()) {
    it(`${file} deploys and starts without errors`, async () => {
      // Point the example's account at a local SIP server that never answers: nothing leaves the machine.
      // Without registration nothing waits on it (closing with a REGISTER unanswered takes sip.js 32 s).
      const local = flow.map((n) => (n.type === "sip-account" ? { ...n, domain: "127.0.0.1", port: silent.port, registerRequired: false } : n));
      const tab: FlowNode = { id: String(flow.find((n) => n.z)?.z), type: "tab", label: file };
      const modules = [
        ...allOurNodes(),
        ...(["common/20-inject", "common/21-debug", "common/90-comment", "function/10-switch", "function/15-change", "function/89-delay", "network/21-httpin"] as const).map(coreNode),
      ];
      await helper.load(modules, [tab, ...local]);
      for (const n of local) if (n.type !== "tab") assert.ok(helper.getNode(n.id), `${file}: ${n.type} ${n.id} is running`);
      const errors = helper.log().args.map((a) => a[0] as { level?: number; msg?: unknown }).filter((e) => e.level !== undefined && e.level <= 20);
      assert.deepEqual(errors, [], `${file}: errors logged on start`);
    });
  }
});
