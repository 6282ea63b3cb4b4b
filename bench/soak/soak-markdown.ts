import { mb, num, table } from "../report/format";
import type { SoakPlan } from "./soak-plan";
import type { SoakMeasurements } from "./soak-run";
import { RSS_GROWTH_LIMIT_PCT, type SoakVerdict } from "./soak-verdict";

/** The whole soak result, as written to bench/results/soak-<date>.json. */
export interface SoakResults {
  meta: { date: string; mode: SoakPlan["mode"]; commit: string | undefined; node: string; ffmpeg: string; cpuModel: string; cpus: number; durationSeconds: number; notes: string[] };
  plan: SoakPlan;
  measurements: SoakMeasurements;
  verdict: SoakVerdict;
}

const yes = (ok: boolean): string => (ok ? "met" : "missed");

/** The short markdown report of a soak: goals, then one row per window. */
export function renderSoakMarkdown(r: SoakResults): string {
  const { plan, measurements: m, verdict: v } = r;
  const lines: string[] = [];
  lines.push(`# sipcast soak — ${r.meta.date} (${r.meta.mode})`, "");
  lines.push(`${r.meta.cpuModel}, ${r.meta.cpus} cores; Node ${r.meta.node}; ${r.meta.ffmpeg}; commit ${r.meta.commit ?? "?"}; ${(r.meta.durationSeconds / 60).toFixed(1)} min.`);
  lines.push(`${plan.calls} concurrent A/V calls (H.264 + PCMU from the bench peer, published as RTMP to the bench sink), held ${plan.minutes} min; the first ${plan.warmupSeconds} s are warm-up; ${plan.windowSeconds} s windows. Calls up in ${m.setupSeconds.toFixed(1)} s. **${v.pass ? "PASS" : "FAIL"}**${v.reasons.length > 0 ? `: ${v.reasons.join("; ")}` : ""}.`, "");
  for (const n of [...r.meta.notes, ...m.failures]) lines.push(`- ${n}`);
  if (r.meta.notes.length + m.failures.length > 0) lines.push("");
  lines.push(
    table(
      ["goal", "target", "measured", "verdict"],
      [
        ["Engine process RSS after the warm-up (warm-up peak → end)", `grows < ${RSS_GROWTH_LIMIT_PCT} %`, `${mb(v.rss.startKb)} → ${mb(v.rss.endKb)} MB (${v.rss.growthPct >= 0 ? "+" : ""}${v.rss.growthPct.toFixed(1)} %), max ${mb(v.rss.maxKb)} MB; heap used ${mb(v.rss.heapUsedStartKb)} → ${mb(v.rss.heapUsedEndKb)} MB`, yes(v.rss.growthPct < RSS_GROWTH_LIMIT_PCT)],
        ["Engine file descriptors", "flat", `${v.fds.first} → ${v.fds.last} (min ${v.fds.min}, max ${v.fds.max})`, yes(v.fds.last <= v.fds.first)],
        ["Engine child processes", `${plan.calls} throughout`, `${v.children.min}–${v.children.max}`, yes(v.children.min === plan.calls && v.children.max === plan.calls)],
        ["Frame loss (stamped video frames, sent → RTMP server)", "0 %", `${v.frames.lost} of ${v.frames.expected} (${v.frames.lossPct.toFixed(3)} %)`, yes(v.frames.lost === 0 && v.frames.expected > 0)],
        ["Published timelines continuous", "no gap, no step back, no restart", `audio gaps ${v.timeline.audioGaps} (max step ${v.timeline.maxAudioGapMs} ms), video gaps ${v.timeline.videoGaps} (max step ${v.timeline.maxVideoGapMs} ms), steps back ${v.timeline.backwardSteps}, re-published ${v.timeline.republished}, output restarts ${v.timeline.outputReconnects}`, yes(v.timeline.audioGaps + v.timeline.videoGaps + v.timeline.backwardSteps + v.timeline.republished + v.timeline.outputReconnects === 0)],
        ["Calls held", `${plan.calls} to the end`, `${m.end.up} up, ${m.end.endedEarly} ended early, ${m.end.leftoverProcesses} processes left after close`, yes(m.end.up === plan.calls && m.end.endedEarly === 0 && m.end.leftoverProcesses === 0)],
      ],
    ),
    "",
  );
  lines.push("## Samples", "", "Process figures at the start of each window; frames and timeline of the window; CPU in percent of one core.", "");
  lines.push(
    table(
      ["t s", "phase", "node RSS MB", "heap used MB", "ffmpeg RSS MB", "fds", "children", "frames recv/sent", "audio gaps", "max video step ms", "latency p95 ms", "CPU engine", "CPU peer + sink", "CPU machine / other"],
      m.samples.map((s, i) => {
        const w = m.windows[i];
        return [
          num(s.atSeconds, 0),
          s.warmup ? "warm-up" : "soak",
          mb(s.nodeRssKb),
          mb(s.heapUsedKb),
          mb(s.ffmpegRssKb),
          String(s.fds),
          String(s.children),
          w ? `${w.received - w.damaged}/${w.expected}` : "–",
          w ? String(w.audioGaps) : "–",
          w ? String(w.videoMaxGapMs) : "–",
          num(w?.latencyP95Ms, 0),
          num(w?.cpu.engine, 0),
          num(w?.cpu.benchPeers, 0),
          w ? `${num(w.cpu.machine, 0)} / ${num(w.cpu.other, 0)}` : "–",
        ];
      }),
    ),
    "",
  );
  lines.push(
    "## Method",
    "",
    "RSS and file descriptors of the engine's Node process from `/proc/<pid>/status` and `/proc/<pid>/fd`; growth compares the median of the last quarter of the samples after the warm-up (at least three) with the highest sample of the warm-up: V8 hands pages back to the system and takes them again, so RSS swings by 10 MB or more while the heap in use stays flat. Children are the live descendants of that process (one ffmpeg per call). Frame loss: the peer stamps every video frame (SEI counter); a frame counts as received when it reaches the RTMP sink with the recording's picture bytes. Timeline: at the sink, consecutive FLV timestamps of each stream (audio gap: a step > 1.5 AAC frames; video gap: a step > 500 ms; any step back), a stream published twice, and the engine's own count of output restarts.",
  );
  return lines.join("\n");
}
