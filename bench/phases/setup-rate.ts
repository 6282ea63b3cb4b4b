import * as path from "node:path";
import { CpuWindow } from "../common/cpu-window";
import { monoMs, sleep } from "../common/mono-clock";
import { say } from "../common/progress-log";
import { readAllProcStats } from "../common/proc-stat";
import { RpcChild } from "../common/rpc";
import { percentile } from "../common/stats";
import type { EngineApi, EngineEvents } from "../engine-host/engine-api";
import type { SetupRateStep } from "../report/result-types";
import { startKamailio } from "../../test/harness/kamailio";
import { BUILD_DIR, type BenchEnvironment } from "./environment";

/** How the setup-rate ladder is run. */
export interface SetupRatePlan {
  rates: number[];
  stepMs: number;
  repeats: number;
  /** Stop before starting a step after this time (Date.now()). */
  deadline: number;
}

/** A step passes when every call was answered and the answers kept pace with the offered rate. */
const KEEP_PACE = 0.9;
/** INVITE → answer must stay under this for a step to pass. */
const MAX_SETUP_P95_MS = 1000;

/**
 * Calls per second through Kamailio: the engine (alice, registerRequired false, answering the
 * 407 challenge) calls `uas`, which the peer registered; each call is hung up as soon as it is
 * answered (media off: this measures signalling and RTP socket setup, not ffmpeg). The rate
 * steps up until a step fails.
 */
export async function runSetupRate(env: BenchEnvironment, plan: SetupRatePlan): Promise<{ steps: SetupRateStep[]; sustainedPerSec: number | undefined; firstFailingRate: number | undefined; kamailioCpuPct: number[] }> {
  const kamailio = await startKamailio();
  const engine = new RpcChild<EngineApi, EngineEvents>("bench engine (setup rate)", path.join(BUILD_DIR, "engine-host", "engine-main.js"));
  const steps: SetupRateStep[] = [];
  const kamailioCpuPct: number[] = [];
  let sustained: number | undefined;
  let firstFailing: number | undefined;
  let seq = 0;
  // Kamailio's main process is our child (the harness spawns it); its workers are its children.
  const kamailioPid = readAllProcStats().find((p) => p.ppid === process.pid && p.comm === "kamailio")?.pid;
  try {
    await env.peer.call("register", { host: "127.0.0.1", port: kamailio.udpPort, user: "uas", password: "uaspw" });
    await env.peer.call("configure", { media: false, stamp: false });
    const started = await engine.call("start", { account: { login: "alice", password: "alicepw", domain: "127.0.0.1", port: kamailio.udpPort, registerRequired: false } });
    if (!started.ok) throw new Error(`engine start: ${started.detail}`);
    outer: for (const rate of plan.rates) {
      let passes = 0;
      for (let repeat = 1; repeat <= plan.repeats; repeat++) {
        if (Date.now() > plan.deadline) break outer;
        const count = Math.max(1, Math.round((rate * plan.stepMs) / 1000));
        const names = Array.from({ length: count }, () => `sr${++seq}`);
        const cpu = new CpuWindow([{ name: "kamailio", roots: kamailioPid === undefined ? [] : [kamailioPid], tree: true }]);
        cpu.start();
        const t0 = monoMs();
        await engine.call("dial", { calls: names.map((name) => ({ name, callee: "uas" })), ratePerSec: rate, hangUpOnAnswer: true }, 30000 + plan.stepMs * 2);
        // Wait until every call has ended (answered and hung up, or failed), at most 10 s more.
        const end = Date.now() + 10000;
        for (;;) {
          const p = await engine.call("progress", {});
          const done = (p.byStatus.FINISH ?? 0) + (p.byStatus.FAILED ?? 0) + (p.byStatus.BUSY ?? 0);
          if (done >= count || Date.now() > end) break;
          await sleep(200);
        }
        kamailioCpuPct.push(cpu.end().roles.kamailio?.cpuPct ?? 0);
        const records = await engine.call("records", { names });
        const answered = records.filter((r) => r.establishedAt !== undefined);
        const setup = answered.map((r) => (r.establishedAt as number) - r.dialAt);
        const reasons: Record<string, number> = {};
        for (const r of records) if (r.establishedAt === undefined) reasons[`${r.status} ${r.reason ?? ""}`.trim()] = (reasons[`${r.status} ${r.reason ?? ""}`.trim()] ?? 0) + 1;
        const last = Math.max(...answered.map((r) => r.establishedAt as number), t0 + 1);
        const achieved = answered.length / ((last - t0) / 1000);
        const p95 = percentile(setup, 95);
        const pass = answered.length === count && achieved >= KEEP_PACE * rate * ((count - 1) / count || 1) && (p95 ?? Infinity) <= MAX_SETUP_P95_MS;
        steps.push({ rate, repeat, calls: count, established: answered.length, failed: count - answered.length, reasons, setupMs: { p50: percentile(setup, 50), p95, n: setup.length }, achievedPerSec: achieved, pass });
        say(`setup rate ${rate}/s #${repeat}: ${answered.length}/${count} answered, INVITE→200 p95 ${p95?.toFixed(0) ?? "-"} ms, ${achieved.toFixed(1)}/s`);
        await engine.call("hangUp", { timeoutMs: 5000 });
        await engine.call("forget", {});
        if (pass) passes++;
        await sleep(500);
      }
      // A rate counts as sustained when most of its repeats passed.
      if (passes * 2 > plan.repeats) sustained = rate;
      else {
        firstFailing = rate;
        break;
      }
    }
  } finally {
    await engine.call("close", {}, 20000).catch(() => undefined);
    await engine.stop();
    await kamailio.stop();
    await env.peer.call("configure", { media: true, stamp: true });
  }
  return { steps, sustainedPerSec: sustained, firstFailingRate: firstFailing, kamailioCpuPct };
}
