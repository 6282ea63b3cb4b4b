import { DEMO_PASSWORD_MAX_BYTES, DEMO_PASSWORD_MIN_LENGTH, DEMO_PASSWORD_VARIABLE, demoLoginFromEnv, type DemoLogin } from "./demo-login";
import { demoSettingsFromEnv } from "./demo-settings";
import { startDemo, type RunningDemo } from "./launcher";
import { packageRoot } from "./package-root";

/** The line `npm start` prints once everything answers (the launcher test waits for it). */
export const READY_PREFIX = "sipcast demo ready:";

/**
 * `npm start`: reads the environment, starts the demo, prints where everything is, and stops it all
 * on Ctrl-C (SIGINT) or SIGTERM. A second Ctrl-C exits at once.
 */
export async function runDemoCli(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  let demo: RunningDemo;
  try {
    const settings = demoSettingsFromEnv(env, packageRoot());
    const login = demoLoginFromEnv(env);
    demo = await startDemo(settings, login, say);
    printBanner(demo, login, settings.account !== undefined, say);
  } catch (error) {
    // The message names what to change (a variable, a port); a stack trace would hide it.
    process.stderr.write(`sipcast demo: ${error instanceof Error ? error.message : String(error)}\n`);
    if (env.SIPCAST_DEMO_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      say(`sipcast demo: ${signal} again, exiting now`);
      process.exit(130);
    }
    say(`sipcast demo: stopping (hanging up, stopping the test meeting and the RTMP server)…`);
    demo.stop().then(
      () => {
        say("sipcast demo: stopped");
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`sipcast demo: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/**
 * Where everything is, and the login. A generated password is shown here and nowhere else (not in
 * Node-RED's log, not in the userDir): this is the one place to read it.
 */
function printBanner(demo: RunningDemo, login: DemoLogin, realAccount: boolean, say: (line: string) => void): void {
  const rows: Array<[string, string]> = [
    ["demo page", demo.pageUrl],
    ["Node-RED editor", `${demo.url}/  (Node-RED ${demo.nodeRedVersion})`],
    ["WCS REST API", `${demo.restApiUrl}/call/startup, /call/find, …`],
    ["RTMP server", `${demo.rtmpUrl}  (play: ffplay ${demo.rtmpUrl}/demo)`],
    ["HTTP-FLV", demo.flvUrl],
    ["SIP callee", demo.peerUri ? `${demo.peerUri}  (embedded test meeting)` : "your account's callee (SIPCAST_SIP_CALLEE)"],
  ];
  say("");
  for (const [name, value] of rows) say(`  ${name.padEnd(16)} ${value}`);
  say("");
  say(`  ${"log in as".padEnd(16)} user ${login.user}, password ${login.generated ? login.password : `from ${DEMO_PASSWORD_VARIABLE}`}`);
  say(
    login.generated
      ? `  (a new password at every start; set ${DEMO_PASSWORD_VARIABLE} (${DEMO_PASSWORD_MIN_LENGTH} to ${DEMO_PASSWORD_MAX_BYTES} characters) to choose your own)`
      : "  (the page, the flow's endpoints, the WCS REST API and the editor all ask for it)",
  );
  if (demo.flows === "kept-edited") say(`  (your edited flows were kept; SIPCAST_DEMO_RESET=1 writes the demo flow again)`);
  if (!realAccount) say("  Set SIPCAST_SIP_DOMAIN, SIPCAST_SIP_LOGIN, SIPCAST_SIP_PASSWORD and SIPCAST_SIP_CALLEE to call a real PBX.");
  say("  Ctrl-C stops everything.");
  say("");
  say(`${READY_PREFIX} ${demo.pageUrl}`);
}
