/**
 * A child process for the kill -9 test: an Engine that calls the test meeting at 127.0.0.1:<port>
 * (argv[2]), records the call to <file> (argv[3]) and sends a black video slate, then prints
 * "ready" once the recording's ffmpeg writes output, and waits to be killed.
 */
import { Engine } from "../../../src";

const port = Number(process.argv[2]);
const file = process.argv[3];
const engine = new Engine({
  account: { login: "caller", domain: "127.0.0.1", port, registerRequired: false },
  localAddress: "127.0.0.1",
});
const call = engine.call({ callee: "meeting", recordPath: file, sendVideoSlate: true });
call.on("state", (e) => {
  if (e.status === "FAILED" || e.status === "FINISH") {
    process.stdout.write(`ended ${e.status} ${e.reason} ${e.detail ?? ""}\n`);
    process.exit(1);
  }
});
engine.on("publish", (e) => {
  if (e.status === "PUBLISHING") process.stdout.write("ready\n");
});
setInterval(() => undefined, 60_000);
