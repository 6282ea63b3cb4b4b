import type { MediaKind, RtpChannel } from "../rtp/rtp-channel";

/** What the peer sent us on one medium since the answer (from RFC 3550 receive statistics). */
export interface ReceivedMediaStats {
  packetsReceived: number;
  /** Cumulative lost packets (RFC 3550 §6.4.1), over every SSRC of the medium. */
  packetsLost: number;
  /** Interarrival jitter of the current SSRC, in milliseconds. */
  jitterMs: number;
  /** Average received bitrate since the answer, RTP headers included, in kbit/s. */
  bitrateKbps: number;
}

/**
 * Receive statistics per medium for a call's state events; undefined before the answer.
 * Cheap: it reads counters the channels keep anyway.
 */
export function receivedMediaStats(channels: ReadonlyMap<MediaKind, RtpChannel>, establishedAt: number | undefined, now: number): Partial<Record<MediaKind, ReceivedMediaStats>> | undefined {
  if (establishedAt === undefined) return undefined;
  const seconds = Math.max(0.001, (now - establishedAt) / 1000);
  const out: Partial<Record<MediaKind, ReceivedMediaStats>> = {};
  for (const [kind, channel] of channels) {
    const j = channel.toJSON();
    out[kind] = {
      packetsReceived: j.packetsReceived,
      packetsLost: j.packetsLost,
      jitterMs: Math.round(j.jitterMs * 10) / 10,
      bitrateKbps: Math.round((j.bytesReceived * 8) / seconds / 100) / 10,
    };
  }
  return out;
}
