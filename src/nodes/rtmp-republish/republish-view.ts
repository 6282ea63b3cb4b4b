import type { PublishEvent } from "node-red-contrib-sipcast";
import { t } from "../shared/i18n";
import { statusText } from "../shared/input-handler";
import type { NodeStatus } from "../shared/node-red-types";
import { formatDuration } from "../shared/ticker";

/** "1.2 Mbit/s" or "850 kbit/s". */
export function formatBitrate(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}

/**
 * The node status for an output: "publishing 00:01:23 · 1.2 Mbit/s" (green) counted from
 * `publishingSince`, reconnecting (yellow; "reconnecting: output stalled" after an OUTPUT_STALLED), failed (red), stopped (grey).
 */
export function republishView(event: PublishEvent, publishingSince: number | undefined, now: number): NodeStatus {
  switch (event.status) {
    case "PUBLISHING": {
      const time = formatDuration(now - (publishingSince ?? now));
      const kbps = event.stats?.bitrateKbps;
      return { fill: "green", shape: "dot", text: kbps !== undefined ? t("republish.publishingRate", { time, rate: formatBitrate(kbps) }) : t("republish.publishing", { time }) };
    }
    case "STARTING":
      return { fill: "yellow", shape: "ring", text: t("republish.starting") };
    case "RECONNECTING":
      // A stall says so: the server took the connection but stopped taking the stream.
      return { fill: "yellow", shape: "ring", text: t(event.reason === "OUTPUT_STALLED" ? "republish.stalled" : "republish.reconnecting") };
    case "FAILED":
      return { fill: "red", shape: "dot", text: statusText(t("republish.failed", { reason: event.reason ?? "" }).trim()) };
    default:
      return { fill: "grey", shape: "dot", text: t("republish.stopped") };
  }
}
