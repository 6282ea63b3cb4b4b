import { ConfigError, SipcastError } from "../errors";

/**
 * What a plan waits for from the far end's audio and video instead of a fixed time:
 * - `prompt`: the far end speaks (or plays tones) and then goes quiet: its prompt ended, it listens;
 * - `reply`: after keys, the far end reacts: it starts to speak, or stops when it was speaking;
 * - `joined`: the call looks joined: video starts, or the audio turns from prompts into the meeting.
 *   A re-prompt instead (speech, then a long quiet with no meeting media: a wrong PIN) is reported,
 *   and the keys before the wait are sent again when `retries` allows.
 */
export type IvrWaitKind = "prompt" | "reply" | "joined";

/** One wait of a plan, as written `{prompt}`, `{prompt:20}`, `{joined:60:retry=1}`. */
export interface IvrWait {
  kind: IvrWaitKind;
  /** The wait fails with its reason after this long. */
  timeoutMs: number;
  /** `joined` only: how often the keys sent before it are sent again after a re-prompt (default 0). */
  retries: number;
}

/** Default timeout of each wait kind, in seconds. */
export const IVR_WAIT_DEFAULT_SEC: Readonly<Record<IvrWaitKind, number>> = { prompt: 20, reply: 5, joined: 30 };

/** The longest timeout a wait may have, in seconds (an IVR that says nothing for 10 minutes is not listening). */
export const MAX_IVR_WAIT_SEC = 600;

/** The most re-sends after re-prompts a `joined` wait may ask for. */
export const MAX_IVR_RETRIES = 3;

/** The most waits one plan may hold (a meeting id, a participant id, a passcode and checks fit easily). */
export const MAX_DTMF_WAITS = 16;

const KINDS: readonly IvrWaitKind[] = ["prompt", "reply", "joined"];

/**
 * Reads the inside of one `{…}`: `kind`, `kind:SECONDS` or (joined) `kind:SECONDS:retry=N`, any case.
 * @throws ConfigError naming the token.
 */
export function parseIvrWait(inner: string): IvrWait {
  const parts = inner.toLowerCase().split(":");
  const kind = KINDS.find((k) => k === parts[0]);
  const bad = (why: string): ConfigError => new ConfigError(`dtmf: {${inner}}: ${why} (e.g. {prompt}, {prompt:20}, {reply:5}, {joined:60:retry=1})`);
  if (kind === undefined) throw bad(`unknown wait, expected prompt, reply or joined`);
  if (parts.length > (kind === "joined" ? 3 : 2)) throw bad("too many fields");
  let seconds = IVR_WAIT_DEFAULT_SEC[kind];
  if (parts.length >= 2 && parts[1] !== "") {
    if (!/^\d{1,4}(\.\d{1,3})?$/.test(parts[1])) throw bad(`timeout "${parts[1]}" is not a number of seconds`);
    seconds = Number(parts[1]);
    if (seconds <= 0 || seconds > MAX_IVR_WAIT_SEC) throw bad(`timeout ${seconds} s out of 0–${MAX_IVR_WAIT_SEC} s`);
  }
  let retries = 0;
  if (parts.length === 3) {
    const m = /^retry=(\d)$/.exec(parts[2]);
    if (!m) throw bad(`expected retry=N, got "${parts[2]}"`);
    retries = Number(m[1]);
    if (retries > MAX_IVR_RETRIES) throw bad(`retry=${retries}, at most ${MAX_IVR_RETRIES}`);
  }
  return { kind, timeoutMs: Math.round(seconds * 1000), retries };
}

/** What ended a wait well. */
export type IvrOutcome =
  /** `prompt`: the far end spoke for `speechMs` and then was quiet for the prompt silence. */
  | { kind: "prompt-ended"; speechMs: number }
  /** `reply`: the far end started to speak, went quiet, or its video started. */
  | { kind: "replied"; how: "spoke" | "went-quiet" | "video" }
  /** `joined`: meeting media arrived: video started, or the audio stayed on like a meeting's, not a prompt's. */
  | { kind: "joined"; by: "video" | "audio" }
  /** `joined`: instead, the far end spoke and then waited for keys again (a wrong PIN). */
  | { kind: "reprompt"; speechMs: number };

/** Why a wait failed. */
export type IvrFailure = "no-prompt" | "prompt-not-ended" | "no-reply" | "not-joined" | "reprompted" | "no-audio";

/** A `{…}` wait ended without what it waited for; `reason` says which way, the message says it for people. */
export class IvrWaitError extends SipcastError {
  constructor(
    message: string,
    readonly reason: IvrFailure,
  ) {
    super(message, "IVR_WAIT_FAILED");
  }
}

/** Listens to the far end for a plan's waits: supplied by the call (its received audio and video). */
export interface IvrListener {
  /**
   * Resolves when `wait` is met (for `joined`, also with `reprompt`).
   * @throws (rejects) IvrWaitError when its timeout passes first, with the reason.
   */
  listen(wait: IvrWait, promptSilenceMs: number): Promise<IvrOutcome>;
  /** A key of the plan starts to go out now (media that starts after it may answer it). */
  keySent(): void;
  /** Stops a pending listen (it rejects); the call ends or the sender closes. */
  cancel(error: Error): void;
}

/** What a plan reports while it runs: a wait's outcome, the group of keys it followed (1 = the first run of keys), and retries. */
export type IvrProgress = IvrOutcome & {
  /** How many runs of keys went out before this outcome (keys are never repeated in reports: they may be a PIN). */
  groupsSent: number;
  /** With `reprompt`: true when the keys are sent again (retry left), false when the plan fails. */
  retrying?: boolean;
};
