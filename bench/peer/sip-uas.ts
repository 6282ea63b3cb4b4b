import { randomBytes } from "node:crypto";
import type * as dgram from "node:dgram";
import { buildAnswer, readOffer, type OfferedMedia } from "./sdp-answer";
import { buildResponse, header, parseSip, uriUser, type SipMessage } from "./sip-message";

/** A call the peer has answered. */
export interface AnsweredCall {
  callId: string;
  /** The To user (the stream name the bench gave the call), made unique per call. */
  name: string;
  offer: OfferedMedia;
}

/** Options of {@link SipUas}. */
export interface SipUasOptions {
  socket: dgram.Socket;
  localPort: number;
  /** The peer's shared RTP ports, written into every answer. */
  mediaPorts: { audio: number; video: number };
  onCall: (call: AnsweredCall) => void;
  onEnd: (callId: string) => void;
  /** Responses to requests the peer sent itself (REGISTER). */
  onResponse?: (msg: SipMessage) => void;
}

interface Dialog {
  call: AnsweredCall;
  cseq: string;
  response: Buffer;
  to: { address: string; port: number };
  acked: boolean;
  /** Next 200 OK retransmission (RFC 3261 §13.3.1.4: T1 doubling to T2 until the ACK). */
  resendAt: number;
  interval: number;
  /** Set by BYE; the entry stays a while to answer a retransmitted BYE. */
  endedAt?: number;
}

const T1 = 500;
const T2 = 4000;
const KEEP_MS = 32000;

/**
 * A minimal UDP user agent server: answers every INVITE at once with 200 OK and an SDP for
 * PCMU + H.264, retransmits the 200 until the ACK, answers BYE, CANCEL and OPTIONS. It keeps
 * one small record per dialog and no transaction layer: on loopback that is all the engine
 * and Kamailio need, and it costs next to nothing per call.
 */
export class SipUas {
  readonly #o: SipUasOptions;
  readonly #dialogs = new Map<string, Dialog>();
  readonly #names = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  readonly counters = { invites: 0, retransmittedInvites: 0, okResent: 0, byes: 0, cancels: 0, other: 0 };

  constructor(o: SipUasOptions) {
    this.#o = o;
    o.socket.on("message", (data, rinfo) => this.#onDatagram(data, { address: rinfo.address, port: rinfo.port }));
    this.#timer = setInterval(() => this.#sweep(), 100);
  }

  /** Number of dialogs not ended yet. */
  get activeCalls(): number {
    let n = 0;
    for (const d of this.#dialogs.values()) if (d.endedAt === undefined) n++;
    return n;
  }

  send(text: string, to: { address: string; port: number }): void {
    this.#o.socket.send(Buffer.from(text), to.port, to.address);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#dialogs.clear();
  }

  #onDatagram(data: Buffer, from: { address: string; port: number }): void {
    const msg = parseSip(data);
    if (!msg) return;
    if (msg.status !== undefined) return this.#o.onResponse?.(msg);
    const callId = header(msg, "call-id") ?? "";
    switch (msg.method) {
      case "INVITE":
        return this.#onInvite(msg, callId, from);
      case "ACK": {
        const d = this.#dialogs.get(callId);
        if (d) d.acked = true;
        return;
      }
      case "BYE": {
        this.counters.byes++;
        const d = this.#dialogs.get(callId);
        this.send(buildResponse(msg, d ? 200 : 481, d ? "OK" : "Call/Transaction Does Not Exist"), from);
        if (d && d.endedAt === undefined) {
          d.endedAt = Date.now();
          d.acked = true;
          this.#names.delete(d.call.name);
          this.#o.onEnd(callId);
        }
        return;
      }
      case "CANCEL":
        this.counters.cancels++;
        // Every INVITE is answered at once, so there is never anything left to cancel.
        return this.send(buildResponse(msg, 481, "Call/Transaction Does Not Exist"), from);
      case "OPTIONS":
        return this.send(buildResponse(msg, 200, "OK"), from);
      default:
        this.counters.other++;
        return this.send(buildResponse(msg, 405, "Method Not Allowed", { extra: ["Allow: INVITE, ACK, BYE, CANCEL, OPTIONS"] }), from);
    }
  }

  #onInvite(msg: SipMessage, callId: string, from: { address: string; port: number }): void {
    const cseq = header(msg, "cseq") ?? "";
    const known = this.#dialogs.get(callId);
    if (known && known.cseq === cseq) {
      this.counters.retransmittedInvites++;
      this.#o.socket.send(known.response, from.port, from.address);
      return;
    }
    this.counters.invites++;
    const offer = readOffer(msg.body);
    const toTag = known ? /;tag=([^;]+)/.exec(header(msg, "to") ?? "")?.[1] : randomBytes(6).toString("hex");
    const body = buildAnswer(offer, this.#o.mediaPorts, 1 + Math.floor(Math.random() * 1e9));
    const contact = `Contact: <sip:uas@127.0.0.1:${this.#o.localPort}>`;
    const response = Buffer.from(buildResponse(msg, 200, "OK", { toTag, extra: [contact, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS"], body }));
    if (known) {
      // A re-INVITE: same media, new 200 (no new stream).
      known.cseq = cseq;
      known.response = response;
      known.acked = false;
      known.resendAt = Date.now() + T1;
      known.interval = T1;
      this.#o.socket.send(response, from.port, from.address);
      return;
    }
    const user = uriUser(header(msg, "to") ?? "") ?? "call";
    const name = this.#names.has(user) || user === "uas" ? `${user}-${callId.slice(0, 12)}` : user;
    this.#names.add(name);
    const call: AnsweredCall = { callId, name, offer };
    this.#dialogs.set(callId, { call, cseq, response, to: from, acked: false, resendAt: Date.now() + T1, interval: T1 });
    this.#o.socket.send(response, from.port, from.address);
    this.#o.onCall(call);
  }

  #sweep(): void {
    const now = Date.now();
    for (const [callId, d] of this.#dialogs) {
      if (d.endedAt !== undefined) {
        if (now - d.endedAt > KEEP_MS) this.#dialogs.delete(callId);
        continue;
      }
      if (d.acked || now < d.resendAt) continue;
      this.counters.okResent++;
      this.#o.socket.send(d.response, d.to.port, d.to.address);
      d.interval = Math.min(d.interval * 2, T2);
      d.resendAt = now + d.interval;
    }
  }
}
