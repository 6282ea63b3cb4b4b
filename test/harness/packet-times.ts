import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** How one stream's packet timestamps in a file behave: what a continuous published timeline needs. */
export interface PacketTimeline {
  packets: number;
  firstMs: number;
  lastMs: number;
  /**
   * Packets whose DTS is at most 1 ms after the previous packet's: not after it, or fixed up by the
   * muxer ("Non-monotonous DTS … changing to" previous + 1 in FLV's 1 ms time base). Audio frames
   * here are ~21 ms, video frames 40 ms.
   */
  nonMonotonic: number;
  /** Where the first of those steps is (the DTS of the packet before it), NaN when there is none. */
  firstStepAtMs: number;
  /** The largest step between consecutive packets' DTS. */
  largestGapMs: number;
  /** Where that step starts. */
  largestGapAtMs: number;
}

/** Reads the DTS of every packet of the first `kind` stream ("a" or "v") of `file` with ffprobe. */
export async function readPacketTimeline(file: string, kind: "a" | "v"): Promise<PacketTimeline> {
  const r = await runCommand(programPath("ffprobe"), ["-v", "error", "-select_streams", `${kind}:0`, "-show_entries", "packet=dts_time", "-of", "csv=p=0", file], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`ffprobe ${file} failed (${r.code}): ${r.stderr.trim()}`);
  const times = r.stdout
    .toString("utf8")
    .split("\n")
    .map((line) => Number.parseFloat(line) * 1000)
    .filter((t) => Number.isFinite(t));
  return packetTimeline(times);
}

/** The figures of {@link PacketTimeline} for DTS values in ms, in file order. */
export function packetTimeline(times: readonly number[]): PacketTimeline {
  let nonMonotonic = 0;
  let largestGapMs = 0;
  let largestGapAtMs = Number.NaN;
  let firstStepAtMs = Number.NaN;
  for (let i = 1; i < times.length; i++) {
    // To the microsecond: DTS read as seconds and scaled give 39.99999999999818 for a 40 ms step (and
    // 40.000000000000004 for another): on the noise the "largest" of equal steps landed anywhere.
    const step = Math.round((times[i] - times[i - 1]) * 1000) / 1000;
    if (step <= 1 && nonMonotonic++ === 0) firstStepAtMs = times[i - 1];
    if (step > largestGapMs) {
      largestGapMs = step;
      largestGapAtMs = times[i - 1];
    }
  }
  return { packets: times.length, firstMs: times[0] ?? Number.NaN, lastMs: times[times.length - 1] ?? Number.NaN, nonMonotonic, firstStepAtMs, largestGapMs, largestGapAtMs };
}
