import type { Call } from "../call/call";
import type { IvrEvent } from "../call/call-event";
import { ConfigError } from "../errors";
import { IvrWaitError, parseDtmfDigits, type DtmfType, type IvrFailure } from "../dtmf";
import type { Logger } from "../util/logger";
import { optionalString, type WcsBody } from "./wcs-fields";
import { badField } from "./wcs-http-error";

/**
 * A DTMF plan given to `/call/startup` (sipcast's `dtmf` field, e.g. `{prompt}311705123#{prompt}4321#{joined}`):
 * checked at the request, run once the call is ESTABLISHED, its progress kept for `/call/find`.
 * The plan holds a meeting ID and a PIN, so neither the keys nor the plan are ever repeated in an
 * answer, an error or a log line: only the kinds of the plan's events and the reasons of failures.
 */

/** PENDING (the call is not answered yet), RUNNING, JOINED (a `{joined}` wait was met), SENT (the plan ended without `{joined}`), FAILED. */
export type WcsIvrStatus = "PENDING" | "RUNNING" | "JOINED" | "SENT" | "FAILED";

/** The `ivr` object of a call in `/call/find` (sipcast's, beyond WCS). */
export interface WcsIvrJson {
  status: WcsIvrStatus;
  /** Kind of the plan's last `ivr` event (prompt-ended, replied, reprompt, joined, failed), or null before the first. */
  event: IvrEvent["kind"] | null;
  /** How many runs of keys went out (never the keys themselves). */
  groupsSent: number;
  /** With FAILED: a wait's reason (no-prompt, not-joined, reprompted, …), or "not-sent" when the keys could not go out (the call ended, an INFO was refused). */
  reason?: IvrFailure | "not-sent";
  /** With a failed wait: what it waited for and how long (the engine's text, which names no key). */
  detail?: string;
}

/** A plan on its way; `json` is what `/call/find` shows. */
export interface WcsIvrPlan {
  readonly plan: string;
  readonly type: DtmfType;
  json: WcsIvrJson;
}

/**
 * Reads the optional `field` as a DTMF plan, parsed by the engine's own parser (so the same keys,
 * waits and limits as the library: MAX_DTMF_PLAN_LENGTH characters, MAX_DTMF_KEYS keys, MAX_DTMF_WAITS waits).
 * @throws WcsHttpError 400 naming the field, with the parser's reason and none of the plan's keys.
 */
export function readDtmfPlan(body: WcsBody, field: string, type: DtmfType): WcsIvrPlan | undefined {
  const plan = optionalString(body, field);
  if (plan === undefined) return undefined;
  try {
    parseDtmfDigits(plan);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw badField(field, withoutPlanText(error.message.replace(/^dtmf:\s*/, ""), plan));
  }
  return { plan, type, json: { status: "PENDING", event: null, groupsSent: 0 } };
}

/**
 * The parser's message with every run of keys (two or more of 0-9 A-D * # .) that also occurs in the plan
 * replaced by "…": its reasons quote a bad `{…}` wait (`{311705123}`) or a timeout (`{prompt:4321}`), which
 * may be the PIN typed in the wrong place. Numbers of the message itself (a position, a limit) stay unless the plan holds them.
 */
export function withoutPlanText(message: string, plan: string): string {
  const upper = plan.toUpperCase();
  return message.replace(/[0-9A-Da-d*#.]{2,}/g, (run) => (upper.includes(run.toUpperCase()) ? "…" : run));
}

/**
 * Runs the plan on the call (once: a later ESTABLISHED after a hold does not send it again) and keeps
 * `ivr.json` up to date from its events. A failed plan leaves the call up: the client decides.
 */
export function runDtmfPlan(call: Call, ivr: WcsIvrPlan, logger: Logger): void {
  if (ivr.json.status !== "PENDING") return;
  ivr.json = { ...ivr.json, status: "RUNNING" };
  const onIvr = (e: IvrEvent): void => {
    const groupsSent = e.groupsSent ?? ivr.json.groupsSent;
    if (e.kind === "failed") ivr.json = { status: "FAILED", event: e.kind, groupsSent, reason: e.reason, detail: e.detail };
    else ivr.json = { status: e.kind === "joined" ? "JOINED" : "RUNNING", event: e.kind, groupsSent };
    logger.log("info", "wcs", `call ${call.id}: DTMF plan: ${e.kind}${e.kind === "failed" ? ` (${e.reason})` : ""}`);
  };
  call.sendDtmf(ivr.plan, { type: ivr.type }, { onIvr }).then(
    () => {
      if (ivr.json.status === "RUNNING") ivr.json = { ...ivr.json, status: "SENT" };
    },
    (error: unknown) => {
      if (error instanceof IvrWaitError) return; // already reported by its `failed` event
      ivr.json = { ...ivr.json, status: "FAILED", reason: "not-sent" };
      // The name only: a refused INFO's message quotes its key.
      logger.log("warn", "wcs", `call ${call.id}: DTMF plan not sent (${error instanceof Error ? error.name : "error"})`);
    },
  );
}
