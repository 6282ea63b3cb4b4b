import { Engine } from "../call/engine";
import type { Call } from "../call/call";
import { checkCallId, type CallOptions } from "../call/call-options";
import { rtmpOutputUrl } from "../output/ffmpeg/ffmpeg-targets";
import { checkStreamName } from "../output/whep/stream-registry";
import { MAX_DTMF_KEYS, MAX_PENDING_DTMF_SEQUENCES, type DtmfType } from "../dtmf";
import type { WcsCallRecord } from "./call-book";
import { httpErrorOf } from "./engine-errors";
import { readDtmfPlan, runDtmfPlan } from "./ivr-plan";
import { checkRtmpTarget, checkSipTargets } from "./target-checks";
import { accountFromBody } from "./wcs-account";
import { optionalString, requiredObject, requiredString, wcsBoolean, type WcsBody } from "./wcs-fields";
import { WcsHttpError, badField } from "./wcs-http-error";
import { callJson, type WcsCallJson } from "./wcs-json";
import type { WcsState } from "./wcs-options";

/** The output id of a call's `toStream` publication when `rtmpUrl` is its main output. */
const LOCAL_OUTPUT_ID = "toStream";

/**
 * `/call/startup` (and the legacy `/call`, whose SIP fields sit in a `connection` object): reads the
 * account and the call from the body, checks for conflicts, and places the call. Answers `{}` as
 * WCS does, or `{ callId }` when the body had none and one was generated.
 */
export function startup(state: WcsState, body: WcsBody, legacy: boolean): Record<string, string> {
  const givenId = optionalString(body, "callId");
  const callee = requiredString(body, "callee");
  const toStream = optionalString(body, "toStream") ?? null;
  const rtmpUrl = optionalString(body, "rtmpUrl") ?? null;
  const rtmpStream = optionalString(body, "rtmpStream") ?? null;
  const hasAudio = wcsBoolean(body, "hasAudio", true);
  const hasVideo = wcsBoolean(body, "hasVideo", true);
  if (!hasAudio && !hasVideo) throw badField("hasAudio", "hasAudio and hasVideo cannot both be false");
  if (rtmpStream !== null && rtmpUrl === null) throw badField("rtmpUrl", "required with rtmpStream");
  const visibleName = optionalString(body, "visibleName");
  // sipcast's field (WCS has none): a DTMF plan run once the call is answered; checked before any engine exists.
  const ivr = readDtmfPlan(body, "dtmf", state.options.defaultDtmfType ?? "RFC2833") ?? null;
  const account = accountFromBody(legacy ? requiredObject(body, "connection") : body, visibleName);
  checkSipTargets(state.allow.sip, account.options, callee, legacy);
  const prefix = state.options.streamNamePrefix ?? "";
  const primary = primaryOutput(state, { rtmpUrl, rtmpStream, toStream }, prefix);
  if (rtmpUrl !== null && toStream !== null && state.options.localRtmpUrl) checkRtmpTarget(state.allow.rtmp, state.options.localRtmpUrl, "toStream");
  checkConflicts(state, givenId, primary, toStream);
  const watchable = toStream !== null && state.options.streams !== undefined;
  if (watchable) {
    try {
      checkStreamName(toStream);
    } catch (error) {
      throw httpErrorOf(error, "toStream");
    }
  }
  // Before an engine (sockets, a registration) is made for the account.
  try {
    state.admission.check(state.book.liveCalls().length);
  } catch (error) {
    throw httpErrorOf(error, "callee");
  }

  const engine = state.pool.engineFor(account);
  const options: CallOptions = {
    ...state.options.outputSettings,
    ...(givenId !== undefined ? { callId: givenId } : {}),
    callee,
    hasAudio,
    hasVideo,
    ...(primary ? { rtmpUrl: primary.rtmpUrl, rtmpStream: primary.rtmpStream } : {}),
    ...(watchable ? { toStream } : {}),
  };
  let call: Call;
  try {
    call = engine.call(options);
    state.admission.record();
  } catch (error) {
    state.pool.releaseIfIdle(account, engine);
    throw httpErrorOf(error, "callee");
  }
  const record: WcsCallRecord = {
    callId: call.id,
    call,
    engine,
    account,
    caller: account.options.login,
    callee,
    visibleName: visibleName ?? account.options.login,
    appKey: optionalString(body, "appKey") ?? null,
    hasAudio,
    hasVideo,
    rtmpUrl,
    rtmpStream,
    toStream,
    rtmpStreamStatus: null,
    pushes: new Map(),
    last: call.snapshot(),
    ivr,
  };
  follow(state, record, rtmpUrl !== null && toStream !== null);
  state.book.add(record);
  state.logger.log("info", "wcs", `call ${call.id}: ${legacy ? "/call" : "/call/startup"} from ${account.options.login}@${account.options.domain} to ${callee}${ivr ? " with a DTMF plan" : ""}`);
  return givenId === undefined ? { callId: call.id } : {};
}

