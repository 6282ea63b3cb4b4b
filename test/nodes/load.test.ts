import { strict as assert } from "node:assert";
import { allOurNodes, helper, nodeOf } from "./helpers/node-red-helper";
import { node, tab } from "./helpers/flows";
import { recordStatus } from "./helpers/recorders";

describe("nodes: each node loads with its editor defaults", function () {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it("registers the five types and starts them with their defaults", async () => {
    const flow = [
      tab(),
      node("sip-account", "acc"),
      node("sip-call", "call"),
      node("dtmf-send", "dtmf"),
      node("rtmp-republish", "push"),
      node("call-status", "status"),
    ];
    await helper.load(allOurNodes(), flow);
    for (const [id, type] of [["acc", "sip-account"], ["call", "sip-call"], ["dtmf", "dtmf-send"], ["push", "rtmp-republish"], ["status", "call-status"]]) {
      assert.equal(nodeOf(id).type, type);
    }
  });

  it("a sip-call without an account says so instead of failing", async () => {
    await helper.load(allOurNodes(), [tab(), node("sip-call", "call")]);
    const status = recordStatus("call");
    nodeOf("call").receive({ payload: "go", callee: "uas" });
    await status.waitFor((s) => s.text === "no sip-account configured", 2000);
  });

  it("an account with the default (empty) login shows why it cannot start, on its users", async () => {
    const flow = [tab(), node("sip-account", "acc"), node("sip-call", "call", { account: "acc", callee: "uas" })];
    await helper.load(allOurNodes(), flow);
    const status = recordStatus("call");
    // The account is started by its first user while the flow starts; a message shows the error again.
    nodeOf("call").receive({});
    const shown = await status.waitFor((s) => s.fill === "red", 2000);
    assert.match(shown.text ?? "", /login: expected a SIP user name/);
  });
});
