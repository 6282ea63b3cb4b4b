import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import type { CallStateEvent } from "../../src/call/call-event";
import { CallStatus } from "../../src/call/call-status";
import { requirePeers } from "../harness";
import { startLinphone, type Linphone } from "../harness/linphone";
import { waitForStatus } from "./helpers/wait-for-status";

describe("A call to linphone 5.1 (linphone-daemon), whose 180 Ringing has no Contact", function () {
  this.timeout(30_000);
  let linphone: Linphone | undefined;
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await linphone?.stop();
    linphone = undefined;
  });

  it("reports RING (180) while it rings, ESTABLISHED once it answers, then hangs up with BYE", async () => {
    requirePeers(["linphone"]);
    linphone = await startLinphone();
    engine = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: linphone.sipPort, password: "", registerRequired: false }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
    const call = engine.call({ callee: linphone.uri, hasVideo: false });
    const seen: CallStateEvent[] = [];
    call.on("state", (e) => seen.push(e));
    await waitForStatus(call, CallStatus.RING, 10_000);
    const answered = await linphone.command("answer");
    assert.match(answered, /Status: Ok/, answered);
    await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    assert.deepEqual(
      seen.map((e) => `${e.status} ${e.sipStatus}`),
      ["TRYING 0", "RING 180", "ESTABLISHED 200", "FINISH 200"],
    );
    assert.equal(seen[seen.length - 1].reason, "NORMAL_CALL_CLEARING");
    // What linphone sent: a 180 with a To-tag and no Contact header.
    const ringing = /\nSIP\/2\.0 180 Ringing\r?\n([\s\S]*?)\r?\n\r?\n/.exec(linphone.logs());
    assert.ok(ringing, "linphone's log shows the 180 it sent");
    assert.doesNotMatch(ringing[1], /^(Contact|m)\s*:/im);
    assert.match(ringing[1], /^To:.*;tag=/im);
  });
});
