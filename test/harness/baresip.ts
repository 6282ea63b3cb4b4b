import * as fs from "node:fs";
import * as path from "node:path";
import { BaresipCtrl, type BaresipEvent, type BaresipResponse } from "./baresip-ctrl";
import { spawnManaged } from "./managed-process";
import { ensureMedia } from "./media";
import { peersDir, runDir } from "./paths";
import { freePort, freePorts } from "./ports";
import { programPath, requirePeers } from "./require-peers";

export type { BaresipEvent, BaresipResponse } from "./baresip-ctrl";

/** Where baresip registers (absent: it only answers calls sent straight to its sipPort). */
export interface BaresipRegistrar {
  port: number;
  user: string;
  password: string;
  /** Default "udp"; "tls" needs BaresipOptions.tls. */
  transport?: "udp" | "tcp" | "tls";
}

/** Options of {@link startBaresip}. */
export interface BaresipOptions {
  registrar?: BaresipRegistrar;
  /** SIP port (UDP and TCP; baresip also opens TCP sipPort+1). Default: a free pair. */
  sipPort?: number;
  ctrlPort?: number;
  /** Inclusive RTP/RTCP range; default 10 consecutive free UDP ports. */
  rtpPorts?: [number, number];
  /** Send H.264 video (default true); false answers video with port 0. */
  video?: boolean;
  /**
   * Audio codecs it accepts, in order (the account's `audio_codecs`), e.g. ["PCMA"], ["G722"],
   * ["opus"]; default PCMU, PCMA. The g722/opus modules are loaded when named.
   */
  audioCodecs?: string[];
  /** Video codec it offers and sends (default H264): VP8 swaps the avcodec module for vp8. */
  videoCodec?: "H264" | "VP8";
  /**
   * Record what baresip hears: its sndfile module writes each call's decoded received audio to
   * `<recordDir>/dump-<YYYY-MM-DD-hh-mm-ss>-dec.wav` (16-bit mono at the codec's rate; what it sends
   * goes to `…-enc.wav`). Names have one-second resolution: calls must start in different seconds.
   * The WAV header is complete once the call has ended. Default: nothing is recorded.
   */
  recordDir?: string;
  /**
   * "auto" (default) answers at once; "manual" rings (180) until `command("accept")`, so that a
   * test can act while the call rings.
   */
  answerMode?: "auto" | "manual";
  /** Media encryption of its account (baresip's srtp module): "srtp" (optional, RTP/AVP with keys) or "srtp-mand" (RTP/SAVP only). */
  mediaenc?: "srtp" | "srtp-mand";
  /** SIP over TLS: its certificate (also trusted as the CA of the registrar's, the same self-signed one) on sipPort+1. */
  tls?: { key: string; cert: string };
}

/** A running baresip that auto-answers with H.264 video and a PCMU 440 Hz tone. */
export interface Baresip {
  sipPort: number;
  ctrlPort: number;
  rtpPorts: [number, number];
  /** Where to call it: its AOR at the registrar, or `sip:uas@127.0.0.1:<sipPort>`. */
  uri: string;
  stop(): Promise<void>;
  /** ctrl_tcp events in arrival order (those sent after the ctrl connection opened). */
  events: BaresipEvent[];
  /**
   * The first event, already received or still to come, that `pred` accepts; rejects after
   * `timeoutMs` or when baresip exits. Past events count: filter on `receivedAt` or `id`
   * to skip those of an earlier call.
   */
  waitForEvent(pred: (e: BaresipEvent) => boolean, timeoutMs: number): Promise<BaresipEvent>;
  /** Its stdout/stderr (verbose), e.g. `call: received DTMF: '5'`. */
  logs(): string;
  /** The DTMF digits it received (RFC 4733 or SIP INFO), from CALL_DTMF_START events. */
  dtmfDigits(): string[];
  /** Sends a ctrl_tcp command, e.g. `command("hangup")` for a BYE from the far end. */
  command(command: string, params?: string, timeoutMs?: number): Promise<BaresipResponse>;
}

const START_TIMEOUT_MS = 15000;

