import { strict as assert } from "node:assert";
import { InvalidStateError } from "../../src/errors";
import { DtmfSender, type DtmfTransport } from "../../src/dtmf/dtmf-sender";
import { IvrWaitError, type IvrListener, type IvrOutcome, type IvrProgress, type IvrWait } from "../../src/dtmf/ivr-wait";
import { FakeClock } from "../rtp/helpers/fake-clock";

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A listener that answers each wait with the next scripted outcome, and records what it was asked. */
class ScriptedListener implements IvrListener {
  readonly asked: string[] = [];
  cancelled: Error | undefined;
  constructor(private readonly script: Array<IvrOutcome | IvrWaitError>) {}
  listen(wait: IvrWait, silenceMs: number): Promise<IvrOutcome> {
    this.asked.push(`${wait.kind}/${silenceMs}`);
    const next = this.script.shift();
    if (next === undefined) return new Promise(() => undefined);
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
  keySent(): void {}
  cancel(error: Error): void {
    this.cancelled = error;
  }
}

function transport(clock: FakeClock, sent: string[], listener: IvrListener | undefined, released: IvrListener[]): DtmfTransport {
  return {
    sendEvent: (code) => {
      sent.push(code === 11 ? "#" : String(code));
      return new Promise((resolve) => clock.setTimeout(resolve, 10));
    },
    sendInfo: () => Promise.resolve(),
    listener: () => listener,
    release: (l) => released.push(l),
  };
}

async function run(sender: DtmfSender, clock: FakeClock, p: Promise<void>): Promise<unknown> {
  let settled: unknown = "pending";
  p.then(
    () => (settled = "ok"),
    (e: unknown) => (settled = e),
  );
  for (let i = 0; i < 200 && settled === "pending"; i++) {
    clock.advance(10);
    await flush();
  }
  return settled;
}

describe("DtmfSender with {…} waits", () => {
  it("sends each group of keys after its wait, reports each outcome with the groups sent, and releases the listener", async () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const released: IvrListener[] = [];
    const listener = new ScriptedListener([{ kind: "prompt-ended", speechMs: 3000 }, { kind: "prompt-ended", speechMs: 2000 }, { kind: "joined", by: "video" }]);
    const progress: IvrProgress[] = [];
    const sender = new DtmfSender({ transport: transport(clock, sent, listener, released), clock, onIvr: (p) => progress.push(p) });
    assert.equal(await run(sender, clock, sender.send("{prompt}12#{prompt}3#{joined}", { gapMs: 0, promptSilenceMs: 700 })), "ok");
    assert.deepEqual(sent, ["1", "2", "#", "3", "#"]);
    assert.deepEqual(listener.asked, ["prompt/700", "prompt/700", "joined/700"]);
    assert.deepEqual(progress.map((p) => `${p.kind}@${p.groupsSent}`), ["prompt-ended@0", "prompt-ended@1", "joined@2"]);
    assert.deepEqual(released, [listener]);
  });

  it("after a re-prompt, retry=1 sends the keys before the wait again; a second re-prompt fails with reason reprompted", async () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const released: IvrListener[] = [];
    const listener = new ScriptedListener([{ kind: "prompt-ended", speechMs: 1 }, { kind: "reprompt", speechMs: 1 }, { kind: "reprompt", speechMs: 1 }]);
    const progress: IvrProgress[] = [];
    const sender = new DtmfSender({ transport: transport(clock, sent, listener, released), clock, onIvr: (p) => progress.push(p) });
    const result = await run(sender, clock, sender.send("{prompt}98#{joined:30:retry=1}", { gapMs: 0 }));
    assert.ok(result instanceof IvrWaitError && result.reason === "reprompted", String(result));
    assert.ok(!result.message.includes("98"), "the keys are not in the message");
    assert.deepEqual(sent, ["9", "8", "#", "9", "8", "#"]);
    assert.deepEqual(progress.map((p) => `${p.kind}:${String(p.retrying)}`), ["prompt-ended:undefined", "reprompt:true", "reprompt:false"]);
    assert.deepEqual(released, [listener]);
  });

  it("a wait that times out rejects the plan with its reason; the keys after it are not sent", async () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const listener = new ScriptedListener([new IvrWaitError("dtmf: {prompt}: no prompt heard within 2.0 s", "no-prompt")]);
    const sender = new DtmfSender({ transport: transport(clock, sent, listener, []), clock });
    const result = await run(sender, clock, sender.send("{prompt:2}1#"));
    assert.ok(result instanceof IvrWaitError && result.reason === "no-prompt");
    assert.deepEqual(sent, []);
  });

  it("a plan with waits on a call with no audio to hear fails at once (no-audio); a plain one still runs", async () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const sender = new DtmfSender({ transport: transport(clock, sent, undefined, []), clock });
    const result = await run(sender, clock, sender.send("{prompt}1"));
    assert.ok(result instanceof IvrWaitError && result.reason === "no-audio");
    assert.equal(await run(sender, clock, sender.send("1,2")), "ok");
    assert.deepEqual(sent, ["1", "2"]);
  });

  it("close() cancels a pending wait", async () => {
    const clock = new FakeClock();
    const listener = new ScriptedListener([]);
    const sender = new DtmfSender({ transport: transport(clock, [], listener, []), clock });
    const p = sender.send("{prompt}1").catch((e: unknown) => e);
    await flush();
    sender.close();
    assert.ok(listener.cancelled instanceof InvalidStateError);
    void p;
  });
});
