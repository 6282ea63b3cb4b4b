import { designNotes } from "./design-notes";
import { mb, num, pp, table } from "./format";
import { bareCpuAt, goalLines, overheadAt } from "./goals";
import type { BenchResults, RunResult } from "./result-types";
import { viewersSection } from "./viewers-section";

const METHOD = [
  "**Peer** (`bench/peer`): one Node process, a minimal UDP SIP UAS (answers every INVITE at once with PCMU + H.264) and an RTP replayer that loops a 10 s recording (ffmpeg: testsrc2 640x360 25 fps libx264 baseline 600 kb/s, one IDR per loop, + 440 Hz sine as PCMU, captured once from RTP into `bench/tmp`) with its own SSRC, sequence numbers and timestamps per call, an RTCP SR every 5 s, and a fresh keyframe on PLI/FIR.",
  "**Sink** (`bench/sink`): one Node process, a minimal RTMP server (handshake, connect/createStream/publish, chunk stream) that reads every FLV tag on arrival and stores nothing. Cheaper than node-media-server (which records and relays every stream) and it sees each tag's arrival time.",
  "**Engine** (`bench/engine-host`): `src/call/engine.ts` Engine in its own process, `registerRequired: false`, calling the peer directly, one RTMP output per call; a fresh engine process per run.",
  "**Bare ffmpeg**: the engine's own ffmpeg argv (`buildRepublishArgs`), input from an SDP file written by the engine's `ffmpegInputSdp`, the peer sending straight to ffmpeg's ports once they are bound (no SIP, no Node forwarding).",
  "**CPU** is the kernel's accounting: utime + stime of `/proc/<pid>/stat` over each window, for the engine process and each ffmpeg child (tree), the peer, the sink and the bench itself; `other` is the whole machine (`/proc/stat`) minus all of those. Percent of one core (the machine has 100 × cores). Figures are medians over the windows.",
  "**Memory**: VmRSS of each process (shared library pages counted in every process) and PSS from `smaps_rollup` (shared pages divided among their users), sampled after the first window.",
  "**Frame loss**: the peer puts an H.264 SEI NAL unit (user data, ASCII) before every frame with the frame's counter, its index in the recording and the send time (CLOCK_MONOTONIC, shared by all processes). ffmpeg copies H.264, so the SEI reaches the sink in the FLV tag. Expected = frames the peer sent during the window (its counters at both ends); received = distinct counters that arrived (within 3 s after the hold for the last window); damaged = frames whose slice bytes differ from the recording (a packet lost inside). Loss = (expected − received + damaged) ÷ expected.",
  "**Audio gaps**: consecutive AAC frames at the sink whose FLV timestamps are more than 1.5 frames apart (34.8 ms); stalls = longest time without an audio tag arriving.",
  "**Latency**: sink arrival time of the FLV tag minus the peer's send time written in the SEI (both CLOCK_MONOTONIC on the same machine, µs resolution): Node receive + forward, ffmpeg (RTP demux, H.264 parser, FLV mux with audio interleaving), TCP to the sink. Loopback transit is negligible. Video frames only: AAC frames cannot carry a mark.",
  "**200 OK → first keyframe**: the engine's ESTABLISHED event (sip.js has processed the 200 OK and sent the ACK) to the arrival of the first keyframe FLV tag at the sink.",
  "**Setup rate**: Kamailio (test/harness) as registrar/proxy; the peer registers as `uas`, the engine calls it as alice (407 digest challenge on each INVITE), hangs up on answer; media off. A rate passes when all calls are answered, INVITE→200 p95 ≤ 1 s and answers keep pace (≥ 90 % of the rate).",
];

function runRow(x: RunResult, cpus: number): string[] {
  const busy = ((x.cpu.machine ?? 0) / (100 * cpus)) * 100;
  const engine = x.kind.startsWith("engine");
  const held = x.windows.length > 0;
  const carrier = engine ? x.cpu.engineTotal : x.cpu.bareFfmpeg;
  return [
    String(x.n) + (x.attempt > 1 ? ` (#${x.attempt})` : ""),
    x.pass ? "pass" : `FAIL: ${x.failReasons.join("; ")}`,
    `${x.up}/${x.n} in ${num(x.setupSeconds, 1)} s`,
    engine && x.windows.length > 0 ? `${num(x.cpu.engineNode)} + ${num(x.cpu.engineFfmpeg)}` : "–",
    num(carrier),
    num(x.perCallCpuPct, 2),
    `${mb(x.memory?.perCallRssKb)} (${mb(x.memory?.perCallPssKb)})`,
    held ? `${num(x.video.lossPct, 3)} %${x.video.damaged ? ` (${x.video.damaged} damaged)` : ""}` : "–",
    held ? `${x.audio.gaps} (max ${num(x.audio.maxGapMs, 0)} ms)` : "–",
    Object.entries(x.udpDrops).map(([k, v]) => `${k} ${v}`).join(", ") || "–",
    pp(x.latencyMs),
    pp(x.firstKeyframeMs),
    x.windows.length > 0 ? `${num(x.cpu.peer)} / ${num(x.cpu.sink)}` : "–",
    x.windows.length > 0 ? `${num(x.cpu.other)} / ${num(busy, 0)} %` : x.setupCpu ? `set-up: ${num(x.setupCpu.other)} / ${num(((x.setupCpu.machine ?? 0) / (100 * cpus)) * 100, 0)} %` : "–",
  ];
}