/** The config and accounts files from test/peers/baresip, with this instance's values. */
export function baresipFiles(o: {
  sipPort: number;
  ctrlPort: number;
  rtpPorts: [number, number];
  mediaDir: string;
  video: boolean;
  registrar?: BaresipRegistrar;
  audioCodecs?: string[];
  videoCodec?: "H264" | "VP8";
  recordDir?: string;
  answerMode?: "auto" | "manual";
  mediaenc?: "srtp" | "srtp-mand";
  /** The PEM file with key and certificate (sip_certificate) and the CA file (sip_cafile). */
  tls?: { pem: string; ca: string };
}): { config: string; accounts: string } {
  const dir = path.join(peersDir(), "baresip");
  let config = fs
    .readFileSync(path.join(dir, "config"), "utf8")
    .replace(/@@SIP_PORT@@/g, String(o.sipPort))
    .replace(/@@CTRL_PORT@@/g, String(o.ctrlPort))
    .replace(/@@RTP_MIN@@/g, String(o.rtpPorts[0]))
    .replace(/@@RTP_MAX@@/g, String(o.rtpPorts[1]))
    .replace(/@@MEDIA_DIR@@/g, o.mediaDir);
  const extraModules: string[] = (o.audioCodecs ?? []).map((c) => c.split("/")[0].toLowerCase()).filter((c) => c === "g722" || c === "opus");
  if (o.video && o.videoCodec === "VP8") {
    // avformat (the source) decodes by itself; only the H.264 encoder module goes.
    config = config.split("\n").filter((line) => !/^avcodec_|avcodec\.so/.test(line)).join("\n");
    extraModules.push("vp8");
  }
  // The tone is 8 kHz mono: let baresip resample it for a wideband codec (aufile refuses another rate).
  if (extraModules.some((m) => m === "g722" || m === "opus")) config += "\nausrc_srate\t\t8000\nausrc_channels\t\t1\n";
  if (o.recordDir !== undefined) {
    // sndfile is an audio filter: on the receive side it sees the decoded audio before the player.
    if (/\s/.test(o.recordDir)) throw new Error("startBaresip: recordDir must not contain whitespace (baresip config syntax)");
    extraModules.push("sndfile");
    config += `\nsnd_path\t\t${o.recordDir}\n`;
  }
  if (o.mediaenc !== undefined) extraModules.push("srtp");
  if (o.tls !== undefined) {
    if (/\s/.test(o.tls.pem + o.tls.ca)) throw new Error("startBaresip: TLS file paths must not contain whitespace (baresip config syntax)");
    config += `\nsip_certificate\t\t${o.tls.pem}\nsip_cafile\t\t${o.tls.ca}\n`;
  }
  if (extraModules.length > 0) config = config.replace(/^(module\s+g711\.so)$/m, (line) => [line, ...extraModules.map((m) => `module\t\t\t${m}.so`)].join("\n"));
  if (!o.video) {
    // Without the video modules baresip has no video codec and answers m=video with port 0.
    config = config
      .split("\n")
      .filter((line) => !/^(video_|videnc_|avcodec_)|(avcodec|avformat|fakevideo)\.so/.test(line))
      .join("\n");
  }
  const r = o.registrar;
  let accounts: string;
  if (r === undefined) {
    accounts = fs.readFileSync(path.join(dir, "accounts.direct"), "utf8").replace(/@@SIP_PORT@@/g, String(o.sipPort));
  } else {
    if (!/^[A-Za-z0-9._-]+$/.test(r.user) || !/^[A-Za-z0-9._~!*+-]+$/.test(r.password)) {
      throw new Error("startBaresip: registrar user/password must be plain tokens ([A-Za-z0-9._-], [A-Za-z0-9._~!*+-])");
    }
    accounts = fs
      .readFileSync(path.join(dir, "accounts.registrar"), "utf8")
      .replace(/@@USER@@/g, r.user)
      .replace(/@@PASSWORD@@/g, r.password)
      .replace(/@@REGISTRAR_PORT@@/g, String(r.port))
      .replace(/@@TRANSPORT@@/g, r.transport ?? "udp");
  }
  if (o.answerMode === "manual") accounts = accounts.replace(/answermode=auto/, "answermode=manual");
  if (o.audioCodecs !== undefined) {
    if (!o.audioCodecs.every((c) => /^[A-Za-z0-9/-]+$/.test(c))) throw new Error("startBaresip: audioCodecs must be plain codec names");
    accounts = accounts.replace(/audio_codecs=[^;\s]*/, `audio_codecs=${o.audioCodecs.join(",")}`);
  }
  if (o.mediaenc !== undefined) accounts = accounts.replace(/;answermode=auto/, `;answermode=auto;mediaenc=${o.mediaenc}`);
  return { config, accounts };
}

/**
 * Starts baresip on 127.0.0.1: auto-answer, H.264 640x360 25 fps from a video-only mp4
 * plus PCMU 440 Hz from a WAV, ctrl_tcp events parsed. With a registrar it resolves after
 * the registration succeeded (REGISTER_OK event or its "200 OK" log line). On failure
 * baresip is stopped and the error carries its log.
 */
