import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CREDENTIALS_FILE,
  DEMO_ACCOUNT_ID,
  DEMO_API,
  DEMO_CALL_ID,
  FLOW_FILE,
  demoCredentials,
  demoFlow,
  writeDemoFlows,
  type DemoFlowInput,
  type FlowNode,
} from "../../src/demo-app";
import { runDir } from "../harness/paths";

const EMBEDDED: DemoFlowInput = {
  account: {
    login: "demo",
    authName: "",
    domain: "127.0.0.1",
    port: 5070,
    transport: "udp",
    outboundProxy: "",
    registerRequired: false,
    localAddress: "127.0.0.1",
    publicAddress: "",
    hasPassword: false,
  },
  callee: "meeting",
  localRtmpUrl: "rtmp://127.0.0.1:1935/live",
  republishUrl: "rtmp://127.0.0.1:1935/live",
  republishStream: "demo-copy",
  passwordFromEnv: false,
};

function byType(flow: FlowNode[], type: string): FlowNode[] {
  return flow.filter((n) => n.type === type);
}

describe("demo-app: the demo flow", () => {
  it("uses every node of the package, the account pointing at the test meeting without registration", () => {
    const flow = demoFlow(EMBEDDED);
    for (const type of ["sip-account", "sip-call", "dtmf-send", "rtmp-republish", "call-status", "wcs-rest-api"]) assert.equal(byType(flow, type).length, 1, type);
    const [account] = byType(flow, "sip-account");
    assert.equal(account.id, DEMO_ACCOUNT_ID);
    assert.deepEqual([account.domain, account.port, account.registerRequired, account.localAddress], ["127.0.0.1", 5070, false, "127.0.0.1"]);
    const [call] = byType(flow, "sip-call");
    assert.deepEqual([call.account, call.callee, call.callId, call.rtmpUrl], [DEMO_ACCOUNT_ID, "meeting", DEMO_CALL_ID, "rtmp://127.0.0.1:1935/live/demo"]);
    const [wcs] = byType(flow, "wcs-rest-api");
    assert.deepEqual([wcs.basePath, wcs.localRtmpUrl], ["/rest-api", "rtmp://127.0.0.1:1935/live"]);
    // The launcher checks the login on every node route and sets httpNodeAuth; the node relies on it.
    assert.equal(wcs.auth, "httpNodeAuth");
  });

  it("serves the page's endpoints and wires only to nodes that exist", () => {
    const flow = demoFlow(EMBEDDED);
    const endpoints = byType(flow, "http in").map((n) => `${String(n.method)} ${String(n.url)}`);
    assert.deepEqual(endpoints.sort(), [`get ${DEMO_API.state}`, `post ${DEMO_API.dtmf}`, `post ${DEMO_API.start}`, `post ${DEMO_API.stop}`].sort());
    const ids = new Set(flow.map((n) => n.id));
    assert.equal(ids.size, flow.length, "ids are unique");
    for (const n of flow) for (const to of (n.wires ?? []).flat()) assert.ok(ids.has(to), `${n.id} wires to a missing ${to}`);
    const tab = flow.find((n) => n.type === "tab");
    for (const n of flow) if (n.type !== "tab" && n.type !== "sip-account") assert.equal(n.z, tab?.id, `${n.type} is on the tab`);
  });

  it("keeps secrets out of the flow: credentials are environment placeholders", () => {
    const real: DemoFlowInput = {
      ...EMBEDDED,
      account: { ...EMBEDDED.account, domain: "pbx.example.com", port: 5060, registerRequired: true, localAddress: "", hasPassword: true },
      republishUrl: "rtmp://a.rtmp.youtube.com/live2",
      republishStream: "${SIPCAST_RTMP_STREAM}",
      passwordFromEnv: true,
    };
    const flow = demoFlow(real);
    assert.ok(!JSON.stringify(flow).includes("password"), "no password field in the flow");
    const republish = byType(flow, "rtmp-republish")[0];
    assert.deepEqual(demoCredentials(real), {
      [DEMO_ACCOUNT_ID]: { password: "${SIPCAST_SIP_PASSWORD}" },
      [republish.id]: { rtmpStream: "${SIPCAST_RTMP_STREAM}" },
    });
    assert.deepEqual(demoCredentials({ ...EMBEDDED, republishStream: "" }), {});
  });
});

describe("demo-app: writing the flow files", () => {
  const flowA = demoFlow(EMBEDDED);
  const flowB = demoFlow({ ...EMBEDDED, callee: "other" });
  const read = (dir: string): FlowNode[] => JSON.parse(fs.readFileSync(path.join(dir, FLOW_FILE), "utf8")) as FlowNode[];
  const calleeIn = (dir: string): unknown => read(dir).find((n) => n.type === "sip-call")?.callee;

  it("writes the flow and its credentials into a fresh userDir, and again when nobody edited it", () => {
    const dir = runDir("demo-flows");
    assert.equal(writeDemoFlows(dir, flowA, demoCredentials(EMBEDDED), false), "written");
    assert.equal(calleeIn(dir), "meeting");
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, CREDENTIALS_FILE), "utf8")), demoCredentials(EMBEDDED));
    // Node-RED rewrote the same flow in its own layout: still ours, so new settings apply.
    fs.writeFileSync(path.join(dir, FLOW_FILE), JSON.stringify(read(dir)));
    assert.equal(writeDemoFlows(dir, flowB, {}, false), "written");
    assert.equal(calleeIn(dir), "other");
  });

  it("keeps flows deployed from the editor, unless asked to reset", () => {
    const dir = runDir("demo-flows");
    writeDemoFlows(dir, flowA, {}, false);
    const edited = read(dir).map((n) => (n.type === "sip-call" ? { ...n, callee: "edited" } : n));
    fs.writeFileSync(path.join(dir, FLOW_FILE), JSON.stringify(edited, null, 4));
    assert.equal(writeDemoFlows(dir, flowB, {}, false), "kept-edited");
    assert.equal(calleeIn(dir), "edited");
    assert.equal(writeDemoFlows(dir, flowB, {}, true), "written");
    assert.equal(calleeIn(dir), "other");
  });
});
