import { ConfigError } from "../errors";
import { dtmfEventCode, parseDtmfDigits, type DtmfDigit } from "./dtmf-digits";
import type { IvrWait } from "./ivr-wait";

/** How DTMF reaches the peer: RFC 4733 events in the RTP stream, or SIP INFO `application/dtmf-relay`. */
export type DtmfType = "RFC2833" | "INFO";

/** Options of `Call.sendDtmf`. */
export interface DtmfOptions {
  /** Default "RFC2833" (RFC 4733 events, which obsoleted RFC 2833; the name is what PBX menus show). */
  type?: DtmfType;
  /** How long each key is pressed (default 160 ms; 40–5000). */
  durationMs?: number;
  /** How long a `,` waits (default 500 ms; 0–60000). */
  pauseMs?: number;
  /** Wait before the first key (default 0; 0–600000). */
  initialDelayMs?: number;
  /** Silence between two keys (default 100 ms; 0–60000). */
  gapMs?: number;
  /**
   * For `{prompt}` / `{reply}` / `{joined}` waits: how long the far end must be quiet after speaking
   * for its prompt to count as ended (default 500 ms; 200–5000). Longer than the pauses inside one
   * prompt (a sentence break is 300–450 ms), short enough to answer within 0.7 s.
   */
  promptSilenceMs?: number;
}

/** {@link DtmfOptions} with every default applied. */
export type ResolvedDtmfOptions = Required<DtmfOptions>;

/** One step of a DTMF sequence, run strictly one after the other; `listen` is a `{…}` wait for the far end. */
export type DtmfStep =
  | { kind: "wait"; ms: number }
  | { kind: "tone"; digit: DtmfDigit; code: number; durationMs: number }
  | { kind: "listen"; wait: IvrWait };

export const DTMF_DEFAULTS: ResolvedDtmfOptions = { type: "RFC2833", durationMs: 160, pauseMs: 500, initialDelayMs: 0, gapMs: 100, promptSilenceMs: 500 };

function checkRange(name: keyof DtmfOptions, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(`dtmf.${name}: expected ${min}–${max} ms, got ${value}`);
  return Math.round(value);
}

/** Applies defaults and checks ranges. @throws ConfigError naming the option. */
export function resolveDtmfOptions(o: DtmfOptions = {}): ResolvedDtmfOptions {
  const type = o.type ?? DTMF_DEFAULTS.type;
  if (type !== "RFC2833" && type !== "INFO") throw new ConfigError(`dtmf.type: expected RFC2833 or INFO, got ${String(type)}`);
  return {
    type,
    durationMs: checkRange("durationMs", o.durationMs ?? DTMF_DEFAULTS.durationMs, 40, 5000),
    pauseMs: checkRange("pauseMs", o.pauseMs ?? DTMF_DEFAULTS.pauseMs, 0, 60000),
    initialDelayMs: checkRange("initialDelayMs", o.initialDelayMs ?? DTMF_DEFAULTS.initialDelayMs, 0, 600000),
    gapMs: checkRange("gapMs", o.gapMs ?? DTMF_DEFAULTS.gapMs, 0, 60000),
    promptSilenceMs: checkRange("promptSilenceMs", o.promptSilenceMs ?? DTMF_DEFAULTS.promptSilenceMs, 200, 5000),
  };
}

/**
 * Turns a digit string into the steps to run: the initial delay, then each key, with `gapMs`
 * between two adjacent keys and `pauseMs` for each `,` (a `,` replaces the gap, it does not add to it),
 * and each `{…}` wait as a listen step. Zero-length waits are left out.
 * @throws ConfigError for invalid digits or options.
 */
export function planDtmf(digits: string, options: ResolvedDtmfOptions): DtmfStep[] {
  const tokens = parseDtmfDigits(digits);
  const steps: DtmfStep[] = [];
  const wait = (ms: number): void => {
    if (ms > 0) steps.push({ kind: "wait", ms });
  };
  wait(options.initialDelayMs);
  let previousWasKey = false;
  for (const token of tokens) {
    if (token.kind === "wait") {
      steps.push({ kind: "listen", wait: token.wait });
      previousWasKey = false;
      continue;
    }
    if (token.kind === "pause") {
      wait(options.pauseMs);
      previousWasKey = false;
      continue;
    }
    if (previousWasKey) wait(options.gapMs);
    steps.push({ kind: "tone", digit: token.digit, code: dtmfEventCode(token.digit), durationMs: options.durationMs });
    previousWasKey = true;
  }
  return steps;
}