const RUN_HEAD = ["N", "result", "up", "CPU node + ffmpeg", "CPU total", "CPU/call", "RSS/call MB (PSS)", "frame loss", "audio gaps", "UDP drops", "latency p50/p95 ms", "first keyframe p50/p95 ms", "peer / sink CPU", "other CPU / machine busy"];

/** The results as a markdown report. */
export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const m = r.meta;
  out.push(`# sipcast bench — ${m.date} (${m.mode})`, "");
  out.push(`${m.cpuModel}, ${m.cpus} cores, ${m.memoryMb} MB; Node ${m.node}; ${m.ffmpeg}; commit ${m.commit ?? "?"}; ${num(m.durationSeconds / 60, 1)} min.`);
  out.push(`CPU figures are percent of one core (this machine has ${m.cpus * 100}). Median load from processes outside the bench during the windows: ${num(m.otherLoadPct)} %.`, "");
  for (const n of m.notes) out.push(`> ${n}`, "");
  const verdict = (v: string): string => (m.mode === "smoke" ? "(smoke: not judged)" : v);
  const engine = r.runs.filter((x) => x.kind === "engine");
  // A viewers-only run (--only=viewers) has no ladder: its goals and ladder would be empty tables.
  const ladder = r.runs.length > 0 || r.setupRate !== undefined;
  if (ladder) out.push("## Goals", "", table(["goal", "target", "measured", "verdict"], goalLines(r).map((g) => [g.goal, g.target, g.measured, verdict(g.verdict)])), "");
  if (ladder) out.push(
    "## Capacity ladder (engine)",
    "",
    `Each step: N calls dialled at the start rate, held ${engine[0] ? engine[0].windows.length : 0} windows; CPU = median over the windows. A step fails when a call does not come up within 20 s of the last dial or ends, frame loss > 0.1 %, an audio gap, latency p95 > 1 s (a growing backlog), or the machine > 95 % busy in a window.`,
    "",
  );
  if (ladder) out.push(table(RUN_HEAD, engine.map((x) => runRow(x, m.cpus))), "");
  const bare = r.runs.filter((x) => x.kind !== "engine");
  if (bare.length > 0) out.push("## Bare ffmpeg and experiments", "", "`bare`: the engine's ffmpeg argv without the engine; `bare-multi`: one ffmpeg for 10 calls; `bare-video-only` / `bare-audio-only`: one medium only; `bare-aac16k-mono`: AAC 16 kHz mono 48k; `engine-rcvbuf`: the engine with 4 MB UDP receive buffers (patched in by the bench host); `engine-nice`: the engine with its ffmpeg children (every thread) at nice 10, so its forwarding thread wins the CPU.", "", table(["kind", ...RUN_HEAD], bare.map((x) => [x.kind, ...runRow(x, m.cpus)])), "");
  const ns = [...new Set(r.runs.filter((x) => x.kind === "bare").map((x) => x.n))];
  if (ns.length > 0) {
    out.push("## Overhead against bare ffmpeg (same N, same run)", "");
    out.push(
      table(
        ["N", "engine CPU (node + ffmpeg)", "bare ffmpeg CPU (median of runs)", "ratio", "engine RSS/call MB", "bare RSS/call MB", "engine latency p95", "bare latency p95"],
        ns.map((n) => {
          const e = engine.find((x) => x.n === n && x.pass) ?? engine.find((x) => x.n === n);
          const b = r.runs.filter((x) => x.kind === "bare" && x.n === n);
          return [String(n), e ? `${num(e.cpu.engineTotal)} (${num(e.cpu.engineNode)} + ${num(e.cpu.engineFfmpeg)})${e.pass ? "" : " — failing run"}` : "–", num(bareCpuAt(r, n)), `${num(overheadAt(r, n), 2)}×`, mb(e?.memory?.perCallRssKb), mb(b[0]?.memory?.perCallRssKb), num(e?.latencyMs.p95, 0), num(b[0]?.latencyMs.p95, 0)];
        }),
      ),
      "",
    );
  }
  if (r.setupRate) {
    out.push("## Call setup rate through Kamailio", "");
    out.push(table(["rate/s", "#", "calls", "answered", "failed", "INVITE→200 p50/p95 ms", "achieved/s", "result"], r.setupRate.steps.map((s) => [String(s.rate), String(s.repeat), String(s.calls), String(s.established), `${s.failed}${Object.keys(s.reasons).length ? ` (${Object.entries(s.reasons).map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}`, pp(s.setupMs), num(s.achievedPerSec), s.pass ? "pass" : "FAIL"])), "");
  }
  out.push(...viewersSection(r.viewers));
  const notes = designNotes(r);
  if (notes.length > 0) out.push("## Where the CPU goes, and what would reach the goals", "", ...notes.map((n) => `- ${n}`), "");
  if (r.skipped.length > 0) out.push("## Skipped", "", ...r.skipped.map((s) => `- ${s}`), "");
  out.push("## Method", "", ...METHOD.map((s) => `- ${s}`), "");
  out.push(`Recording: ${r.recording.videoFrames} video frames per loop, ${num(r.recording.videoPacketsPerSecond, 0)} video packets/s (+ 25 SEI packets/s), ${num(r.recording.videoKbps, 0)} kb/s, ${num(r.recording.audioPacketsPerSecond, 0)} audio packets/s per call.`, "");
  return out.join("\n");
}
