import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { Engine } from "../../../src/call/engine";
import { CallStatus } from "../../../src/call/call-status";
import type { Call } from "../../../src/call/call";
import type { CallStateEvent } from "../../../src/call/call-event";
import { firstHeader, headerValue, parseStartLine, topViaBranch } from "../../../src/sip/transport/message-head";
import { freePorts, requirePeers, startBaresip, startKamailio, startRtmpServer, type Baresip, type Kamailio, type RtmpServer } from "../../harness";
import { waitForStatus } from "../../call/helpers/wait-for-status";
import { EgressGuard, type EgressTally } from "./egress-guard";
import { mutated, type Garbage } from "./mutate";
import { Prng, tortureSeed } from "./prng";
import { RFC4475_MESSAGES } from "./rfc4475-messages";

/** Random and mutated datagrams sent while the call is up. */
const GARBAGE_COUNT = 10_000;
/** Datagrams per 10 ms tick: 1,000 per second. */
const PER_TICK = 10;
/** Allowed growth of the heap (after a forced GC) from before the torture to after it. */
const HEAP_GROWTH_LIMIT_MB = 32;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let gc: (() => void) | undefined;

/** Heap in use after a full garbage collection, so figures compare live objects only (mocha runs without --expose-gc). */
function heapMb(): number {
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function audioPackets(call: Call): number {
  return (call.stats() as { media?: { audio?: { packetsReceived: number } } }).media?.audio?.packetsReceived ?? 0;
}

function tagOf(value: string): string {
  return /;\s*tag\s*=\s*([^;>\s]+)/i.exec(value)?.[1] ?? "";
}

/** The live dialog as the engine's own INVITE and ACK show it. */
interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  inviteBranch: string;
  /** The engine's Contact: where the peer's in-dialog requests go. */
  target: string;
}

function header(text: string, name: string): string {
  const line = firstHeader(text, name);
  return line ? headerValue(text, line) : "";
}

