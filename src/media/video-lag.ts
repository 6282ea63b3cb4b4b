import type { ArrivalAnchorValue } from "../rtp/arrival-anchor";
import { senderReportSsrc } from "../rtp/sender-report";
import { timestampDelta } from "../rtp/timeline-rewriter";

/** What {@link videoLagMs} needs of one received medium (RtpChannel fits). */
export interface LagSource {
  latestSenderReport(): Buffer | undefined;
  arrivalAnchor(): ArrivalAnchorValue | undefined;
}

/** The instant (ms on the sender's NTP clock) that RTP `timestamp` stands for, per the sender report `sr`. */
function senderMs(sr: Buffer, timestamp: number, clockRate: number): number {
  const ntpMs = sr.readUInt32BE(8) * 1000 + (sr.readUInt32BE(12) * 1000) / 2 ** 32;
  return ntpMs + (timestampDelta(sr.readUInt32BE(16), timestamp) * 1000) / clockRate;
}

/**
 * How much later than its audio the peer's video reaches us for the same instant of the peer's
 * clock, in ms: (least-delay arrival − sender time) of the video minus the same of the audio. The
 * sender's clock and ours differ by the same amount for both media, so it cancels; what is left is
 * the sender's own latency between the media (encoding, pacing: 60–90 ms seen with the test
 * meeting's x264) plus the network's. undefined unless both media have an SR and arrivals of the
 * same source.
 *
 * @remarks
 * A stream placed on its arrival times (a peer's video taken over from a stand-in picture, in an
 * output anchored on arrival times) is late by this much against audio placed the same way; moving
 * its arrival times back by it puts it where the peer's own reports say it belongs.
 */
export function videoLagMs(audio: LagSource & { clockRate: number }, video: LagSource): number | undefined {
  const lead = (s: LagSource, clockRate: number): number | undefined => {
    const sr = s.latestSenderReport();
    const anchor = s.arrivalAnchor();
    if (!sr || sr.length < 20 || !anchor || senderReportSsrc(sr) !== anchor.ssrc) return undefined;
    return anchor.atMs - senderMs(sr, anchor.rtpTimestamp, clockRate);
  };
  const a = lead(audio, audio.clockRate);
  const v = lead(video, 90000);
  return a === undefined || v === undefined ? undefined : v - a;
}