interface PrimaryOutput {
  rtmpUrl: string;
  rtmpStream: string;
}

/** The output the call publishes from its answer on: `rtmpUrl` + `rtmpStream`, else `toStream` on this server. */
function primaryOutput(
  state: WcsState,
  f: { rtmpUrl: string | null; rtmpStream: string | null; toStream: string | null },
  prefix: string,
): PrimaryOutput | undefined {
  let out: PrimaryOutput | undefined;
  if (f.rtmpUrl !== null) out = { rtmpUrl: f.rtmpUrl, rtmpStream: f.rtmpStream === null ? "" : prefix + f.rtmpStream };
  else if (f.toStream !== null && state.options.localRtmpUrl) out = { rtmpUrl: state.options.localRtmpUrl, rtmpStream: f.toStream };
  if (out) {
    const field = f.rtmpUrl !== null ? "rtmpUrl" : "toStream";
    let url: string;
    try {
      url = rtmpOutputUrl(out);
    } catch (error) {
      throw httpErrorOf(error, field);
    }
    checkRtmpTarget(state.allow.rtmp, url, field);
  }
  return out;
}

/** WCS's 409 rules: a callId, an RTMP target (rtmpUrl + rtmpStream) and a `toStream` name belong to one live call each. */
function checkConflicts(state: WcsState, callId: string | undefined, primary: PrimaryOutput | undefined, toStream: string | null): void {
  if (callId !== undefined && state.book.live(callId)) throw new WcsHttpError(409, `callId: a call with callId "${callId}" already exists`, "callId");
  for (const r of state.book.liveCalls()) {
    if (toStream !== null && r.toStream === toStream) throw new WcsHttpError(409, `toStream: the stream name is used by call ${r.callId}`, "toStream");
    if (primary && r.rtmpUrl !== null && sameTarget(r, primary, state.options.streamNamePrefix ?? "")) {
      throw new WcsHttpError(409, `rtmpUrl: call ${r.callId} already publishes to this RTMP URL and stream`, "rtmpUrl");
    }
  }
}

function sameTarget(r: WcsCallRecord, p: PrimaryOutput, prefix: string): boolean {
  const theirs = rtmpOutputUrl({ rtmpUrl: r.rtmpUrl ?? "", rtmpStream: r.rtmpStream === null ? "" : prefix + r.rtmpStream });
  return theirs === rtmpOutputUrl(p);
}

/** Keeps the record up to date, publishes `toStream` locally once answered, and lets go at the end. */
function follow(state: WcsState, record: WcsCallRecord, localAsSecond: boolean): void {
  const { call } = record;
  call.on("state", (e) => {
    record.last = e;
    // The call starts its DTMF sender right after it emits ESTABLISHED, so the plan goes in a microtask.
    if (e.status === "ESTABLISHED" && record.ivr) {
      const ivr = record.ivr;
      queueMicrotask(() => runDtmfPlan(call, ivr, state.logger));
    }
    if (e.status === "ESTABLISHED" && localAsSecond && state.options.localRtmpUrl && !call.outputs().some((o) => o.id === LOCAL_OUTPUT_ID)) {
      try {
        call.publish({ rtmpUrl: state.options.localRtmpUrl, rtmpStream: record.toStream ?? "" }, { ...state.options.outputSettings, id: LOCAL_OUTPUT_ID });
      } catch (error) {
        state.logger.log("warn", "wcs", `call ${record.callId}: toStream not published: ${(error as Error).message}`);
      }
    }
  });
  call.on("publish", (e) => {
    if (e.outputId === "rtmp") record.rtmpStreamStatus = e.status;
    const push = record.pushes.get(e.outputId);
    if (!push) return;
    push.status = e.status;
    if (e.status === "STOPPED" || e.status === "FAILED") record.pushes.delete(e.outputId);
  });
  call.once("close", () => {
    record.last = call.snapshot();
    record.pushes.clear();
    state.book.markEnded(record.callId);
    state.pool.releaseIfIdle(record.account, record.engine);
  });
}

/** `/call/terminate` and the legacy `/hangup`: BYE (or CANCEL before the answer). */
export function terminate(state: WcsState, body: WcsBody): Record<string, never> {
  const record = liveCall(state, body);
  record.call.terminate();
  state.logger.log("info", "wcs", `call ${record.callId}: terminate`);
  return {};
}

