import { buildSenderReport, ntpFromEpochMs, type ArrivalAnchorValue, type MediaKind } from "../../rtp";

/** What the A/V anchor needs of a received medium; RtpChannel fits. */
export interface SyncSource {
  /** The peer's latest SR for the current source, or undefined. */
  latestSenderReport(): Buffer | undefined;
  /** The current source's timeline on our clock, from arrival times, or undefined before any RTP. */
  arrivalAnchor(): ArrivalAnchorValue | undefined;
}

/**
 * `peer`: every medium starts with the peer's own latest SR, and the peer's later SRs are forwarded.
 * `arrival`: every medium starts with an SR we made from arrival times, and the peer's SRs are
 * withheld from that ffmpeg for good.
 */
export type SyncMode = "peer" | "arrival";

/** The SR each medium's forwarder sends ahead of its media. */
export interface SyncAnchors {
  mode: SyncMode;
  /** Media without anything to anchor on (no SR, no RTP yet) are absent. */
  reports: Map<MediaKind, Buffer>;
}

/**
 * Chooses the SR that goes to ffmpeg ahead of each medium's first packet.
 *
 * @remarks
 * ffmpeg's RTP demuxer times each stream from its own first packet until that stream has an SR,
 * then switches to NTP time shared by all streams — a jump, seconds into the output, since peers
 * send an SR only every ~5 s. With an SR ahead of every stream it uses NTP time from the first
 * packet on. Both streams must get their SR from the same clock: the peer's SRs when it has sent
 * one for every medium, else SRs made from arrival times on our clock (ArrivalAnchor) for all of
 * them. In that case the peer's SRs must never reach that ffmpeg: their NTP clock is not ours,
 * and ffmpeg would move the stream by the difference. Without later SRs ffmpeg keeps following
 * the RTP timestamps from our anchor, which is what it does for a peer that sends no SR at all.
 *
 * @param epochOffsetMs Adds to the sources' clock to give Unix epoch ms (the channels use
 *   `performance.now()`); only differences matter to ffmpeg, the offset keeps the NTP plausible.
 */
export function chooseSyncAnchors(sources: ReadonlyMap<MediaKind, SyncSource>, epochOffsetMs = performance.timeOrigin): SyncAnchors {
  const peer = new Map<MediaKind, Buffer>();
  for (const [kind, source] of sources) {
    const sr = source.latestSenderReport();
    if (sr) peer.set(kind, sr);
  }
  if (sources.size > 0 && peer.size === sources.size) return { mode: "peer", reports: peer };
  const reports = new Map<MediaKind, Buffer>();
  for (const [kind, source] of sources) {
    const anchor = source.arrivalAnchor();
    if (anchor) reports.set(kind, buildSenderReport(anchor.ssrc, ntpFromEpochMs(epochOffsetMs + anchor.atMs), anchor.rtpTimestamp));
  }
  return { mode: "arrival", reports };
}
