import { CallReason, CallStatus, ConfigError, Engine, escapeLogText, streamLogger, type Call, type CallStateEvent, type IvrEvent } from "../index";
import type { CliCallOptions } from "./cli-options";
import { flagConfigError } from "./engine-field-flags";
import { startWhepServer, type WhepServer } from "./whep-server";

/** Formats a state change as one human-readable line. */
export function formatStateLine(e: CallStateEvent): string {
  const parts = [e.status, `callId=${e.callId}`, `sipStatus=${e.sipStatus || "-"}`];
  if (e.reason) parts.push(`reason=${e.reason}`);
  if (e.detail) parts.push(`detail=${JSON.stringify(e.detail)}`);
  return parts.join(" ");
}

/** Formats a DTMF plan's wait outcome as one line (never the keys: they may be a PIN). */
export function formatIvrLine(e: IvrEvent): string {
  switch (e.kind) {
    case "prompt-ended":
      return `ivr prompt-ended speechMs=${e.speechMs} groupsSent=${e.groupsSent}`;
    case "replied":
      return `ivr replied how=${e.how} groupsSent=${e.groupsSent}`;
    case "joined":
      return `ivr joined by=${e.by} groupsSent=${e.groupsSent}`;
    case "reprompt":
      return `ivr reprompt retrying=${String(e.retrying ?? false)} groupsSent=${e.groupsSent}`;
    case "failed":
      return `ivr failed reason=${e.reason} detail=${JSON.stringify(escapeLogText(e.detail))}`;
  }
}

/**
 * Runs one call to its end and returns the process exit code: 0 when it was answered and ended
 * normally, 1 otherwise.
 */
export async function runCall(o: CliCallOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { engine, call } = await startCall(o, err);
  let whep: WhepServer | undefined;
  if (o.whep) {
    try {
      whep = await startWhepServer(o.whep, engine.streams);
    } catch (error) {
      call.close();
      await call.whenClosed();
      await engine.close();
      throw new ConfigError(`--whep-listen: cannot listen on ${o.whep.host}:${o.whep.port}: ${(error as Error).message}`);
    }
    err.write(`whep ${whep.playerUrl}${o.whep.token ? " (bearer token from SIPCAST_WHEP_TOKEN)" : " (no authentication: set SIPCAST_WHEP_TOKEN to require a bearer token)"}\n`);
  }
  try {
    return await followCall(o, engine, call, out, err);
  } finally {
    await whep?.close();
  }
}

/**
 * The engine and its call. The engine checks the options (nothing is sent before); a refusal is a
 * ConfigError worded with the flags the user typed, and the engine made for it is closed.
 */
async function startCall(o: CliCallOptions, err: NodeJS.WritableStream): Promise<{ engine: Engine; call: Call }> {
  let engine: Engine | undefined;
  try {
    engine = newEngine(o, err);
    return { engine, call: engine.call(o.call) };
  } catch (error) {
    await engine?.close();
    throw error instanceof ConfigError ? flagConfigError(error) : error;
  }
}

function newEngine(o: CliCallOptions, err: NodeJS.WritableStream): Engine {
  return new Engine({
    account: o.account,
    ffmpegPath: o.ffmpegPath,
    requestTimeoutMs: o.requestTimeoutMs,
    rtpPortRange: o.rtpPortRange,
    rtpSourceCheck: o.rtpSourceCheck,
    publicAddress: o.publicAddress,
    localAddress: o.localAddress,
    dnsServers: o.dnsServers,
    limits: o.limits,
    ...(o.whep ? { whep: { network: o.whep.network } } : {}),
    logger: o.verbose ? streamLogger("debug", err) : streamLogger("warn", err),
  });
}

async function followCall(o: CliCallOptions, engine: Engine, call: Call, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let established = false;
  let last: CallStateEvent | undefined;
  let hangupTimer: NodeJS.Timeout | undefined;
  let dtmfTimer: NodeJS.Timeout | undefined;
  const dtmf = o.dtmf;
  const onSignal = (): void => call.terminate();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  call.on("publish", (p) => {
    if (p.stats && !o.verbose) return;
    const stats = p.stats ? ` outTimeMs=${String(p.stats.outTimeMs)} bitrateKbps=${String(p.stats.bitrateKbps)} fps=${String(p.stats.fps)}` : "";
    err.write(`publish ${p.outputId} ${p.status} ${p.target}${p.reason ? ` reason=${p.reason}` : ""}${p.detail ? ` detail=${JSON.stringify(p.detail)}` : ""}${stats}\n`);
  });
  call.on("dtmf", (d) => err.write(`dtmf ${d.direction} ${d.digit} ${d.type}\n`));
  call.on("ivr", (e) => err.write(`${formatIvrLine(e)}\n`));
  const ended = new Promise<void>((resolve) => {
    call.on("state", (e) => {
      last = e;
      out.write(o.json ? `${JSON.stringify(e)}\n` : `${formatStateLine(e)}\n`);
      if (e.status === CallStatus.ESTABLISHED) {
        established = true;
        if (o.durationSec !== undefined && !hangupTimer) hangupTimer = setTimeout(() => call.terminate(), o.durationSec * 1000);
        if (dtmf && !dtmfTimer) {
          dtmfTimer = setTimeout(() => {
            call.sendDtmf(dtmf.digits, { type: dtmf.type }).then(
              () => err.write(`dtmf done ${dtmf.digits}\n`),
              (e: unknown) => err.write(`sipcast: DTMF not sent: ${e instanceof Error ? e.message : String(e)}\n`),
            );
          }, dtmf.delayMs);
        }
      }
    });
    call.once("@close", () => resolve());
  });
  await ended;
  if (hangupTimer) clearTimeout(hangupTimer);
  if (dtmfTimer) clearTimeout(dtmfTimer);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await call.whenClosed();
  await engine.close();
  const ok = established && last?.status === CallStatus.FINISH && last.reason === CallReason.NORMAL_CALL_CLEARING;
  if (!ok && last) err.write(`sipcast: call ended ${last.status}${last.reason ? ` (${last.reason})` : ""}${last.detail ? `: ${escapeLogText(last.detail)}` : ""}\n`);
  return ok ? 0 : 1;
}
