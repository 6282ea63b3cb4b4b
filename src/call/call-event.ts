import type { OutputKind } from "../output/output-types";
import type { OutputStats, PublishStatus } from "../output/sink";
import type { IvrFailure, IvrProgress } from "../dtmf/ivr-wait";
import { CallReason } from "./call-reason";
import { CallStatus } from "./call-status";
import type { ReceivedMediaStats } from "./media-stats";

export type { PublishStatus };

/** What every state change of a call reports (WCS field names). */
export interface CallStateEvent {
  callId: string;
  status: CallStatus;
  /** The last SIP status code of the INVITE transaction (or REGISTER when registration failed); 0 before any. */
  sipStatus: number;
  /** The reason phrase that came with `sipStatus`. */
  sipMessage: string;
  reason: CallReason;
  /** A human-readable detail for failures (never contains a secret). */
  detail?: string;
  /** Who ended the call, for final states. */
  initiator?: "local" | "remote";
  caller: string;
  callee: string;
  /** Epoch milliseconds of the change. */
  timestamp: number;
  /** Epoch milliseconds of the answer, once answered. */
  establishedAt?: number;
  /** Once answered: what the peer sent per medium (packets, loss, jitter, average bitrate since the answer). */
  media?: Partial<Record<"audio" | "video", ReceivedMediaStats>>;
}

/** A change of one of the call's outputs, or (status PUBLISHING with `stats`) its periodic progress. `target` has its stream key hidden. */
export interface PublishEvent {
  callId: string;
  /** Which output (see `call.publish()`); `rtmp` / `record` for those started from CallOptions. */
  outputId: string;
  /** The output's kind: "rtmp" for RTMP(S), "record" for a recording, … (SinkKind.kind). */
  kind: OutputKind;
  status: PublishStatus;
  target: string;
  reason: CallReason;
  detail?: string;
  /** The output's progress, on the periodic events (every `publishStatsIntervalMs`). */
  stats?: OutputStats;
  timestamp: number;
}

/** A DTMF key the call sent (WCS `/call/send_dtmf`). */
export interface DtmfEvent {
  callId: string;
  digit: string;
  type: "RFC2833" | "INFO";
  direction: "sent";
  /** Epoch milliseconds when the key was done (INFO accepted, or RFC 4733 end packets sent). */
  timestamp: number;
}

/**
 * How a DTMF plan's `{prompt}`, `{reply}` and `{joined}` waits went: `prompt-ended` (the far end
 * spoke and now listens), `replied`, `joined` (video started, or meeting audio), `reprompt` (the far
 * end asked again instead of joining: a wrong PIN; `retrying` tells whether the keys go again),
 * `failed` (a wait timed out: `reason` and `detail` say why). Keys are never repeated here: they
 * may be a PIN; `groupsSent` counts the runs of keys sent so far.
 */
export type IvrEvent = { callId: string; timestamp: number } & (IvrProgress | { kind: "failed"; reason: IvrFailure; detail: string; groupsSent?: undefined });
