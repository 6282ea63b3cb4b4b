/**
 * `npm start`: Node-RED on http://127.0.0.1:1880 with this package's nodes and a demo flow, an embedded
 * RTMP server (rtmp://127.0.0.1:1935/live, HTTP-FLV on :8000) and the embedded "test meeting" SIP peer;
 * the page http://127.0.0.1:1880/sipcast/ starts the demo call, sends DTMF and plays the stream.
 * The page, the flow's endpoints, the WCS REST API and the editor ask for the user "admin" and a password
 * generated at every start and printed once (or SIPCAST_DEMO_PASSWORD).
 * Ctrl-C stops everything. Settings: see src/demo-app/demo-settings.ts (SIPCAST_DEMO_PORT, …).
 */
import { runDemoCli } from "../src/demo-app";

void runDemoCli();
