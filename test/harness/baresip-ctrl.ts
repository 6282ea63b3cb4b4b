import * as net from "node:net";
import { NetstringReader, netstring } from "./netstring";

/** One event of baresip's ctrl_tcp module (`{"event":true,"type":…}`). */
export interface BaresipEvent {
  /** e.g. REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, CALL_DTMF_START, CALL_DTMF_END. */
  type: string;
  /** e.g. "register", "call". */
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  /** The call id (baresip's, not the SIP Call-ID). */
  id?: string;
  /** Event detail: the digit for DTMF, the reason for CALL_CLOSED, the status for REGISTER_*. */
  param?: string;
  /** Date.now() when the harness received it. */
  receivedAt: number;
  /** The whole JSON object as sent. */
  raw: Readonly<Record<string, unknown>>;
}

/** The answer to a ctrl_tcp command. */
export interface BaresipResponse {
  ok: boolean;
  data: string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Turns one ctrl_tcp JSON object into an event, or undefined for a command response. */
export function toBaresipEvent(raw: Record<string, unknown>, receivedAt: number): BaresipEvent | undefined {
  if (raw.event !== true) return undefined;
  return {
    type: str(raw.type) ?? "",
    class: str(raw.class),
    accountaor: str(raw.accountaor),
    direction: str(raw.direction),
    peeruri: str(raw.peeruri),
    id: str(raw.id),
    param: str(raw.param),
    receivedAt,
    raw,
  };
}

/** A connection to baresip's ctrl_tcp: events in, commands out. */
export class BaresipCtrl {
  private readonly reader = new NetstringReader();
  private readonly waiting = new Map<string, (r: BaresipResponse) => void>();
  private nextToken = 1;

  private constructor(
    private readonly socket: net.Socket,
    private readonly onEvent: (e: BaresipEvent) => void,
    private readonly onError: (err: Error) => void,
  ) {
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (err) => onError(err));
  }

  /** Connects, retrying for `timeoutMs` while baresip is still opening its listener. */
  static async connect(port: number, timeoutMs: number, onEvent: (e: BaresipEvent) => void, onError: (err: Error) => void): Promise<BaresipCtrl> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, "127.0.0.1");
          s.once("connect", () => {
            s.removeListener("error", reject);
            resolve(s);
          });
          s.once("error", (err) => {
            s.destroy();
            reject(err);
          });
        });
        return new BaresipCtrl(socket, onEvent, onError);
      } catch (err) {
        if (Date.now() > end) throw new Error(`baresip ctrl_tcp on ${port}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  private receive(chunk: Buffer): void {
    let payloads: Buffer[];
    try {
      payloads = this.reader.push(chunk);
    } catch (err) {
      this.onError(err as Error);
      this.socket.destroy();
      return;
    }
    for (const p of payloads) {
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(p.toString("utf8")) as Record<string, unknown>;
      } catch {
        continue; // not JSON: nothing a test could match on
      }
      const event = toBaresipEvent(raw, Date.now());
      if (event !== undefined) this.onEvent(event);
      else if (raw.response === true) {
        const token = str(raw.token);
        const done = token === undefined ? undefined : this.waiting.get(token);
        if (done !== undefined && token !== undefined) {
          this.waiting.delete(token);
          done({ ok: raw.ok === true, data: str(raw.data) ?? "" });
        }
      }
    }
  }

  /** Sends a command (e.g. "hangup", "reginfo") and resolves with baresip's answer. */
  command(command: string, params: string, timeoutMs: number): Promise<BaresipResponse> {
    const token = `h${this.nextToken++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new Error(`baresip did not answer "${command}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(token, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.socket.write(netstring(JSON.stringify({ command, params, token })));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
