import { strict as assert } from "node:assert";
import { requirePeers, runCli, startBaresip, type Baresip } from "../harness";

/** The `[sip.sdp]` entries of the CLI's stderr: `<call id>: <exchange>: <SDP, line breaks escaped>`. */
function sdpEntries(stderr: string): Array<{ callId: string; exchange: string; sdp: string }> {
  const out: Array<{ callId: string; exchange: string; sdp: string }> = [];
  for (const line of stderr.split("\n")) {
    const m = / debug \[sip\.sdp\] ([^:]+): ([a-zA-Z ]+): (v=0.*)$/.exec(line);
    if (m) out.push({ callId: m[1], exchange: m[2], sdp: m[3] });
  }
  return out;
}

describe("sipcast call --verbose prints the SDP offer and answer (SRTP keys masked)", function () {
  this.timeout(60_000);
  let baresip: Baresip;

  before(async () => {
    requirePeers(["baresip"]);
    // Optional SRTP: baresip answers our keyed offer with a key of its own.
    baresip = await startBaresip({ video: false, mediaenc: "srtp" });
  });

  after(async () => {
    await baresip?.stop();
  });

  it("logs the offer sent and the answer received, each with its m=audio line and a=crypto with inline:***, and no key anywhere", async () => {
    const callId = `verbose-sdp-${process.pid}`;
    const run = await runCli(
      [
        "call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(baresip.sipPort), "--sip-register-required", "false",
        "--callee", "uas", "--call-id", callId, "--has-video", "false", "--srtp", "offered", "--srtp-over-insecure-transport",
        "--duration", "1", "--json", "--verbose",
      ],
      {},
      40_000,
    );
    assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(-1500)}`);
    const statuses = run.lines.filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { status: string }).status);
    assert.ok(statuses.includes("ESTABLISHED") && statuses[statuses.length - 1] === "FINISH", statuses.join(","));
    const entries = sdpEntries(run.stderr);
    assert.deepEqual(
      entries.map((e) => `${e.callId} ${e.exchange}`),
      [`${callId} offer sent`, `${callId} answer received`],
      run.stderr.split("\n").filter((l) => l.includes("sip.sdp")).join("\n"),
    );
    for (const e of entries) {
      assert.match(e.sdp, /\\r\\nm=audio \d+ RTP\/AVP [\d ]+\\r\\n/, `${e.exchange}: ${e.sdp}`);
      assert.match(e.sdp, /\\r\\na=crypto:\d+ AES_CM_128_HMAC_SHA1_(80|32) inline:\*\*\*/, `${e.exchange}: ${e.sdp}`);
    }
    assert.match(entries[0].sdp, /^v=0\\r\\no=sipcast /, "the offer is ours");
    assert.match(entries[1].sdp, /\\r\\na=tool:baresip /, "the answer is baresip's");
    // No key in any line: every `inline:` anywhere in the output is followed by the mask.
    assert.doesNotMatch(run.stderr, /inline:(?!\*\*\*)/i);
    assert.doesNotMatch(run.stdout, /inline:/i);
  });
});
