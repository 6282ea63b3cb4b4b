import * as fs from "node:fs";
import * as path from "node:path";
import { spawnManaged, type ManagedProcess } from "./managed-process";
import { runDir } from "./paths";
import { freePorts } from "./ports";
import { programPath } from "./require-peers";

/** Options of {@link startLinphonec}. */
export interface LinphonecOptions {
  /** The only audio codec it accepts, as liblinphone names it: "PCMU", "PCMA", "G722" or "opus". */
  codec: "PCMU" | "PCMA" | "G722" | "opus";
  /** A WAV file it sends in every call (from the answer on). */
  playFile: string;
  /** Where it writes the audio it hears in a call, as WAV (complete once the call has ended). */
  recordFile: string;
}

/** A running linphonec that answers at once, sends a file and records what it hears. */
export interface Linphonec {
  sipPort: number;
  /** Where to call it: `sip:linphone@127.0.0.1:<sipPort>`. */
  uri: string;
  proc: ManagedProcess;
  /** liblinphone's own log (every SIP message, the codec it chose). */
  logs(): string;
  stop(): Promise<void>;
}

const READY_MS = 10_000;

/** The codecs liblinphone 5.1 enables by default that could be chosen: all but `codec` are switched off. */
const AUDIO_CODECS: ReadonlyArray<[string, number, number]> = [
  ["PCMU", 8000, 1],
  ["PCMA", 8000, 1],
  ["G722", 8000, 1],
  ["opus", 48000, 2],
  ["speex", 8000, 1],
  ["speex", 16000, 1],
  ["speex", 32000, 1],
];

/**
 * Starts linphonec (Debian `linphone-cli`: liblinphone 5.1, mediastreamer2) as an auto-answering
 * audio peer on 127.0.0.1.
 *
 * @remarks linphone-daemon has no sound card on a server and sends silence; linphonec's
 * `soundcard use files` makes liblinphone read the `play` file instead of a microphone and write
 * what it hears to the `record` file: the way to hear mediastreamer2's codecs end to end.
 */
export async function startLinphonec(o: LinphonecOptions): Promise<Linphonec> {
  const binary = programPath("linphone", "linphonec");
  const [sipPort] = await freePorts(1, { udp: true, tcp: false });
  const [audioPort, , videoPort] = await freePorts(4, { udp: true, tcp: false, consecutive: true });
  const dir = runDir(`linphonec-${sipPort}`);
  // Without its database folder liblinphone does not start its SIP stack.
  fs.mkdirSync(path.join(dir, ".local", "share", "linphone"), { recursive: true });
  const codecs = AUDIO_CODECS.map(([mime, rate, channels], i) => `[audio_codec_${i}]\nmime=${mime}\nrate=${rate}\nchannels=${channels}\nenabled=${mime === o.codec ? 1 : 0}\n`).join("");
  const config = path.join(dir, "linphonerc");
  fs.writeFileSync(config, `[sip]\nsip_port=${sipPort}\nsip_tcp_port=0\nsip_tls_port=0\n[rtp]\naudio_rtp_port=${audioPort}\nvideo_rtp_port=${videoPort}\n[sound]\nechocancellation=0\n[video]\nenabled=0\n${codecs}`);
  const log = path.join(dir, "linphone.log");
  const proc = spawnManaged("linphonec", binary, ["-c", config, "-a", "-d", "5", "-l", log], { cwd: dir, env: { ...process.env, HOME: dir }, stdinPipe: true });
  const logs = (): string => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
  const stop = async (): Promise<void> => {
    proc.child.stdin?.end("quit\n");
    await proc.stop();
  };
  proc.child.stdin?.on("error", () => undefined);
  proc.child.stdin?.write(`soundcard use files\nplay ${o.playFile}\nrecord ${o.recordFile}\n`);
  const listening = new RegExp(`Creating listening point .*:${sipPort};transport=UDP`);
  const end = Date.now() + READY_MS;
  while (!listening.test(logs()) || !/record /.test(proc.logs())) {
    if (!proc.isRunning() || Date.now() > end) {
      await stop();
      throw new Error(`linphonec did not listen on UDP ${sipPort}: ${proc.logs().slice(-1000)} ${logs().slice(-1000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { sipPort, uri: `sip:linphone@127.0.0.1:${sipPort}`, proc, logs, stop };
}
