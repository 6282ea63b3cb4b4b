/**
 * The engine under test, alone in a child process so that /proc accounts its CPU (and its
 * ffmpeg children's) apart from the bench's: `src/call/engine.ts` Engine, one SIP account,
 * RTP on 127.0.0.1.
 */
import { Engine, type Call, type Logger } from "../../src/index";
import { serveRpc } from "../common/rpc";
import { monoMs, sleep } from "../common/mono-clock";
import type { CallRecord, EngineApi, EngineEvents } from "./engine-api";
import { enlargeUdpReceiveBuffers } from "./socket-tuning";
import { listenWhep, type WhepListener } from "./whep-listener";

let engine: Engine | undefined;
let whep: WhepListener | undefined;
const records = new Map<string, CallRecord>();
const live = new Map<string, Call>();
const logLines: string[] = [];

const logger: Logger = {
  log(level, category, message) {
    if (level !== "warn" && level !== "error") return;
    logLines.push(`${level} [${category}] ${message}`);
    if (logLines.length > 300) logLines.shift();
  },
};

const FINAL = new Set(["FINISH", "FAILED", "BUSY"]);

function place(name: string, callee: string, toStream: string | undefined, rtmpUrl: string | undefined, hangUpOnAnswer: boolean): boolean {
  if (!engine) throw new Error("engine not started");
  const record: CallRecord = { name, dialAt: monoMs(), status: "NEW" };
  records.set(name, record);
  let call: Call;
  try {
    call = engine.call({ callId: name, callee, ...(toStream ? { toStream } : {}), ...(rtmpUrl ? { rtmpUrl, rtmpStream: name } : {}) });
  } catch (error) {
    record.status = "FAILED";
    record.detail = (error as Error).message;
    return false;
  }
  live.set(name, call);
  call.on("state", (e) => {
    record.status = e.status;
    if (e.status === "ESTABLISHED") {
      record.establishedAt = monoMs();
      if (hangUpOnAnswer) call.terminate();
    }
    if (FINAL.has(e.status)) {
      record.endedAt = monoMs();
      record.reason = e.reason;
      record.detail = e.detail;
    }
  });
  call.on("publish", (e) => {
    record.publishStatus = e.status;
    if (e.status === "PUBLISHING") record.publishingAt ??= monoMs();
    if (e.detail !== undefined) record.publishDetail = e.detail;
  });
  call.on("@close", () => live.delete(name));
  return true;
}

// SIGTERM (the bench stopping this process group) ends the engine cleanly, and lets a
// `--cpu-prof` profile be written on the way out.
process.once("SIGTERM", () => {
  void (whep?.close() ?? Promise.resolve()).then(() => engine?.close(1000)).finally(() => process.exit(0));
});

serveRpc<EngineApi, EngineEvents>(
  {
    start: async ({ account, recvBufferBytes, maxViewers }) => {
      if (recvBufferBytes !== undefined) enlargeUdpReceiveBuffers(recvBufferBytes);
      engine = new Engine({ account, localAddress: "127.0.0.1", logger, ...(maxViewers === undefined ? {} : { whep: { maxViewers } }) });
      const r = await engine.start();
      return { ok: r.ok, detail: `${r.sipStatus} ${r.sipMessage}`.trim() };
    },
    dial: async ({ calls, ratePerSec, rtmpUrl, hangUpOnAnswer }) => {
      const start = monoMs();
      let placed = 0;
      let failedToPlace = 0;
      for (let i = 0; i < calls.length; i++) {
        const wait = start + (i * 1000) / ratePerSec - monoMs();
        if (wait > 0) await sleep(wait);
        const spec = calls[i];
        if (!spec) continue;
        if (place(spec.name, spec.callee, spec.toStream, rtmpUrl, hangUpOnAnswer ?? false)) placed++;
        else failedToPlace++;
      }
      return { placed, failedToPlace };
    },
    progress: () => {
      const byStatus: Record<string, number> = {};
      let publishing = 0;
      for (const r of records.values()) {
        byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
        if (r.publishStatus === "PUBLISHING") publishing++;
      }
      return { byStatus, publishing, live: live.size };
    },
    records: ({ names }) => (names ? names.map((n) => records.get(n)).filter((r): r is CallRecord => r !== undefined) : [...records.values()]),
    hangUp: async ({ names, timeoutMs }) => {
      const calls = names ? names.map((n) => live.get(n)).filter((c): c is Call => c !== undefined) : [...live.values()];
      for (const c of calls) c.terminate();
      const all = Promise.all(calls.map((c) => new Promise<void>((resolve) => (c.isClosed ? resolve() : c.once("@close", () => resolve()))).then(() => c.whenClosed())));
      await Promise.race([all, sleep(timeoutMs)]);
      const left = calls.filter((c) => !c.isClosed).length;
      return { closed: calls.length - left, left };
    },
    forget: () => {
      for (const [name, r] of records) if (!live.has(name) || FINAL.has(r.status)) records.delete(name);
      return { ok: true };
    },
    serveWhep: async ({ token }) => {
      if (!engine) throw new Error("engine not started");
      whep ??= await listenWhep(engine.streams, token);
      return { origin: whep.origin };
    },
    viewerCount: () => engine?.streams.viewerCount ?? 0,
    callStats: ({ name }) => live.get(name)?.stats(),
    memory: () => process.memoryUsage(),
    logs: () => [...logLines],
    close: async () => {
      await whep?.close();
      whep = undefined;
      await engine?.close(3000);
      engine = undefined;
      return { ok: true };
    },
  },
  () => {
    void (engine?.close(1000) ?? Promise.resolve()).finally(() => process.exit(0));
  },
);