export async function startBaresip(o: BaresipOptions = {}): Promise<Baresip> {
  requirePeers(["baresip", "ffmpeg", "sox"]);
  const binary = programPath("baresip");
  const media = await ensureMedia();
  const sipPort = o.sipPort ?? (await freePorts(2, { consecutive: true }))[0];
  const ctrlPort = o.ctrlPort ?? (await freePort());
  const rtpPorts: [number, number] =
    o.rtpPorts ??
    (await (async (): Promise<[number, number]> => {
      const range = await freePorts(10, { udp: true, tcp: false, consecutive: true });
      return [range[0], range[range.length - 1]];
    })());
  const dir = runDir(`baresip-${sipPort}`);
  let tls: { pem: string; ca: string } | undefined;
  if (o.tls !== undefined) {
    // baresip (libre) reads its key and certificate from one file.
    tls = { pem: path.join(dir, "sip-tls.pem"), ca: o.tls.cert };
    fs.writeFileSync(tls.pem, fs.readFileSync(o.tls.key, "utf8") + fs.readFileSync(o.tls.cert, "utf8"), { mode: 0o600 });
  }
  const files = baresipFiles({ tls, sipPort, ctrlPort, rtpPorts, mediaDir: media.dir, video: o.video ?? true, registrar: o.registrar, audioCodecs: o.audioCodecs, videoCodec: o.videoCodec, recordDir: o.recordDir, mediaenc: o.mediaenc, answerMode: o.answerMode });
  fs.writeFileSync(path.join(dir, "config"), files.config);
  fs.writeFileSync(path.join(dir, "accounts"), files.accounts, { mode: 0o600 });

  const proc = spawnManaged(`baresip sip:${sipPort}`, binary, ["-f", dir, "-v"], { cwd: dir });
  const events: BaresipEvent[] = [];
  const eventListeners = new Set<(e: BaresipEvent) => void>();
  let ctrl: BaresipCtrl | undefined;
  const stop = async (): Promise<void> => {
    ctrl?.close();
    await proc.stop();
  };

  const waitForEvent = (pred: (e: BaresipEvent) => boolean, timeoutMs: number): Promise<BaresipEvent> =>
    new Promise((resolve, reject) => {
      const past = events.find(pred);
      if (past !== undefined) return resolve(past);
      let settled = false;
      const finish = (err?: Error, e?: BaresipEvent): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        eventListeners.delete(listener);
        if (e !== undefined) resolve(e);
        else reject(err);
      };
      const listener = (e: BaresipEvent): void => {
        if (pred(e)) finish(undefined, e);
      };
      const timer = setTimeout(() => finish(new Error(`baresip: no matching event within ${timeoutMs} ms (got ${events.map((e) => e.type).join(", ") || "none"})`)), timeoutMs);
      eventListeners.add(listener);
      void proc.exited.then(() => finish(new Error("baresip exited while waiting for an event")));
    });

  /** The REGISTER often completes before the ctrl connection is up, so its log line counts too. */
  const registered = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const okLine = /\{\d+\/(UDP|TCP|TLS)\/v4\} 200 OK/;
      let settled = false;
      const done = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        offLine();
        eventListeners.delete(listener);
        if (err === undefined) resolve();
        else reject(err);
      };
      const listener = (e: BaresipEvent): void => {
        if (e.type === "REGISTER_OK") done();
        if (e.type === "REGISTER_FAIL") done(new Error(`registration failed: ${e.param ?? ""}`));
      };
      const offLine = proc.onLine((line) => {
        if (okLine.test(line)) done();
      });
      const timer = setTimeout(() => done(new Error(`not registered within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      eventListeners.add(listener);
      for (const e of events) listener(e);
      if (okLine.test(proc.logs())) done();
      void proc.exited.then(() => done(new Error("baresip exited before it registered")));
    });

  try {
    await proc.waitForLine(/baresip is ready/, START_TIMEOUT_MS);
    ctrl = await BaresipCtrl.connect(
      ctrlPort,
      START_TIMEOUT_MS,
      (e) => {
        events.push(e);
        for (const l of [...eventListeners]) l(e);
      },
      () => undefined, // a broken ctrl link shows as missing events; the log keeps the rest
    );
    if (o.registrar !== undefined) await registered();
  } catch (err) {
    await stop();
    throw new Error(`startBaresip: ${(err as Error).message}\n--- baresip log (${dir}) ---\n${proc.logs().slice(-4000)}`);
  }
  const uri = o.registrar === undefined ? `sip:uas@127.0.0.1:${sipPort}` : `sip:${o.registrar.user}@127.0.0.1:${o.registrar.port}`;
  const connected = ctrl;
  return {
    sipPort,
    ctrlPort,
    rtpPorts,
    uri,
    stop,
    events,
    waitForEvent,
    logs: () => proc.logs(),
    dtmfDigits: () => events.filter((e) => e.type === "CALL_DTMF_START" && e.param !== undefined).map((e) => e.param ?? ""),
    command: (command, params = "", timeoutMs = 5000) => connected.command(command, params, timeoutMs),
  };
}
