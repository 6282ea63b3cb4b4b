import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { spawnManaged, type ManagedProcess } from "./managed-process";
import { peersDir, runDir } from "./paths";
import { freePort, freePorts } from "./ports";
import { programPath } from "./require-peers";

/** A running Kamailio registrar/proxy on 127.0.0.1. */
export interface Kamailio {
  udpPort: number;
  tcpPort: number;
  /** The SIP-over-TLS port, when started with `tls`. */
  tlsPort?: number;
  /** SIGTERM to its process group (SIGKILL after 3 s); resolves when every worker is gone. */
  stop(): Promise<void>;
  /**
   * Its log (stderr). Lines the tests can rely on: `AUTH 401 REGISTER <user>`,
   * `AUTH 407 <METHOD> <fromUser>`, `REGISTERED <user>`, `REQ <METHOD> <ruri> …`, each
   * followed by `(src <proto>:<ip>:<port>)`. A line may arrive a few ms after the peer saw
   * the response it belongs to: use {@link Kamailio.waitForLog} rather than reading logs() at once.
   */
  logs(): string;
  /** The first log line (past or future) matching `re`; rejects after `timeoutMs`. */
  waitForLog(re: RegExp, timeoutMs: number): Promise<string>;
}

/** Options of {@link startKamailio}. */
export interface KamailioOptions {
  udpPort?: number;
  tcpPort?: number;
  /** user → password; default alice/alicepw, uas/uaspw, sipp/password (the sipp scenario's). */
  users?: Record<string, string>;
  /** Also listen for SIP over TLS with this key and certificate (PEM files), e.g. from selfSignedCert(). */
  tls?: KamailioTls;
}

/** Kamailio's TLS listener: port (free one when absent) and its key/certificate files. */
export interface KamailioTls {
  port?: number;
  key: string;
  cert: string;
}

const DEFAULT_USERS: Record<string, string> = { alice: "alicepw", uas: "uaspw", sipp: "password" };
const READY_TIMEOUT_MS = 10000;

/** Debian puts the modules under the multiarch folder; find it instead of assuming x86_64. */
function moduleDir(): string {
  const candidates = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"];
  try {
    for (const entry of fs.readdirSync("/usr/lib")) candidates.push(path.join("/usr/lib", entry));
  } catch {
    // keep the fixed list
  }
  for (const base of candidates) {
    const dir = path.join(base, "kamailio", "modules");
    if (fs.existsSync(path.join(dir, "tm.so"))) return `${dir}/`;
  }
  throw new Error("test harness: Kamailio's module folder (…/kamailio/modules/tm.so) not found");
}

