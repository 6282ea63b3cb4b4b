import { num } from "./format";
import { bareCpuAt, engineAt } from "./goals";
import type { BenchResults, RunResult } from "./result-types";

/**
 * Where the CPU of a call goes and what other designs would cost, from this run's own
 * experiments (not guesses): the engine's Node share vs its ffmpeg share, one ffmpeg per call
 * vs one for ten calls, video copy vs audio transcoding. Capacity projections divide the
 * machine (minus 10 % headroom) by the per-call cost, as if it ran only the engine.
 */
export function designNotes(r: BenchResults): string[] {
  const notes: string[] = [];
  const cpus = r.meta.cpus;
  const budget = 100 * cpus * 0.9;
  // The largest passing step (a failing one is starved and under-reports), else the largest.
  const measured = r.runs.filter((x) => x.kind === "engine" && x.windows.length > 0).sort((a, b) => Number(b.pass) - Number(a.pass) || b.n - a.n);
  const big: RunResult | undefined = measured[0] ?? engineAt(r, 1);
  if (!big || big.windows.length === 0) return notes;
  const n = big.n;
  const node = (big.cpu.engineNode ?? 0) / n;
  const ff = (big.cpu.engineFfmpeg ?? 0) / n;
  notes.push(
    `At N=${n} a call costs ${num(node + ff, 2)} % of a core: ${num(node, 2)} % in the engine's Node process (SIP, RTP receive, forwarding to ffmpeg, RTCP) and ${num(ff, 2)} % in its ffmpeg (${num((100 * ff) / (node + ff), 0)} %). ` +
      `With the engine alone on this ${cpus}-core machine that is room for about ${num(budget / (node + ff), 0)} calls (90 % of ${cpus} cores ÷ per-call cost).`,
  );
  const bareN = [10, 50, 1].find((k) => bareCpuAt(r, k) !== undefined);
  if (bareN !== undefined) {
    const bare = (bareCpuAt(r, bareN) as number) / bareN;
    notes.push(`Bare ffmpeg (same argv, RTP straight from an SDP file) costs ${num(bare, 2)} % per call at N=${bareN}: the engine's Node side adds ${num(node, 2)} % per call on top of its own ffmpeg.`);
  }
  const x = r.runs.find((k) => k.kind === "bare-multi" && k.windows.length > 0);
  const single = x ? bareCpuAt(r, x.n) : undefined;
  if (x && single !== undefined) {
    const perMulti = (x.cpu.bareFfmpeg ?? 0) / x.n;
    const perSingle = single / x.n;
    notes.push(
      `One ffmpeg for ${x.n} calls costs ${num(perMulti, 2)} % per call against ${num(perSingle, 2)} % with one ffmpeg per call (${num((100 * (perSingle - perMulti)) / perSingle, 0)} % less), ` +
        `RSS ${num((x.memory?.perCallRssKb ?? 0) / 1024, 1)} MB per call against ${num(((r.runs.find((k) => k.kind === "bare" && k.n === x.n)?.memory?.perCallRssKb) ?? 0) / 1024, 1)} MB; ` +
        `loss ${num(x.video.lossPct, 2)} %, latency p95 ${num(x.latencyMs.p95, 0)} ms. Engine + shared ffmpeg would be about ${num(budget / (node + perMulti), 0)} calls` +
        (x.pass ? "." : ` — but it did not keep up (${x.failReasons.join("; ")}): ffmpeg 5.1 reads and muxes all inputs in one thread, so one slow input holds up the others; ffmpeg ≥ 6.1 runs a thread per input.`),
    );
  }
  const v = r.runs.find((k) => k.kind === "bare-video-only" && k.windows.length > 0);
  const a = r.runs.find((k) => k.kind === "bare-audio-only" && k.windows.length > 0);
  const av = v ? r.runs.find((k) => k.kind === "bare" && k.n === v.n && k.latencyMs.n > 0) : undefined;
  if (v && av && v.latencyMs.n > 0) {
    notes.push(
      `Latency, bare ffmpeg at N=${v.n}: video only p50 ${num(v.latencyMs.p50, 0)} ms, audio + video p50 ${num(av.latencyMs.p50, 0)} ms. ffmpeg's FLV muxer interleaves by timestamp, so a video frame waits for the AAC frames of the same time (AAC works on 1024-sample frames and has an encoder delay); the H.264 parser adds up to a frame (40 ms) as it finds the end of an access unit only at the next one.`,
    );
  }
  if (v && a) {
    const pv = (v.cpu.bareFfmpeg ?? 0) / v.n;
    const pa = (a.cpu.bareFfmpeg ?? 0) / a.n;
    notes.push(
      `Anatomy of one ffmpeg (N=${v.n}): H.264 copy + FLV alone ${num(pv, 2)} % per call, PCMU → AAC alone ${num(pa, 2)} % per call. ` +
        `Muxing FLV in the engine's process (video copied without ffmpeg) would still need the AAC encode: about ${num(node + pa, 2)} % per call, room for ~${num(budget / (node + pa), 0)} calls.`,
    );
  }
  const tuned = r.runs.find((k) => k.kind === "engine-rcvbuf");
  const plain = tuned ? r.runs.filter((k) => k.kind === "engine" && k.n === tuned.n) : [];
  if (tuned && plain.length > 0) {
    const drops = (x: RunResult): number => x.udpDrops.engineNode ?? 0;
    notes.push(
      `Starved event loop: at N=${tuned.n} the engine's Node process ${plain.map((x) => `dropped ${drops(x)} datagrams at its full RTP receive buffers (loss ${num(x.video.lossPct, 2)} %)`).join(", then ")}; ` +
        `with 4 MB receive buffers on its sockets it dropped ${drops(tuned)} (loss ${num(tuned.video.lossPct, 2)} %, ${tuned.pass ? "pass" : `still failing: ${tuned.failReasons.join("; ")}`}). ` +
        "One Node thread forwards every call's packets while each ffmpeg reads its sockets in a thread of its own: when the CPU is contended the single thread falls behind first.",
    );
  }
  const niced = r.runs.find((k) => k.kind === "engine-nice");
  if (niced) {
    notes.push(
      `With every ffmpeg thread at nice 10 (the engine's Node thread keeps nice 0) at N=${niced.n}: engine drops ${niced.udpDrops.engineNode ?? 0}, ffmpeg drops ${niced.udpDrops.ffmpeg ?? 0}, loss ${num(niced.video.lossPct, 2)} %, latency p95 ${num(niced.latencyMs.p95, 0)} ms — ${niced.pass ? "pass" : `fail: ${niced.failReasons.join("; ")}`}.`,
    );
  }
  const low = r.runs.find((k) => k.kind === "bare-aac16k-mono" && k.windows.length > 0);
  const ref = low ? bareCpuAt(r, low.n) : undefined;
  if (low && ref !== undefined) {
    const pl = (low.cpu.bareFfmpeg ?? 0) / low.n;
    const pr = ref / low.n;
    notes.push(
      `AAC at 16 kHz mono 48k instead of 44.1 kHz stereo 96k (the source is 8 kHz G.711, so nothing is lost): ${num(pl, 2)} % per call against ${num(pr, 2)} % (${num((100 * (pr - pl)) / pr, 0)} % less); ` +
        `engine + such an ffmpeg ≈ ${num(node + pl, 2)} % per call, room for ~${num(budget / (node + pl), 0)} calls. CDNs must accept 16 kHz AAC (YouTube recommends 44.1/48 kHz).`,
    );
  }
  return notes;
}
