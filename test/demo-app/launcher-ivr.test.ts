import { strict as assert } from "node:assert";
import { DEMO_API, DEMO_CALL_ID, DEMO_IVR } from "../../src/demo-app";
import { requirePeers } from "../harness";
import { eventually, postJson, startLauncher, type LauncherProcess } from "./launcher-process";

describe("npm start with SIPCAST_DEMO_IVR=1: the test meeting asks for a meeting ID and passcode, the page's plan joins", function () {
  this.timeout(180_000);
  let launcher: LauncherProcess | undefined;

  before(() => requirePeers(["ffmpeg", "espeak-ng"]));

  after(async () => {
    await launcher?.kill();
  });

  it("the page gets the joining plan; the demo call joins through the spoken prompts; Ctrl-C stops it all", async () => {
    launcher = await startLauncher({ SIPCAST_DEMO_IVR: "1" });
    const { url, config, authHeaders: auth } = launcher;
    assert.equal(config.ivrPlan, DEMO_IVR.plan);
    assert.match(launcher.logs(), /test meeting in IVR mode: meeting ID 311705123, passcode 4321/);
    assert.deepEqual(await postJson(`${url}${DEMO_API.start}`, {}, auth), { status: 200, body: { callId: DEMO_CALL_ID } });
    await eventually(async () => {
      const state = (await (await launcher!.fetch(DEMO_API.state)).json()) as { status: string };
      return state.status === "ESTABLISHED" ? true : undefined;
    }, 20_000, "the demo call to be ESTABLISHED");
    // The first prompt comes 1–10 s after the answer and lasts about 5 s; the reply comes once joined.
    const joined = await postJson(`${url}${DEMO_API.dtmf}`, { digits: config.ivrPlan }, auth);
    assert.deepEqual(joined, { status: 200, body: { sent: DEMO_IVR.plan.toUpperCase() } }, launcher.logs().slice(-2000));
    const exit = await launcher.interrupt(30_000);
    assert.deepEqual([exit.code, exit.signal], [0, null], launcher.logs().slice(-3000));
    launcher = undefined;
  });
});
