import * as fs from "node:fs";
import * as path from "node:path";
import { runRoot } from "./paths";
import { findProgram } from "./require-peers";
import { runCommand } from "./run-command";

/** A self-signed certificate for 127.0.0.1 (for the RTMPS listener), made once into .run/tls. */
export async function selfSignedCert(): Promise<{ key: string; cert: string }> {
  const dir = path.join(runRoot(), "tls");
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  if (fs.existsSync(key) && fs.existsSync(cert)) return { key, cert };
  const openssl = findProgram("openssl");
  if (openssl === undefined) throw new Error("RTMPS test server needs openssl (Debian package openssl)");
  fs.mkdirSync(dir, { recursive: true });
  const tmpKey = `${key}.${process.pid}.tmp`;
  const tmpCert = `${cert}.${process.pid}.tmp`;
  const r = await runCommand(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", tmpKey, "-out", tmpCert]);
  if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  fs.renameSync(tmpKey, key);
  fs.renameSync(tmpCert, cert);
  return { key, cert };
}
