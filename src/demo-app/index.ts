/**
 * The `npm start` demo: Node-RED with this package's nodes and a demo flow, an embedded RTMP server
 * (RTMP + HTTP-FLV) and the embedded test meeting, all on 127.0.0.1, with a page at /sipcast/ that
 * starts and stops the demo call, sends DTMF and plays the stream. Needs the devDependencies (node-red,
 * node-media-server, mpegts.js): it runs from a clone of the repository, not from the npm package.
 */
export { startDemo, type RunningDemo } from "./launcher";
export { demoSettingsFromEnv, EMBEDDED_CALLEE, DEMO_IVR, type DemoSettings, type DemoSipAccount } from "./demo-settings";
export { demoFlow, demoCredentials, DEMO_API, DEMO_CALL_ID, DEMO_STREAM, DEMO_COPY_STREAM, DEMO_ACCOUNT_ID, REST_API_BASE, type FlowNode, type FlowCredentials, type DemoFlowInput } from "./demo-flow";
export { writeDemoFlows, FLOW_FILE, CREDENTIALS_FILE, type FlowWrite } from "./flow-files";
export { runDemoCli, READY_PREFIX } from "./run-demo";
export { demoLoginFromEnv, basicAuthHeader, basicAuthMatches, DEMO_USER, DEMO_PASSWORD_VARIABLE, DEMO_PASSWORD_MIN_LENGTH, DEMO_PASSWORD_MAX_BYTES, type DemoLogin } from "./demo-login";
export { MAX_PAGE_BODY_BYTES } from "./request-guard";
export type { PageConfig } from "./page-routes";
