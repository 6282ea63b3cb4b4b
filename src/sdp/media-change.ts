import type { NegotiatedMedia, NegotiatedStream } from "./negotiated-types";

/**
 * What an output must know again when the call's negotiated media changed (a re-INVITE's new SDP):
 * one short line per changed kind, e.g. `audio PCMU/8000 pt 0 → PCMA/8000 pt 8`; undefined when
 * nothing that shapes the received media changed.
 *
 * @remarks Only what decides how the received RTP is read counts: codec, payload type, clock rate,
 * channels, fmtp (the H.264 profile and sprop-parameter-sets live there), telephone-event, and a
 * payload number the peer may now send that it could not before (one it may no longer send is not:
 * a re-INVITE that moves the media often names one number where the first offer/answer named two). A new
 * address or port, a new direction (hold) or new SSRCs do not: the channel and the timeline rewriter
 * already carry the stream through those.
 */
export function describeMediaChange(before: NegotiatedMedia, after: NegotiatedMedia): string | undefined {
  const lines: string[] = [];
  for (const kind of ["audio", "video"] as const) {
    const a = before[kind];
    const b = after[kind];
    if (shape(a) !== shape(b)) lines.push(`${kind} ${label(a)} → ${label(b)}`);
    else if (a && b) {
      // Fewer numbers the peer may send is no change (its offer and answer named several, now one);
      // a new one is: what reads by payload type would drop it.
      const added = b.receivePayloadTypes.filter((pt) => !a.receivePayloadTypes.includes(pt));
      if (added.length > 0) lines.push(`${kind} ${label(b)} also received as pt ${added.join(", ")}`);
    }
  }
  return lines.length > 0 ? lines.join("; ") : undefined;
}

function shape(s: NegotiatedStream | undefined): string {
  if (!s) return "none";
  const te = s.telephoneEvent ? `${s.telephoneEvent.payloadType}/${s.telephoneEvent.clockRate}` : "";
  return JSON.stringify([s.codec, s.payloadType, s.clockRate, s.channels, s.fmtp ?? "", te]);
}

function label(s: NegotiatedStream | undefined): string {
  if (!s) return "none";
  return `${s.codec}/${s.clockRate} pt ${s.payloadType}${s.fmtp ? ` (${s.fmtp})` : ""}`;
}
