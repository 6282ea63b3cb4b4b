import { strict as assert } from "node:assert";
import { requirePeers, runCli, startBaresip, startKamailio, type Baresip, type Kamailio } from "../harness";
import { startSippUas } from "../call/helpers/sipp-uas";

interface StateLine {
  status: string;
  reason: string;
}

const states = (lines: string[]): StateLine[] => lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as StateLine);

describe("sipcast call --dtmf through Kamailio to baresip", function () {
  this.timeout(90_000);
  let kamailio: Kamailio;
  let baresip: Baresip;

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg", "sox"]);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" }, video: false });
  });

  after(async () => {
    await baresip?.stop();
    await kamailio?.stop();
  });

  for (const type of ["RFC2833", "INFO"] as const) {
    it(`sends --dtmf "1,23#" --dtmf-type ${type} after --dtmf-delay-ms, and baresip reports 1 2 3 #`, async () => {
      const since = Date.now();
      const run = await runCli(
        [
          "call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(kamailio.udpPort), "--callee", "uas", "--json",
          "--has-video", "false", "--dtmf", "1,23#", "--dtmf-type", type, "--dtmf-delay-ms", "700", "--duration", "3.5",
        ],
        { SIP_PASSWORD: "alicepw" },
        60_000,
      );
      assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(-1500)}`);
      assert.deepEqual(states(run.lines).map((s) => s.status).filter((s) => s !== "RING"), ["TRYING", "ESTABLISHED", "FINISH"]);
      assert.deepEqual(run.stderr.split("\n").filter((l) => l.startsWith("dtmf sent")), ["1", "2", "3", "#"].map((d) => `dtmf sent ${d} ${type}`));
      assert.match(run.stderr, /^dtmf done 1,23#$/m);
      await baresip.waitForEvent((e) => e.type === "CALL_CLOSED" && e.receivedAt >= since, 10_000);
      const starts = baresip.events.filter((e) => e.type === "CALL_DTMF_START" && e.receivedAt >= since);
      assert.deepEqual(starts.map((e) => e.param), ["1", "2", "3", "#"]);
      const established = baresip.events.find((e) => e.type === "CALL_ESTABLISHED" && e.receivedAt >= since);
      assert.ok(established, "baresip reported the call");
      const firstAfter = starts[0].receivedAt - established.receivedAt;
      assert.ok(firstAfter >= 600, `first key ${firstAfter} ms after the answer with --dtmf-delay-ms 700`);
      const pause = starts[1].receivedAt - starts[0].receivedAt;
      assert.ok(pause >= 400, `"," paused ${pause} ms (500 ms by default)`);
    });
  }

  it("rejects an invalid --dtmf before dialling", async () => {
    const run = await runCli(["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--callee", "uas", "--dtmf", "12x"], {}, 10_000);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--dtmf: invalid character "x" at position 3/);
  });
});

describe("sipcast call --rtp-timeout against a silent sipp", function () {
  this.timeout(60_000);

  it("ends FAILED_BY_RTP_ACTIVITY with a BYE after --rtp-timeout 1.5", async () => {
    requirePeers(["sipp"]);
    const uas = await startSippUas("uas_no_media.xml");
    try {
      const run = await runCli(
        ["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(uas.port), "--sip-register-required", "false", "--callee", uas.uri, "--json", "--has-video", "false", "--rtp-timeout", "1.5"],
        {},
        30_000,
      );
      const seen = states(run.lines);
      assert.equal(run.code, 1);
      assert.deepEqual(seen.map((s) => s.status).filter((s) => s !== "RING"), ["TRYING", "ESTABLISHED", "FAILED"]);
      assert.equal(seen[seen.length - 1].reason, "FAILED_BY_RTP_ACTIVITY");
      assert.equal((await uas.exited).code, 0, "sipp got its BYE");
    } finally {
      await uas.stop();
    }
  });
});
