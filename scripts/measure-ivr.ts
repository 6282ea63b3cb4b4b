/**
 * `npm run measure:ivr [-- RUNS [PARALLEL]]`: dials the embedded test meeting in IVR mode RUNS times
 * (default 50), each with a random first-prompt delay of 1–10 s, a random codec (PCMU, G.722, opus)
 * and a random meeting ID and passcode, joins with `{prompt}ID#{prompt}PASSCODE#{joined}`, and prints
 * per run and in sum: whether it joined on the first try, and the time from the end of each prompt
 * (its last sound, as sent by the meeting) to the first key the meeting heard. Seeded (SEED, default 7).
 * Not part of `npm test`: it takes about 10 minutes. Loopback only.
 */
import { Engine } from "../src/call/engine";
import { CallStatus } from "../src/call/call-status";
import type { Call } from "../src/call/call";
import type { IvrEvent } from "../src/call/call-event";
import { seededRandom } from "../src/demo/impairment";
import type { MeetingIvrEvent } from "../src/demo/meeting-ivr";
import { startTestMeetingPeer } from "../src/demo/test-meeting-peer";
import type { AudioCodecName } from "../src/sdp";

const CODECS: AudioCodecName[] = ["PCMU", "G722", "opus"];

interface RunResult {
  run: number;
  codec: AudioCodecName;
  delayMs: number;
  joined: boolean;
  firstTry: boolean;
  keyDelaysMs: number[];
  keysIgnored: number;
  outcome: string;
}

function digits(random: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(random() * 10));
  return s;
}

function established(call: Call): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("not answered within 20 s")), 20_000);
    call.on("state", (e) => {
      if (e.status === CallStatus.ESTABLISHED) {
        clearTimeout(timer);
        setImmediate(resolve);
      } else if (e.status === CallStatus.FAILED || e.status === CallStatus.FINISH) {
        clearTimeout(timer);
        reject(new Error(`call ${e.status} ${e.reason}`));
      }
    });
  });
}

/** One run's random parameters (drawn in run order, whatever runs in parallel). */
function draw(random: () => number): { codec: AudioCodecName; delayMs: number; meetingId: string; passcode: string } {
  const codec = CODECS[Math.floor(random() * CODECS.length)];
  const delayMs = 1000 + Math.round(random() * 9000);
  const meetingId = digits(random, 9 + Math.floor(random() * 3));
  const passcode = digits(random, 4 + Math.floor(random() * 5));
  return { codec, delayMs, meetingId, passcode };
}

async function oneRun(run: number, random: () => number): Promise<RunResult> {
  const { codec, delayMs, meetingId, passcode } = draw(random);
  if (process.env.SHOW_RUN === String(run)) process.stdout.write(`run ${run}: ${codec} ${delayMs} ms, meeting ID ${meetingId.length} digits, passcode ${passcode.length} digits\n`);
  const peer = await startTestMeetingPeer({ ivr: { meetingId, passcode, firstPromptDelayMs: delayMs }, audioCodecs: [codec] });
  const engine = new Engine({ account: { login: "measure", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
  const meeting: MeetingIvrEvent[] = [];
  const events: IvrEvent[] = [];
  peer.on("ivr", (e) => meeting.push(e));
  let outcome = "ok";
  try {
    const call = engine.call({ callee: "meeting" });
    call.on("ivr", (e) => events.push(e));
    await established(call);
    await call.sendDtmf(`{prompt}${meetingId}#{prompt}${passcode}#{joined}`).catch((e: Error & { reason?: string }) => (outcome = `${e.name} ${e.reason ?? ""} ${e.message}`));
    call.terminate();
    await new Promise<void>((resolve) => (call.isClosed ? resolve() : call.once("close", () => resolve())));
    await call.whenClosed();
  } catch (error) {
    outcome = (error as Error).message;
  } finally {
    await engine.close();
    await peer.stop();
  }
  const entries = meeting.flatMap((e) => (e.kind === "entry" ? [e.ok] : []));
  return {
    run,
    codec,
    delayMs,
    joined: meeting.some((e) => e.kind === "joined") && events.some((e) => e.kind === "joined"),
    firstTry: entries.length === 2 && entries.every((ok) => ok),
    keyDelaysMs: meeting.flatMap((e) => (e.kind === "first-key" ? [e.sincePromptEndMs] : [])),
    keysIgnored: meeting.filter((e) => e.kind === "key-ignored").length,
    outcome,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 50);
  const parallel = Number(process.argv[3] ?? 1);
  const random = seededRandom(Number(process.env.SEED ?? 7));
  const results: RunResult[] = [];
  let next = 1;
  // ONLY=N replays run N alone (the runs before it only draw their parameters).
  const only = process.env.ONLY === undefined ? undefined : Number(process.env.ONLY);
  if (only !== undefined) {
    for (; next < only; next++) draw(random);
  }
  const worker = async (): Promise<void> => {
    while (next <= (only ?? runs)) {
      const r = await oneRun(next++, random);
      results.push(r);
      process.stdout.write(`run ${r.run} ${r.codec} delay ${r.delayMs} ms: ${r.joined ? "joined" : "NOT joined"}${r.firstTry ? " first try" : ""}, first key ${r.keyDelaysMs.join("/")} ms after the prompt, ${r.keysIgnored} keys ignored; ${r.outcome}\n`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, () => worker()));
  if (only !== undefined) return;
  const delays = results.flatMap((r) => r.keyDelaysMs).sort((a, b) => a - b);
  const joined = results.filter((r) => r.joined && r.firstTry).length;
  process.stdout.write(
    `\n${runs} runs (${parallel} at a time): joined on the first try ${joined}/${runs} (${((100 * joined) / runs).toFixed(1)} %); ` +
      `end of prompt → first key over ${delays.length} prompts: min ${delays[0]} ms, median ${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms, max ${delays[delays.length - 1]} ms; ` +
      `keys ignored: ${results.reduce((n, r) => n + r.keysIgnored, 0)}\n`,
  );
  for (const codec of CODECS) {
    const mine = results.filter((r) => r.codec === codec);
    const d = mine.flatMap((r) => r.keyDelaysMs).sort((a, b) => a - b);
    if (mine.length > 0) process.stdout.write(`  ${codec}: ${mine.filter((r) => r.joined && r.firstTry).length}/${mine.length} joined; first key median ${percentile(d, 50)} ms, max ${d[d.length - 1]} ms\n`);
  }
  process.exitCode = joined === runs ? 0 : 1;
}

void main();
