import { Engine } from "../../src/call/engine";
import type { Call } from "../../src/call/call";
import type { IvrEvent } from "../../src/call/call-event";
import { CallStatus } from "../../src/call/call-status";
import type { MeetingIvrEvent } from "../../src/demo/meeting-ivr";
import { startTestMeetingPeer, type TestMeetingPeer, type TestMeetingPeerOptions } from "../../src/demo/test-meeting-peer";
import type { DtmfOptions } from "../../src/dtmf";
import { waitForStatus } from "../call/helpers/wait-for-status";

/** The meeting every IVR test dials. */
export const MEETING_ID = "311705123";
export const PASSCODE = "4321";

/** What one call through the test meeting's IVR gave. */
export interface JoinRun {
  /** How the plan ended: "ok", or the error's name and reason. */
  result: "ok" | { name: string; reason?: string; message: string };
  /** The call's `ivr` events. */
  events: IvrEvent[];
  /** The meeting's IVR events for the call. */
  meeting: MeetingIvrEvent[];
  /** performance.now() when the plan finished. */
  msToResult: number;
  /** The audio codec the meeting answered with. */
  audioCodec: string | undefined;
}

/** A test meeting in IVR mode plus an engine; `join` dials it and runs one plan. */
export class IvrBench {
  private constructor(
    readonly peer: TestMeetingPeer,
    readonly engine: Engine,
  ) {}

  static async start(options: TestMeetingPeerOptions): Promise<IvrBench> {
    const peer = await startTestMeetingPeer(options);
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
      rtpTimeoutMs: 0,
    });
    return new IvrBench(peer, engine);
  }

  /** Dials, runs `plan` as soon as the call is answered, hangs up, and reports. */
  async join(plan: string, o: { hasVideo?: boolean; dtmf?: DtmfOptions; afterMs?: number } = {}): Promise<JoinRun> {
    const meeting: MeetingIvrEvent[] = [];
    const onIvr = (e: MeetingIvrEvent): void => void meeting.push(e);
    this.peer.on("ivr", onIvr);
    let audioCodec: string | undefined;
    this.peer.once("call", (info) => (audioCodec = info.audio?.codec));
    const call: Call = this.engine.call({ callee: "meeting", hasVideo: o.hasVideo ?? true });
    const events: IvrEvent[] = [];
    call.on("ivr", (e) => events.push(e));
    const started = performance.now();
    try {
      await waitForStatus(call, CallStatus.ESTABLISHED, 20_000);
      let result: JoinRun["result"] = "ok";
      await call.sendDtmf(plan, o.dtmf).catch((e: Error & { reason?: string }) => {
        result = { name: e.name, reason: e.reason, message: e.message };
      });
      const msToResult = performance.now() - started;
      if (o.afterMs) await new Promise((r) => setTimeout(r, o.afterMs));
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 15_000);
      await call.whenClosed();
      return { result, events, meeting: meeting.filter((e) => e.callId !== undefined), msToResult, audioCodec };
    } finally {
      this.peer.off("ivr", onIvr);
      if (!call.isClosed) call.terminate();
    }
  }

  async stop(): Promise<void> {
    await this.engine.close();
    await this.peer.stop();
  }
}

/** The meeting's "first key after a prompt" delays, in ms. */
export function firstKeyDelays(run: JoinRun): number[] {
  return run.meeting.flatMap((e) => (e.kind === "first-key" ? [e.sincePromptEndMs] : []));
}