/** `/call/find`: the calls matching every field given (callId, callee, rtmpUrl, status); 404 when none. */
export function find(state: WcsState, body: WcsBody): WcsCallJson[] {
  const filter = {
    callId: optionalString(body, "callId"),
    callee: optionalString(body, "callee"),
    rtmpUrl: optionalString(body, "rtmpUrl"),
    status: optionalString(body, "status"),
  };
  const found = state.book
    .all()
    .filter(
      (r) =>
        (filter.callId === undefined || r.callId === filter.callId) &&
        (filter.callee === undefined || r.callee === filter.callee) &&
        (filter.rtmpUrl === undefined || r.rtmpUrl === filter.rtmpUrl) &&
        (filter.status === undefined || r.last.status === filter.status.toUpperCase()),
    );
  if (found.length === 0) throw new WcsHttpError(404, "call not found");
  return found.map(callJson);
}

/** `/call/find_all`: every call (404 when there is none, as WCS documents). */
export function findAll(state: WcsState): WcsCallJson[] {
  const all = state.book.all();
  if (all.length === 0) throw new WcsHttpError(404, "no calls");
  return all.map(callJson);
}

/** The legacy `/getStatus`: the call's status as plain text. */
export function status(state: WcsState, body: WcsBody): string {
  const callId = knownCallId(body);
  const record = state.book.get(callId);
  if (!record) throw new WcsHttpError(404, `callId: no call "${callId}"`, "callId");
  return record.last.status;
}

const DTMF = /^[0-9*#A-Da-d,]+$/;

/**
 * `/call/send_dtmf` and the legacy `/sendDTMF`: `dtmf` (0-9 * # A-D, `,` pauses; no `{…}` waits) and `type`
 * (RFC2833, INFO; INFO_RELAY is read as INFO). Answers once the keys are queued, as WCS does;
 * 409 when the call is not ESTABLISHED; 400 for more than MAX_DTMF_KEYS keys or when the call
 * already has MAX_PENDING_DTMF_SEQUENCES sequences queued.
 */
export function sendDtmf(state: WcsState, body: WcsBody): Record<string, never> {
  const dtmf = requiredString(body, "dtmf");
  // A plan that listens runs for minutes and may fail long after this route answered: it belongs to the call (see startup).
  if (dtmf.includes("{")) throw badField("dtmf", "{…} waits are for /call/startup's dtmf field (a plan run once the call is answered, its progress in /call/find's ivr); here only keys 0-9 * # A-D and , pauses");
  if (dtmf.length > MAX_DTMF_KEYS) throw badField("dtmf", `${dtmf.length} keys, at most ${MAX_DTMF_KEYS} per request ("," pauses included)`);
  if (!DTMF.test(dtmf)) throw badField("dtmf", "expected keys 0-9 * # A-D (and , for a pause)");
  const type = dtmfType(optionalString(body, "type"), state.options.defaultDtmfType ?? "RFC2833");
  const record = liveCall(state, body);
  if (record.call.status !== "ESTABLISHED") throw new WcsHttpError(409, `the call is ${record.call.status}, not ESTABLISHED`);
  // The engine would refuse it too, but only in the promise this route does not wait for.
  if (record.call.pendingDtmf >= MAX_PENDING_DTMF_SEQUENCES) {
    throw badField("dtmf", `${record.call.pendingDtmf} sequences are already waiting to be sent, at most ${MAX_PENDING_DTMF_SEQUENCES} per call`);
  }
  record.call.sendDtmf(dtmf.toUpperCase(), { type }).catch((error: unknown) => {
    state.logger.log("warn", "wcs", `call ${record.callId}: DTMF not sent: ${(error as Error).message}`);
  });
  state.logger.log("info", "wcs", `call ${record.callId}: DTMF (${dtmf.length} keys, ${type})`);
  return {};
}

function dtmfType(value: string | undefined, fallback: DtmfType): DtmfType {
  if (value === undefined) return fallback;
  const v = value.toUpperCase();
  if (v === "RFC2833" || v === "RFC4733") return "RFC2833";
  if (v === "INFO" || v === "INFO_RELAY" || v === "SIP_INFO") return "INFO";
  throw badField("type", `expected RFC2833 or INFO, got "${value}"`);
}

function liveCall(state: WcsState, body: WcsBody): WcsCallRecord {
  const callId = knownCallId(body);
  const record = state.book.live(callId);
  if (!record) throw new WcsHttpError(404, `callId: no live call "${callId}"`, "callId");
  return record;
}

/** The body's callId, checked as the engine checks it (its 404 message repeats it into the log). */
function knownCallId(body: WcsBody): string {
  const callId = requiredString(body, "callId");
  try {
    return checkCallId(callId);
  } catch (error) {
    throw httpErrorOf(error, "callId");
  }
}

/** The default engine factory. */
export const newEngine = (options: ConstructorParameters<typeof Engine>[0]): Engine => new Engine(options);
