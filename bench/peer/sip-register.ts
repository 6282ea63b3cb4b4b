import { createHash, randomBytes } from "node:crypto";
import { header, type SipMessage } from "./sip-message";
import type { SipUas } from "./sip-uas";

/** A registrar to register the peer's address of record with. */
export interface RegistrarTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

function param(challenge: string, name: string): string | undefined {
  return new RegExp(`${name}="?([^",]+)"?`, "i").exec(challenge)?.[1];
}

/** The Authorization value for a digest challenge (RFC 2617, MD5, with or without qop=auth). */
export function digestAuthorization(challenge: string, method: string, uri: string, user: string, password: string): string {
  const realm = param(challenge, "realm") ?? "";
  const nonce = param(challenge, "nonce") ?? "";
  const qop = /qop="?([^",]*auth)/i.test(challenge) ? "auth" : undefined;
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const base = `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5`;
  if (qop === undefined) return `${base}, response="${md5(`${ha1}:${nonce}:${ha2}`)}"`;
  const cnonce = randomBytes(8).toString("hex");
  const nc = "00000001";
  return `${base}, response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)}", qop=${qop}, nc=${nc}, cnonce="${cnonce}"`;
}

/**
 * Registers `sip:user@host` → the peer's UDP port (REGISTER, 401 challenge, REGISTER with
 * credentials), retransmitting every 500 ms while unanswered. Resolves on 200, rejects on
 * another final response or after 8 s.
 */
export function registerPeer(uas: SipUas, setResponseHandler: (h: ((m: SipMessage) => void) | undefined) => void, localPort: number, t: RegistrarTarget): Promise<void> {
  const callId = `bench-reg-${randomBytes(6).toString("hex")}`;
  const tag = randomBytes(4).toString("hex");
  const uri = `sip:${t.host}:${t.port}`;
  let cseq = 0;
  let current = "";
  const build = (authorization?: string): string => {
    cseq++;
    return [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK${randomBytes(6).toString("hex")};rport`,
      "Max-Forwards: 70",
      `From: <sip:${t.user}@${t.host}>;tag=${tag}`,
      `To: <sip:${t.user}@${t.host}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${t.user}@127.0.0.1:${localPort}>`,
      "Expires: 3600",
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
  };
  return new Promise<void>((resolve, reject) => {
    const to = { address: t.host, port: t.port };
    const send = (text: string): void => {
      current = text;
      uas.send(text, to);
    };
    const resend = setInterval(() => uas.send(current, to), 500);
    const finish = (error?: Error): void => {
      clearInterval(resend);
      clearTimeout(giveUp);
      setResponseHandler(undefined);
      if (error) reject(error);
      else resolve();
    };
    const giveUp = setTimeout(() => finish(new Error("peer REGISTER: no final response within 8 s")), 8000);
    setResponseHandler((msg) => {
      if (header(msg, "call-id") !== callId || !(header(msg, "cseq") ?? "").startsWith(`${cseq} `)) return;
      const status = msg.status ?? 0;
      if (status < 200) return;
      if (status === 200) return finish();
      const challenge = header(msg, "www-authenticate");
      if (status === 401 && challenge && cseq === 1) return send(build(digestAuthorization(challenge, "REGISTER", uri, t.user, t.password)));
      finish(new Error(`peer REGISTER failed: ${status} ${msg.reason ?? ""}`));
    });
    send(build());
  });
}
