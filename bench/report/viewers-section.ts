import type { ViewersResult } from "../viewers/viewers-result";
import { num, table } from "./format";

const METHOD = "One A/V call from the peer (H.264 + PCMU, also published to the sink over RTMP) with `toStream`, served by the engine host's WHEP endpoint on 127.0.0.1 (`handleWhepRequest`, bearer token). The viewers are werift RTCPeerConnections (recvonly H.264 + PCMU) in a process of their own, POSTing their offers a few at a time; each step's viewers leave (DELETE) before the next step's join. Each step is one window, starting a few seconds after the last viewer's first video packet (a joining viewer first gets the call's packets since the last keyframe in one burst). “Since join” counts from each viewer's first packet to the window's end, the burst included. CPU per viewer = (step − the no-viewer baseline of the same run) ÷ N, for the engine's Node process and its ffmpeg apart. Loss per viewer is by RTP sequence numbers as the viewer received them (expected = highest − first + 1 over the window, gaps = jumps); \"of the call\" = video packets a viewer received ÷ video packets the engine received from the peer in the same window (the two counters are read a few ms apart); the call's own loss is the engine's RTP receiver count for the same window: a gap there reaches every viewer as the same gap. First video = POST sent → first video RTP packet at the viewer (ICE + DTLS + the first forwarded packet).";

/** The "WebRTC viewers" section of the report. */
export function viewersSection(v: ViewersResult | undefined): string[] {
  if (!v) return [];
  const out: string[] = ["## WebRTC viewers (WHEP) of one call", ""];
  for (const f of v.failures) out.push(`> ${f}`, "");
  const b = v.baseline;
  if (b) out.push(`Baseline (one call, no viewer, ${num(b.seconds, 0)} s): engine node ${num(b.cpu.engineNode)} %, its ffmpeg ${num(b.cpu.engineFfmpeg)} %; the call received ${b.callPackets.video} video and ${b.callPackets.audio} audio packets; other processes ${num(b.cpu.other)} %.`, "");
  const rows = v.steps.map((s) => [
    String(s.viewers),
    `${s.answered} / ${s.gotVideo} / ${s.window.withMedia}`,
    `${num(s.cpu.engineNode)} + ${num(s.cpu.engineFfmpeg)}`,
    num(s.perViewerCpuPct.engineNode, 2),
    num(s.perViewerCpuPct.engineFfmpeg, 2),
    num(s.cpu.viewers),
    `${num(s.window.video.lossPct, 3)} % (worst ${num(s.window.worstVideoLossPct, 3)} %)`,
    `${num(s.window.videoSinceJoin.lossPct, 3)} % (${s.window.videoSinceJoin.viewersWithLoss} viewers)`,
    `${s.window.perViewer.reduce((a, w) => a + w.video.gaps, 0)} / ${s.window.perViewer.reduce((a, w) => a + w.audio.gaps, 0)}`,
    num(s.window.audio.lossPct, 3) + " %",
    `${num(s.window.minVideoOfCallPct, 1)} %`,
    String(s.callPackets.videoLost),
    `${num(s.firstVideoMs.p50, 0)} / ${num(s.firstVideoMs.p95, 0)} / ${num(s.firstVideoMs.max, 0)}`,
    `${num(s.cpu.other)} / ${num(s.cpu.machine)}`,
    s.errors.join("; ") || "–",
  ]);
  out.push(
    table(["viewers", "answered / got video / media in window", "engine CPU node + ffmpeg", "node CPU per viewer", "ffmpeg CPU per viewer", "viewer process CPU", "video loss in window (seq)", "video loss since join (seq)", "video / audio gaps", "audio loss (seq)", "lowest viewer's share of the call's video", "video the call itself lost from the peer (packets)", "POST → first video p50/p95/max ms", "other / machine CPU", "errors"], rows),
    "",
    `Result: ${v.pass ? "every viewer of every step answered, got video and received video and audio in its window" : "NOT every viewer got media (see the table)"}.`,
    "",
    `Method: ${METHOD}`,
    "",
  );
  return out;
}
