import { MAX_DTMF_KEYS, parseDtmfDigits } from "node-red-contrib-sipcast";
import type { DtmfType } from "../shared/call-directory";
import { NodeTextError } from "../shared/i18n";
import { msgChoice, msgString, settingNumber, settingString } from "../shared/msg-fields";
import type { NodeDef, NodeMessage } from "../shared/node-red-types";

/** The dtmf-send node's settings as the editor stores them. */
export interface DtmfSendConfig extends NodeDef {
  callId?: string;
  digits?: string;
  /**
   * Where `digits` comes from (TypedInput): `str` (absent in older flows) as typed, `cred` the PIN
   * credential, or `msg`/`flow`/`global`/`env`/`jsonata`. The controller evaluates it before this
   * module reads the config.
   */
  digitsType?: string;
  /** "" = the account's default. */
  dtmfType?: string;
  pauseMs?: number | string;
  initialDelayMs?: number | string;
  durationMs?: number | string;
  /** Seconds. */
  waitEstablished?: number | string;
}

/** The credentials of a dtmf-send node: the PIN, sent when `digitsType` is `cred`. */
export interface DtmfSendCredentials {
  pin?: string;
}

/** One DTMF request read from a message and the node's settings. */
export interface DtmfRequest {
  callId: string;
  digits: string;
  /** Undefined: the account's default. */
  type: DtmfType | undefined;
  durationMs: number;
  pauseMs: number;
  initialDelayMs: number;
  waitMs: number;
  /** Present when the digits came from a credential, env, context or JSONata: statuses show their count only. */
  secret?: true;
  /** The digits hold `{…}` waits: the plan listens to the call. */
  listens: boolean;
}

const TYPES: readonly DtmfType[] = ["RFC2833", "INFO"];

function nonNegative(value: unknown, fallback: number, name: string): number {
  const n = settingNumber(value, fallback);
  if (!Number.isFinite(n) || n < 0) throw new NodeTextError("dtmf.negative", { name, value: String(value) });
  return n;
}

/** Keys and `,` pauses: a sequence without `{…}` waits. */
const DIGITS = /^[0-9*#A-D,]+$/;

/** The engine's own parser (the same plan syntax everywhere), its error worded with the field; the keys are never repeated (a PIN). */
function checkPlan(digits: string, field: string, secret: boolean): void {
  try {
    parseDtmfDigits(digits);
  } catch (error) {
    const detail = (error as Error).message.replace(/^dtmf: /, "");
    if (/^\d+ keys, at most/.test(detail) || detail.startsWith("more than")) throw new Error(`${field}: ${detail}`);
    // A plan from a credential, env, context or JSONata is not repeated, not even in part.
    if (secret) throw new NodeTextError("dtmf.badSecretDigits", { field });
    throw new Error(`${field}: expected DTMF digits 0-9 * # A-D, "," for a pause and {prompt} {reply} {joined} waits: ${detail}`);
  }
}

/**
 * Reads a dtmf-send input message. `msg.digits`, else a non-empty string `msg.payload`, overrides the
 * digits setting; `msg.callId` and `msg.dtmfType` override theirs. Throws naming the bad field.
 */
export function parseDtmfRequest(msg: NodeMessage, config: DtmfSendConfig, hidden = false): DtmfRequest {
  const callId = msgString(msg, "callId") ?? settingString(config.callId);
  if (!callId) throw new NodeTextError("call.noCallId");
  const fromMsg = msgString(msg, "digits");
  const fromPayload = typeof msg.payload === "string" && msg.payload.trim() !== "" ? msg.payload : undefined;
  const field = fromMsg !== undefined ? "msg.digits" : fromPayload !== undefined ? "msg.payload" : "digits";
  const digits = (fromMsg ?? fromPayload ?? settingString(config.digits)).replace(/\s+/g, "").toUpperCase();
  // Digits of the setting that the editor does not show (a PIN) are never repeated in a status or error.
  const secret = field === "digits" && hidden;
  // The engine refuses it too, but only once the call is answered: say so at once.
  if (digits.length > MAX_DTMF_KEYS && !digits.includes("{")) throw new NodeTextError("dtmf.tooMany", { field, count: digits.length, max: MAX_DTMF_KEYS });
  if (digits.includes("{")) checkPlan(digits, field, secret === true);
  else if (!DIGITS.test(digits)) throw secret ? new NodeTextError("dtmf.badSecretDigits", { field }) : new NodeTextError("dtmf.badDigits", { field, digits: digits.slice(0, 40) });
  const setting = settingString(config.dtmfType);
  const type = msgChoice(msg, "dtmfType", TYPES) ?? TYPES.find((t) => t === setting.toUpperCase());
  return {
    callId,
    digits,
    type,
    durationMs: nonNegative(config.durationMs, 160, "durationMs"),
    pauseMs: nonNegative(config.pauseMs, 500, "pauseMs"),
    initialDelayMs: nonNegative(config.initialDelayMs, 0, "initialDelayMs"),
    waitMs: nonNegative(config.waitEstablished, 10, "waitEstablished") * 1000,
    ...(secret ? { secret } : {}),
    listens: digits.includes("{"),
  };
}
