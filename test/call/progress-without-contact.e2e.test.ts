import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { Engine } from "../../src/call/engine";
import type { CallStateEvent } from "../../src/call/call-event";
import { CallStatus } from "../../src/call/call-status";
import { requirePeers } from "../harness";
import { startSippUas } from "./helpers/sipp-uas";
import { waitForStatus } from "./helpers/wait-for-status";

/** Another loopback address (Linux routes 127.0.0.0/8 to lo): a source the early SDP does not name. */
const STRANGER = "127.0.0.2";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface AudioStats {
  rtpPort: number;
  packetsReceived: number;
  pendingBeforeRemote: number;
  dropped: { foreignSource: number };
}

function bind(address: string, sockets: dgram.Socket[]): Promise<dgram.Socket> {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    sockets.push(s);
    s.bind({ address, port: 0 }, () => resolve(s));
  });
}

/** A PCMU RTP packet (V=2, PT 0) with sequence number `seq`. */
function rtpPacket(seq: number): Buffer {
  const b = Buffer.alloc(172, 0xff);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq, 2);
  return b;
}

describe("Provisional responses without Contact (linphone 5.1's 180 Ringing), from a sipp UAS", function () {
  this.timeout(30_000);

  it("reports TRYING → RING → SESSION_PROGRESS → ESTABLISHED, and the 183's early SDP names the peer's media before the answer", async () => {
    requirePeers(["sipp"]);
    const uas = await startSippUas("uas_progress_no_contact.xml");
    const logLines: string[] = [];
    const engine = new Engine({
      account: { login: "alice", domain: "127.0.0.1", port: uas.port, password: "", registerRequired: false },
      localAddress: "127.0.0.1",
      rtpTimeoutMs: 0,
      logger: { log: (level, category, message) => logLines.push(`${level} [${category}] ${message}`) },
    });
    const sockets: dgram.Socket[] = [];
    try {
      const call = engine.call({ callee: uas.uri, hasVideo: false });
      const seen: CallStateEvent[] = [];
      call.on("state", (e) => seen.push(e));
      await waitForStatus(call, CallStatus.SESSION_PROGRESS, 10_000);
      const audio = (): AudioStats => (call.stats() as { media: { audio: AudioStats } }).media.audio;
      // The early SDP is resolved and applied right after the 183; the 200 OK follows 1.5 s later.
      await sleep(200);
      const [stranger, peer] = await Promise.all([bind(STRANGER, sockets), bind("127.0.0.1", sockets)]);
      stranger.send(rtpPacket(1), audio().rtpPort, "127.0.0.1");
      peer.send(rtpPacket(500), audio().rtpPort, "127.0.0.1");
      await sleep(300);
      assert.equal(call.status, CallStatus.SESSION_PROGRESS, "still before the answer");
      assert.equal(audio().dropped.foreignSource, 1, "the datagram from the address the 183 did not name is dropped");
      assert.equal(audio().pendingBeforeRemote, 1, "the one from the 183's address is kept for the answer");
      await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 10_000);
      assert.equal((await uas.exited).code, 0, "sipp ran its scenario to the end (ACK, BYE)");

      assert.deepEqual(
        seen.map((e) => `${e.status} ${e.sipStatus}`),
        ["TRYING 0", "RING 180", "SESSION_PROGRESS 183", "ESTABLISHED 200", "FINISH 200"],
      );
      assert.equal(seen[1].sipMessage, "Ringing");
      // The peer really sent them without Contact (and with a To-tag).
      const provisional = uas.messages().filter((m) => m.direction === "sent" && /^SIP\/2\.0 18[03] /.test(m.firstLine));
      assert.equal(provisional.length, 2, provisional.map((m) => m.firstLine).join(" | "));
      for (const m of provisional) {
        assert.doesNotMatch(m.text, /^(Contact|m)\s*:/im, m.firstLine);
        assert.match(m.text, /^To:.*;tag=/im, m.firstLine);
      }
      // sip.js's complaint about each of them is no error of the call: it is left to the debug log.
      assert.deepEqual(logLines.filter((l) => /^(error|warn) \[sip/.test(l)), []);
      assert.equal(logLines.filter((l) => /^debug .*Non-100 1xx INVITE response received without a Contact/.test(l)).length, 2);
      // The early SDP is in the debug log beside the offer and the answer.
      const early = logLines.find((l) => l.includes(`${call.id}: early SDP received: v=0`));
      assert.ok(early && /m=audio \d+ RTP\/AVP 0/.test(early), logLines.filter((l) => l.includes("sip.sdp")).join("\n"));
    } finally {
      for (const s of sockets) s.close();
      await engine.close();
      await uas.stop();
    }
  });
});
