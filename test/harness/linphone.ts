import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { spawnManaged, type ManagedProcess } from "./managed-process";
import { runDir } from "./paths";
import { freePorts } from "./ports";
import { programPath } from "./require-peers";

/**
 * linphone (Debian `linphone-cli`: liblinphone 5.1 over belle-sip and mediastreamer2) as a second
 * SIP peer beside baresip: its `linphone-daemon` on 127.0.0.1. A call rings (it sends `180 Ringing`)
 * until {@link Linphone.command} `answer`: the daemon's `--auto-answer` answers with 200 at once,
 * with no 180.
 */
export interface Linphone {
  sipPort: number;
  /** Where to call it: `sip:linphone@127.0.0.1:<sipPort>`. */
  uri: string;
  proc: ManagedProcess;
  /** Sends one daemon command (e.g. `answer`) on its Unix socket; resolves with its reply (`Status: Ok`…). */
  command(line: string): Promise<string>;
  /** liblinphone's own log (with every SIP message it sent and received). */
  logs(): string;
  stop(): Promise<void>;
}

const READY_MS = 10_000;

/** Starts linphone-daemon: SIP over UDP only, audio and video RTP on free ports, no registrar. */
export async function startLinphone(): Promise<Linphone> {
  const binary = programPath("linphone", "linphone-daemon");
  const [sipPort] = await freePorts(1, { udp: true, tcp: false });
  const [audioPort, , videoPort] = await freePorts(4, { udp: true, tcp: false, consecutive: true });
  const dir = runDir(`linphone-${sipPort}`);
  // liblinphone keeps its database under $HOME/.local/share/linphone and complains when it cannot.
  fs.mkdirSync(path.join(dir, ".local", "share", "linphone"), { recursive: true });
  const config = path.join(dir, "linphonerc");
  fs.writeFileSync(
    config,
    `[sip]\nsip_port=${sipPort}\nsip_tcp_port=0\nsip_tls_port=0\n[rtp]\naudio_rtp_port=${audioPort}\nvideo_rtp_port=${videoPort}\n[sound]\nechocancellation=0\n`,
  );
  const log = path.join(dir, "linphone.log");
  // The daemon takes commands on a Unix socket /tmp/<name>; it must not exist yet and is left behind on exit.
  const pipe = `sipcast-linphone-${process.pid}-${sipPort}`;
  const socket = path.join("/tmp", pipe);
  fs.rmSync(socket, { force: true });
  const proc = spawnManaged("linphone-daemon", binary, ["--config", config, "--pipe", pipe, "--log", log], { cwd: dir, env: { ...process.env, HOME: dir } });
  const logs = (): string => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
  const stop = async (): Promise<void> => {
    await proc.stop();
    fs.rmSync(socket, { force: true });
  };
  const listening = new RegExp(`Creating listening point .*:${sipPort};transport=UDP`);
  const end = Date.now() + READY_MS;
  while (!listening.test(logs())) {
    if (!proc.isRunning() || Date.now() > end) {
      await stop();
      throw new Error(`linphone-daemon did not listen on UDP ${sipPort}: ${proc.logs().slice(-1000)} ${logs().slice(-1000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { sipPort, uri: `sip:linphone@127.0.0.1:${sipPort}`, proc, command: (line) => daemonCommand(socket, line), logs, stop };
}

/** One command on the daemon's socket: its reply ends with a `Status:` line (and a `Reason:` on error). */
function daemonCommand(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = "";
    const client = net.connect(socket, () => client.write(`${line}\n`));
    const timer = setTimeout(() => {
      client.destroy();
      reject(new Error(`linphone-daemon: no reply to "${line}" (${reply})`));
    }, 5000);
    client.setEncoding("utf8");
    client.on("data", (text: string) => {
      reply += text;
      if (/Status: Ok/.test(reply) || /Reason: .*\n/.test(reply)) {
        clearTimeout(timer);
        client.end();
        resolve(reply);
      }
    });
    client.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