/** Writes the config from test/peers/kamailio.cfg; names and passwords are checked so they cannot break the cfg syntax. */
export function kamailioConfig(udpPort: number, tcpPort: number, users: Record<string, string>, modules: string, tls?: Required<KamailioTls>): string {
  const lines = Object.entries(users).map(([user, password]) => {
    if (!/^[A-Za-z0-9._-]+$/.test(user)) throw new Error(`startKamailio: user name ${JSON.stringify(user)} must match [A-Za-z0-9._-]+`);
    if (!/^[A-Za-z0-9._~!*+-]+$/.test(password)) throw new Error(`startKamailio: the password of ${user} must match [A-Za-z0-9._~!*+-]+`);
    return `    $sht(users=>${user}) = "${password}";`;
  });
  return fs
    .readFileSync(path.join(peersDir(), "kamailio.cfg"), "utf8")
    .replace(/@@UDP_PORT@@/g, String(udpPort))
    .replace(/@@TCP_PORT@@/g, String(tcpPort))
    .replace(/@@MODULE_DIR@@/g, modules)
    .replace(/@@USERS@@/g, lines.join("\n"))
    .replace(/^#@@TLS_LISTEN@@$/m, tls ? tlsListen(tls) : "#")
    .replace(/^#@@TLS_MODULE@@$/m, tls ? tlsModule(tls) : "#");
}

function tlsListen(tls: Required<KamailioTls>): string {
  return [`enable_tls=yes`, `listen=tls:127.0.0.1:${tls.port}`, `alias="127.0.0.1:${tls.port}"`].join("\n");
}

/** The server side presents the test's certificate; as a client (towards baresip) it checks nothing: loopback only. */
function tlsModule(tls: Required<KamailioTls>): string {
  for (const file of [tls.key, tls.cert]) if (/["\s]/.test(file)) throw new Error(`startKamailio: TLS file path must not contain quotes or spaces: ${file}`);
  return [
    `loadmodule "tls.so"`,
    `modparam("tls", "private_key", "${tls.key}")`,
    `modparam("tls", "certificate", "${tls.cert}")`,
    `modparam("tls", "tls_method", "TLSv1.2+")`,
    `modparam("tls", "verify_certificate", 0)`,
    `modparam("tls", "require_certificate", 0)`,
  ].join("\n");
}

/** An OPTIONS ping to the proxy itself; the cfg answers it 200 without authentication. */
function optionsPing(port: number, localPort: number, n: number): Buffer {
  const branch = `z9hG4bK-harness-${process.pid}-${n}-${Date.now()}`;
  return Buffer.from(
    [
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=${branch};rport`,
      `From: <sip:harness@127.0.0.1>;tag=h${n}`,
      `To: <sip:127.0.0.1:${port}>`,
      `Call-ID: harness-ping-${process.pid}-${Date.now()}-${n}`,
      "CSeq: 1 OPTIONS",
      "Max-Forwards: 70",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n"),
  );
}

/** Resolves once Kamailio answers an OPTIONS over UDP and accepts a TCP connection. */
async function waitReady(proc: ManagedProcess, udpPort: number, tcpPort: number): Promise<void> {
  const end = Date.now() + READY_TIMEOUT_MS;
  const socket = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => resolve());
    });
    const answered = new Promise<void>((resolve) => socket.on("message", (msg) => msg.toString("latin1").startsWith("SIP/2.0 ") && resolve()));
    let n = 0;
    for (;;) {
      if (!proc.isRunning()) throw new Error("kamailio exited during start-up");
      if (Date.now() > end) throw new Error(`kamailio did not answer OPTIONS on udp ${udpPort} within ${READY_TIMEOUT_MS} ms`);
      socket.send(optionsPing(udpPort, socket.address().port, n++), udpPort, "127.0.0.1");
      const got = await Promise.race([answered.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
      if (got) break;
    }
  } finally {
    socket.close();
  }
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(tcpPort, "127.0.0.1");
      c.once("connect", () => {
        c.destroy();
        resolve(true);
      });
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    if (!proc.isRunning()) throw new Error("kamailio exited during start-up");
    if (Date.now() > end) throw new Error(`kamailio does not accept TCP on ${tcpPort}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts Kamailio as registrar + proxy on 127.0.0.1 (UDP and TCP, digest auth: REGISTER
 * 401, INVITE/MESSAGE/SUBSCRIBE/OPTIONS-to-a-user 407, Record-Route on INVITE) and resolves
 * when it answers. On any failure the process is stopped and the error carries its log.
 */
export async function startKamailio(o: KamailioOptions = {}): Promise<Kamailio> {
  const binary = programPath("kamailio");
  const [udpPort, tcpPort] =
    o.udpPort !== undefined && o.tcpPort !== undefined
      ? [o.udpPort, o.tcpPort]
      : await (async () => {
          const ports = await freePorts(2);
          return [o.udpPort ?? ports[0], o.tcpPort ?? ports[1]];
        })();
  const tls = o.tls && { ...o.tls, port: o.tls.port ?? (await freePort()) };
  const dir = runDir(`kamailio-${udpPort}`);
  const cfg = path.join(dir, "kamailio.cfg");
  const modules = moduleDir();
  if (tls && !fs.existsSync(path.join(modules, "tls.so"))) throw new Error("startKamailio: SIP over TLS needs Kamailio's tls module (Debian package kamailio-tls-modules; bash scripts/setup.sh)");
  fs.writeFileSync(cfg, kamailioConfig(udpPort, tcpPort, o.users ?? DEFAULT_USERS, modules, tls));
  const proc = spawnManaged(`kamailio udp:${udpPort} tcp:${tcpPort}`, binary, ["-DD", "-E", "-f", cfg, "-m", "32", "-M", "4", "-P", path.join(dir, "kamailio.pid"), "-Y", dir], { cwd: dir });
  try {
    await waitReady(proc, udpPort, tcpPort);
    if (tls) await waitReady(proc, udpPort, tls.port);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n--- kamailio log (${dir}) ---\n${proc.logs().slice(-4000)}`);
  }
  return { udpPort, tcpPort, ...(tls ? { tlsPort: tls.port } : {}), stop: () => proc.stop(), logs: () => proc.logs(), waitForLog: (re, timeoutMs) => proc.waitForLine(re, timeoutMs) };
}
