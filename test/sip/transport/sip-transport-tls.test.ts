import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { TransportState } from "sip.js";
import { SipTransport } from "../../../src/sip/transport";
import { AsyncQueue, quietSipLogger, readBytes, sipjsRequest } from "./loopback";

/** A self-signed certificate made with the openssl CLI (Node cannot create one). */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-tls-"));
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=localhost",
    ], { stdio: "ignore" });
    return { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("SipTransport over TLS (loopback)", () => {
  let server: tls.Server;
  let port: number;
  const connections = new AsyncQueue<tls.TLSSocket>();
  const open = new Set<tls.TLSSocket>();
  let transport: SipTransport | undefined;

  before(async function () {
    const credentials = selfSigned();
    if (!credentials) this.skip();
    server = tls.createServer(credentials ?? {}, (socket) => {
      open.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => open.delete(socket));
      connections.push(socket);
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    await transport?.dispose();
    transport = undefined;
  });

  after(async () => {
    if (!server) return;
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("refuses a self-signed server certificate by default", async () => {
    transport = new SipTransport(quietSipLogger, { protocol: "tls", server: { host: "127.0.0.1", port }, forceServer: true });
    await assert.rejects(transport.connect(), /TLS connect to 127\.0\.0\.1:\d+ failed: .*self.signed/);
    assert.equal(transport.state, TransportState.Disconnected);
  });

  it("carries messages both ways when tlsRejectUnauthorized is false", async () => {
    const t = new SipTransport(quietSipLogger, {
      protocol: "tls",
      server: { host: "127.0.0.1", port },
      forceServer: true,
      tlsRejectUnauthorized: false,
      tlsServerName: "localhost",
    });
    transport = t;
    const delivered = new AsyncQueue<string>();
    t.onMessage = (m) => delivered.push(m);
    await t.connect();
    assert.equal(t.protocol, "TLS");
    const conn = await connections.next();
    assert.equal(conn.servername, "localhost");
    const options = sipjsRequest("OPTIONS", "z9hG4bKs", "sip:127.0.0.1", "", "TLS");
    const onWire = options.replace("127.0.0.1;branch", `127.0.0.1:${t.localPort};branch`);
    const arrived = readBytes(conn, Buffer.byteLength(onWire));
    await t.send(options);
    assert.equal(await arrived, onWire);
    const ok = `SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:${t.localPort};branch=z9hG4bKs;rport\r\nCSeq: 1 OPTIONS\r\n\r\n`;
    conn.write(ok);
    assert.equal(await delivered.next(), ok.replace(`:${t.localPort};branch`, ";branch"));
  });
});
