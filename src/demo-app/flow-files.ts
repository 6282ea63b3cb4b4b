import * as fs from "node:fs";
import * as path from "node:path";
import type { FlowCredentials, FlowNode } from "./demo-flow";

/** The flow file names in the demo's userDir (Node-RED's `flowFile` and its credentials file). */
export const FLOW_FILE = "flows.json";
export const CREDENTIALS_FILE = "flows_cred.json";
/** A copy of the flow file as the launcher last wrote it: when flows.json still equals it, nobody edited it. */
const WRITTEN_COPY = ".sipcast-demo-flows.json";

/** What {@link writeDemoFlows} did. */
export type FlowWrite = "written" | "kept-edited";

/**
 * Puts the demo flow into `userDir`, unless the user has deployed changes to the one written last time
 * (then their flows are kept, so edits in the editor survive a restart). `reset` writes it regardless.
 */
export function writeDemoFlows(userDir: string, flow: FlowNode[], credentials: FlowCredentials, reset: boolean): FlowWrite {
  fs.mkdirSync(userDir, { recursive: true });
  const flowPath = path.join(userDir, FLOW_FILE);
  const copyPath = path.join(userDir, WRITTEN_COPY);
  const current = readText(flowPath);
  const lastWritten = readText(copyPath);
  if (!reset && current !== undefined && normalised(current) !== normalised(lastWritten)) return "kept-edited";
  const text = `${JSON.stringify(flow, null, 4)}\n`;
  fs.writeFileSync(flowPath, text);
  fs.writeFileSync(copyPath, text);
  // Only placeholders such as ${SIPCAST_SIP_PASSWORD} go here; Node-RED fills them from the environment.
  fs.writeFileSync(path.join(userDir, CREDENTIALS_FILE), `${JSON.stringify(credentials, null, 4)}\n`, { mode: 0o600 });
  return "written";
}

/** The JSON without formatting (Node-RED writes the file in its own layout when a flow is deployed). */
function normalised(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