function summary(t: EgressTally): string {
  const kinds = [...t.byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(", ");
  const places = [...t.byDestination.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${k}×${n}`).join(", ");
  return `${t.datagrams} datagrams, ${t.bytes} bytes (${t.blocked} kept off the network) — ${kinds || "none"} — to ${places || "nowhere"}`;
}

/**
 * Builds the requests and responses a peer or an attacker might send for this call: in-dialog
 * requests with the live Call-ID and tags, look-alikes with one of them wrong, out-of-dialog
 * requests, and responses to the engine's INVITE transaction.
 */
class Forge {
  private n = 0;
  constructor(
    private readonly d: Dialog,
    private readonly attackerPort: number,
    private readonly enginePort: number,
  ) {}

  private request(method: string, callId: string, fromTag: string, toTag: string, cseq: number, body = "", contentType = ""): Buffer {
    const n = ++this.n;
    const ruri = toTag ? this.d.target : `sip:alice@127.0.0.1:${this.enginePort}`;
    return Buffer.from(
      [
        `${method} ${ruri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.attackerPort};branch=z9hG4bK-torture-${n};rport`,
        "Max-Forwards: 70",
        `From: <sip:uas@127.0.0.1>;tag=${fromTag}`,
        `To: <sip:alice@127.0.0.1>${toTag ? `;tag=${toTag}` : ""}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <sip:uas@127.0.0.1:${this.attackerPort}>`,
        ...(contentType ? [`Content-Type: ${contentType}`] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n"),
    );
  }

  /** A few of each kind, for the mutator to start from. */
  bases(): Buffer[] {
    const d = this.d;
    const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${this.attackerPort} RTP/AVP 0\r\na=sendrecv\r\n`;
    const fpu = '<?xml version="1.0" encoding="utf-8" ?>\r\n<media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>';
    const wrong = `wrong-${d.callId.slice(0, 8)}`;
    return [
      // In the dialog, harmless methods (a BYE or re-INVITE with the right identifiers would legitimately end or change the call).
      this.request("INFO", d.callId, d.remoteTag, d.localTag, 1000 + this.n, fpu, "application/media_control+xml"),
      this.request("INFO", d.callId, d.remoteTag, d.localTag, 1000 + this.n, "Signal=5\r\nDuration=160", "application/dtmf-relay"),
      this.request("OPTIONS", d.callId, d.remoteTag, d.localTag, 1000 + this.n),
      this.request("NOTIFY", d.callId, d.remoteTag, d.localTag, 1000 + this.n, "SIP/2.0 200 OK", "message/sipfrag"),
      // Look-alikes: one identifier wrong.
      this.request("BYE", wrong, d.remoteTag, d.localTag, 2000),
      this.request("BYE", d.callId, wrong, d.localTag, 2000),
      this.request("BYE", d.callId, d.remoteTag, wrong, 2000),
      this.request("INVITE", d.callId, d.remoteTag, wrong, 2000, sdp, "application/sdp"),
      this.request("CANCEL", d.callId, d.localTag, "", 1),
      // Out of any dialog.
      this.request("INVITE", `torture-${this.n}`, "x1", "", 1, sdp, "application/sdp"),
      this.request("OPTIONS", `torture-${this.n}`, "x2", "", 1),
      this.request("MESSAGE", `torture-${this.n}`, "x3", "", 1, "hello", "text/plain"),
      this.request("REGISTER", `torture-${this.n}`, "x4", "", 1),
      this.request("SUBSCRIBE", `torture-${this.n}`, "x5", "", 1),
      // Responses to the engine's INVITE transaction (a 2xx retransmission, and its look-alikes).
      Buffer.from(
        [
          "SIP/2.0 200 OK",
          `Via: SIP/2.0/UDP 127.0.0.1:${this.enginePort};branch=${d.inviteBranch};rport=${this.enginePort}`,
          `From: <sip:alice@127.0.0.1>;tag=${d.localTag}`,
          `To: <sip:uas@127.0.0.1>;tag=${d.remoteTag}`,
          `Call-ID: ${d.callId}`,
          "CSeq: 1 INVITE",
          `Contact: <sip:uas@127.0.0.1:${this.attackerPort}>`,
          "Content-Type: application/sdp",
          `Content-Length: ${sdp.length}`,
          "",
          sdp,
        ].join("\r\n"),
      ),
      Buffer.from(
        [
          "SIP/2.0 486 Busy Here",
          `Via: SIP/2.0/UDP 127.0.0.1:${this.enginePort};branch=${d.inviteBranch}`,
          `From: <sip:alice@127.0.0.1>;tag=${d.localTag}`,
          `To: <sip:uas@127.0.0.1>;tag=${wrong}`,
          `Call-ID: ${d.callId}`,
          "CSeq: 1 INVITE",
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n"),
      ),
    ];
  }
}

/**
 * Whether a datagram could be a legitimate request that ends or changes this call: a BYE,
 * re-INVITE, UPDATE, CANCEL or REFER carrying the live Call-ID and both tags. The engine rightly
 * obeys those; the torture leaves them out (and counts how many it left out).
 */
function changesTheCall(bytes: Buffer, d: Dialog): boolean {
  const text = bytes.toString("utf8");
  const start = parseStartLine(text);
  if (start?.kind !== "request" || !["BYE", "INVITE", "UPDATE", "CANCEL", "REFER", "PRACK"].includes(start.method)) return false;
  return text.includes(d.callId) && text.includes(d.localTag) && text.includes(d.remoteTag);
}

describe("SIP torture: RFC 4475 messages and 10,000 random datagrams during a live call (Kamailio + baresip)", function () {
  this.timeout(150_000);
  const seed = tortureSeed();
  let kamailio: Kamailio | undefined;
  let baresip: Baresip | undefined;
  let rtmp: RtmpServer | undefined;
  let engine: Engine | undefined;
  let guard: EgressGuard | undefined;
  let attacker: dgram.Socket | undefined;
  const uncaught: string[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(String(error));

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg"]);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" }, video: false });
    rtmp = await startRtmpServer();
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") process.stdout.write(`      torture seed ${seed} (replay with SIPCAST_TORTURE_SEED=${seed})\n`);
  });

  after(async () => {
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
    await engine?.close();
    guard?.restore();
    attacker?.close();
    await rtmp?.stop();
    await baresip?.stop();
    await kamailio?.stop();
  });

  it("keeps the process, the call and its media up, answers sparingly, stays within memory bounds, and ends the call with BYE", async () => {
    const k = kamailio as Kamailio;
    const [sipPort] = await freePorts(1, { udp: true, tcp: false });
    const sock = dgram.createSocket("udp4");
    attacker = sock;
    await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
    const attackerPort = sock.address().port;
    let answersToAttacker = 0;
    sock.on("message", () => void answersToAttacker++);
    guard = new EgressGuard(sipPort, new Set([k.udpPort, attackerPort]));
    let invite = "";
    let ack = "";
    guard.onSent = (text, port) => {
      if (port !== k.udpPort) return;
      if (text.startsWith("INVITE ") && /\r\nAuthorization|\r\nProxy-Authorization/i.test(text)) invite = text;
      if (text.startsWith("ACK ") && /\r\nTo:[^\r\n]*tag=/i.test(text)) ack = text;
    };

    engine = new Engine({
      account: { login: "alice", password: "alicepw", domain: "127.0.0.1", port: k.udpPort },
      localAddress: "127.0.0.1",
      localPort: sipPort,
      rtpTimeoutMs: 10_000,
    });
    const call = engine.call({ callee: "uas", hasVideo: false, publishStatsIntervalMs: 1000 });
    const states: CallStateEvent[] = [];
    call.on("state", (e) => states.push(e));
    let outTimeMs = 0;
    call.on("publish", (e) => {
      if (e.stats) outTimeMs = Math.max(outTimeMs, e.stats.outTimeMs);
    });
    await waitForStatus(call, CallStatus.ESTABLISHED, 15_000);
    call.publish({ rtmpUrl: (rtmp as RtmpServer).url, rtmpStream: `torture-${process.pid}-${Date.now().toString(36)}` });
    const deadline = Date.now() + 15_000;
    while ((outTimeMs < 1000 || !ack) && Date.now() < deadline) await sleep(100);
    assert.ok(outTimeMs >= 1000, `the RTMP output publishes before the torture (outTimeMs ${outTimeMs})`);
    assert.ok(invite && ack, "saw the engine's INVITE and ACK");

    const dialog: Dialog = {
      callId: header(ack, "call-id"),
      localTag: tagOf(header(ack, "from")),
      remoteTag: tagOf(header(ack, "to")),
      inviteBranch: topViaBranch(invite) ?? "",
      target: `sip:alice@127.0.0.1:${sipPort};transport=udp`,
    };
    assert.ok(dialog.callId && dialog.localTag && dialog.remoteTag && dialog.inviteBranch, JSON.stringify(dialog));
    const statesBefore = states.length;
    const send = (bytes: Buffer): Promise<void> =>
      new Promise((resolve, reject) => sock.send(bytes, sipPort, "127.0.0.1", (error) => (error ? reject(error) : resolve())));

    const heapBefore = heapMb();
    const rssBefore = process.memoryUsage().rss / 1024 / 1024;
    const packets0 = audioPackets(call);
    const out0 = outTimeMs;
    guard.take();

    // Phase 1: RFC 4475 §3.1.1 and §3.1.2, one after another.
    const perMessage: string[] = [];
    for (const m of RFC4475_MESSAGES) {
      const before = answersToAttacker;
      await send(m.bytes);
      await sleep(60);
      const t = guard.take();
      const kinds = [...t.byKind.entries()].map(([kind, n]) => (n > 1 ? `${kind}×${n}` : kind)).join("+");
      perMessage.push(`${m.section} ${m.name}: ${kinds || "no answer"}${t.blocked ? ` (to ${[...t.byDestination.keys()].join(" ")})` : ""}${answersToAttacker > before ? " [reached us]" : ""}`);
      assert.ok(t.datagrams <= 2, `${m.name}: ${summary(t)}`);
      assert.equal(call.status, CallStatus.ESTABLISHED, `the call survived ${m.name}`);
    }
    process.stdout.write(`      RFC 4475, what the engine sent back:\n${perMessage.map((l) => `        ${l}`).join("\n")}\n`);
    const packets1 = audioPackets(call);

    // Phase 2: random and mutated datagrams at a bounded rate.
    const r = new Prng(seed);
    const forge = new Forge(dialog, attackerPort, sipPort);
    let requests = 0;
    let requestBytes = 0;
    let sentBytes = 0;
    let skipped = 0;
    const samples: number[] = [];
    const started = Date.now();
    let lastSample = started;
    let lastGarbage: Garbage | undefined;
    const bases = [...forge.bases(), ...RFC4475_MESSAGES.map((m) => m.bytes)];
    const gaps: Array<{ ms: number; cpuMs: number; kinds: string }> = [];
    let tickKinds: string[] = [];
    let lastTick = Date.now();
    let lastCpu = process.cpuUsage();
    for (let i = 0; i < GARBAGE_COUNT; ) {
      const tick = Date.now();
      // The engine runs in this process: a datagram that blocks it shows as a late tick that this process
      // spent on the CPU. A late tick with little CPU time is the machine's load (the process was not
      // scheduled), not the engine: both are printed, the CPU time is what is judged.
      const cpu = process.cpuUsage(lastCpu);
      if (tick - lastTick > 250) gaps.push({ ms: tick - lastTick, cpuMs: Math.round((cpu.user + cpu.system) / 1000), kinds: tickKinds.join(",") });
      lastTick = tick;
      lastCpu = process.cpuUsage();
      tickKinds = [];
      for (let j = 0; j < PER_TICK && i < GARBAGE_COUNT; j++) {
        const roll = r.next();
        const g: Garbage = roll < 0.1 ? { kind: "random", bytes: r.bytes(r.int(1500)) } : roll < 0.2 ? { kind: "base", bytes: r.pick(forge.bases()) } : mutated(bases, r);
        if (changesTheCall(g.bytes, dialog)) {
          skipped++;
          continue;
        }
        lastGarbage = g;
        tickKinds.push(`${g.kind}/${g.bytes.length}`);
        const start = parseStartLine(g.bytes.toString("utf8"));
        if (start?.kind === "request") {
          requests++;
          requestBytes += g.bytes.length;
        }
        sentBytes += g.bytes.length;
        await send(g.bytes);
        i++;
      }
      if (Date.now() - lastSample >= 1000) {
        samples.push(audioPackets(call));
        lastSample = Date.now();
      }
      assert.equal(call.status, CallStatus.ESTABLISHED, `call dropped after datagram ${i} (${lastGarbage?.kind})`);
      await sleep(Math.max(0, 10 - (Date.now() - tick)));
    }
    const seconds = (Date.now() - started) / 1000;
    await sleep(1500);
    const garbageAnswers = guard.take();
    const packets2 = audioPackets(call);
    const out2 = outTimeMs;
    const heapAfter = heapMb();
    const rssAfter = process.memoryUsage().rss / 1024 / 1024;

    process.stdout.write(
      `      seed ${seed}: ${GARBAGE_COUNT} datagrams (${(sentBytes / 1024 / 1024).toFixed(1)} MiB, ${requests} read as requests) in ${seconds.toFixed(1)} s; ${skipped} left out as call-changing\n` +
        `      engine answered: ${summary(garbageAnswers)}\n` +
        `      audio packets: ${packets0} → ${packets1} → ${packets2} (per second: ${samples.map((s, n) => s - (n ? samples[n - 1] : packets1)).join(" ")}); RTMP out ${out0} → ${out2} ms\n` +
        `      ticks later than 250 ms: ${gaps.length ? gaps.map((g) => `${g.ms} ms (${g.cpuMs} ms on the CPU) after [${g.kinds}]`).join("; ") : "none"}\n` +
        `      heap after GC ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB, rss ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB\n`,
    );

    assert.deepEqual(uncaught, [], "no uncaught exception or unhandled rejection");
    // A datagram that kept the engine busy for seconds would show here (a late tick the process spent on the CPU).
    const worst = Math.max(0, ...gaps.map((g) => Math.min(g.ms, g.cpuMs)));
    assert.ok(worst < 2000, `the event loop was busy ${worst} ms in one tick`);
    assert.deepEqual(states.slice(statesBefore).map((e) => e.status), [], "no state change while tortured");
    assert.equal(call.status, CallStatus.ESTABLISHED);
    // Media kept flowing: baresip sends 50 packets/s; every sampled second saw some.
    assert.ok(packets2 - packets1 >= 25 * seconds, `audio packets during the torture: ${packets2 - packets1} in ${seconds.toFixed(1)} s`);
    for (const [n, s] of samples.entries()) assert.ok(s > (n ? samples[n - 1] : packets1), `audio stalled in second ${n + 1}`);
    assert.ok(out2 - out0 >= (seconds - 2) * 1000 * 0.8, `the RTMP output kept pace: ${out2 - out0} ms written in ${seconds.toFixed(1)} s`);
    // No amplification: at most two answers per request in all (an INVITE gets 100 and a final
    // response, nothing else more than one), no 180 to a stranger's INVITE, and fewer bytes back than came in.
    assert.ok(garbageAnswers.datagrams <= 2 * requests, `answers ${garbageAnswers.datagrams} for ${requests} requests`);
    assert.equal(garbageAnswers.byKind.get("SIP/2.0 180") ?? 0, 0, "no 180 Ringing to an INVITE the engine declines");
    assert.ok(garbageAnswers.bytes <= requestBytes, `answered ${garbageAnswers.bytes} bytes for ${requestBytes} request bytes`);
    assert.ok(heapAfter - heapBefore < HEAP_GROWTH_LIMIT_MB, `heap grew ${(heapAfter - heapBefore).toFixed(1)} MB`);

    // The call still ends normally: our BYE reaches Kamailio and is answered.
    const byeSeen = k.waitForLog(new RegExp(`REQ BYE .*\\(src udp:127\\.0\\.0\\.1:${sipPort}\\)`), 10_000);
    call.terminate();
    const end = await waitForStatus(call, CallStatus.FINISH, 10_000);
    assert.equal(end.initiator, "local");
    await byeSeen;
    await call.whenClosed();
  });
});
