import * as fs from "node:fs";
import * as path from "node:path";
import { freePorts, peersDir, runDir } from "../../harness";
import { spawnManaged, type ExitInfo, type ManagedProcess } from "../../harness/managed-process";
import { programPath } from "../../harness/require-peers";

/** A sipp UAS running one call of a scenario from test/peers/sipp, on 127.0.0.1. */
export interface SippUas {
  port: number;
  uri: string;
  proc: ManagedProcess;
  /** Resolves when sipp has exited (0: the scenario ran to its end). */
  exited: Promise<ExitInfo>;
  /** The messages sipp received and sent, with its timestamps (`-trace_msg`). */
  messages(): SippMessage[];
  stop(): Promise<void>;
}

/** One SIP message from sipp's message trace. */
export interface SippMessage {
  /** Epoch ms (sipp's own clock, the same machine's). */
  at: number;
  direction: "received" | "sent";
  /** The first line (request line or status line). */
  firstLine: string;
  text: string;
}

/** Parses sipp's `-trace_msg` file: blocks starting with `---… YYYY-MM-DD HH:MM:SS.micro epoch`. */
export function parseSippMessages(log: string): SippMessage[] {
  const out: SippMessage[] = [];
  const blocks = log.split(/^-{20,}\s+/m).slice(1);
  for (const block of blocks) {
    const head = /^(\S+ \S+)[ \t]*([\d.]+)?[ \t]*\r?\n(UDP|TCP) message (received|sent)[^\n]*\n([\s\S]*)$/.exec(block);
    if (!head) continue;
    const epoch = head[2] !== undefined ? Number(head[2]) * 1000 : Date.parse(head[1].replace(" ", "T"));
    const text = head[5].trim();
    out.push({ at: epoch, direction: head[4] as "received" | "sent", firstLine: text.split(/\r?\n/)[0], text });
  }
  return out;
}

/** Starts `sipp -sf <scenario> -m 1 …extraArgs` as a UAS; it answers the first INVITE sent to `uri`. */
export async function startSippUas(scenario: string, extraArgs: string[] = []): Promise<SippUas> {
  const binary = programPath("sipp");
  const [port] = await freePorts(1, { udp: true, tcp: false });
  const [mediaPort] = await freePorts(2, { udp: true, tcp: false, consecutive: true });
  const dir = runDir(`sipp-${port}`);
  const file = path.join(peersDir(), "sipp", scenario);
  const proc = spawnManaged(`sipp ${scenario}`, binary, ["-sf", file, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", String(port), "-mp", String(mediaPort), "-m", "1", "-nostdin", "-trace_msg", "-trace_err", ...extraArgs], { cwd: dir });
  // sipp has no "ready" line in -nostdin mode; its socket is bound within a few ms of the start.
  await new Promise((r) => setTimeout(r, 300));
  return {
    port,
    uri: `sip:uas@127.0.0.1:${port}`,
    proc,
    exited: proc.exited,
    messages: () => {
      const log = fs.readdirSync(dir).find((f) => f.endsWith("_messages.log"));
      return log === undefined ? [] : parseSippMessages(fs.readFileSync(path.join(dir, log), "utf8"));
    },
    stop: () => proc.stop(),
  };
}
