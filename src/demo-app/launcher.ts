import * as http from "node:http";
import * as path from "node:path";
import * as fs from "node:fs";
import { redactRtmpUrl } from "../index";
import { startTestMeetingPeer, type TestMeetingPeer } from "../test-peer";
import { DEMO_API, DEMO_COPY_STREAM, DEMO_STREAM, REST_API_BASE, demoCredentials, demoFlow, type DemoFlowInput } from "./demo-flow";
import { basicAuthHeader, type DemoLogin } from "./demo-login";
import { DEMO_IVR, type DemoSettings, type DemoSipAccount } from "./demo-settings";
import { FLOW_FILE, writeDemoFlows, type FlowWrite } from "./flow-files";
import { resolvePort } from "./free-port";
import { bcryptHash, loadNodeRed, type NodeRedModule } from "./node-red-host";
import { packageRoot } from "./package-root";
import { isPagePath, pageHandler, type PageConfig } from "./page-routes";
import { foreignOriginRefusal, loginRefusal, pageBodyRefusal, refuse } from "./request-guard";
import { startDemoRtmpServer, type DemoRtmpServer } from "./rtmp-server";

/** Node-RED's store of editor login tokens in its userDir (its localfilesystem storage). */
const SESSIONS_FILE = ".sessions.json";

/** The running demo. */
export interface RunningDemo {
  /** `http://127.0.0.1:<port>`: the Node-RED editor. */
  readonly url: string;
  /** The demo page, `<url>/sipcast/`. */
  readonly pageUrl: string;
  /** The WCS REST API, `<url>/rest-api`. */
  readonly restApiUrl: string;
  /** The embedded RTMP server's application URL. */
  readonly rtmpUrl: string;
  /** HTTP-FLV of the demo stream. */
  readonly flvUrl: string;
  /** The embedded test meeting's address, when it runs. */
  readonly peerUri: string | undefined;
  /** Whether the demo flow was written or the user's edited flows were kept. */
  readonly flows: FlowWrite;
  readonly nodeRedVersion: string;
  /** Stops Node-RED (its nodes hang up), the test meeting and the RTMP server. Idempotent. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/**
 * Starts the demo: the embedded RTMP server (RTMP + HTTP-FLV), the embedded test meeting (unless a real
 * account is set), and Node-RED with this package's nodes and the demo flow on an HTTP server of its own,
 * with the page at /sipcast/. Everything listens on 127.0.0.1. Resolves once the flow answers.
 *
 * Everything that can place a call, publish or change the flows needs `login`: Node-RED's editor and
 * admin API through its `adminAuth`, the page and every route of Node-RED's node app (the flow's
 * http in nodes, the WCS REST API) through HTTP Basic authentication checked here, because Node-RED
 * embedded with `RED.init` does not apply `httpNodeAuth` (only the `node-red` command mounts it).
 * Requests from other web pages are refused before any of that, and the page's state-changing
 * endpoints take only a small JSON body. `httpAdminCors` and `httpNodeCors` stay unset; Node-RED's
 * admin app still answers `Access-Control-Allow-Origin: *` to whatever reaches it, but requests from
 * other origins, CORS preflights included, are refused before they do.
 *
 * @remarks Node-RED can be initialised once per process, so this runs once per process.
 */
export async function startDemo(settings: DemoSettings, login: DemoLogin, say: (line: string) => void = () => undefined): Promise<RunningDemo> {
  const root = packageRoot();
  if (!fs.existsSync(path.join(root, "nodes", "wcs-rest-api.js"))) throw new Error("the nodes are not built: run `npm run build` first");
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => say(`stop: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  try {
    const rtmp = await startDemoRtmpServer({
      rtmpPort: await resolvePort(settings.rtmpPort),
      flvPort: await resolvePort(settings.flvPort),
      storeDir: path.join(settings.userDir, "rtmp-store"),
      onLine: (line) => say(`[rtmp] ${line}`),
    });
    stops.push(() => rtmp.stop());

    let peer: TestMeetingPeer | undefined;
    if (!settings.account) {
      const ivr = settings.ivr ? { ivr: { meetingId: DEMO_IVR.meetingId, passcode: DEMO_IVR.passcode, firstPromptDelayMs: { ...DEMO_IVR.firstPromptDelayMs }, seed: Date.now() % 1_000_000 } } : {};
      peer = await startTestMeetingPeer({ sipPort: settings.peerSipPort, ...ivr }).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(/EADDRINUSE/.test(message) ? `UDP port ${settings.peerSipPort} is taken: set SIPCAST_DEMO_SIP_PORT to another port` : `the test meeting could not start: ${message}`);
      });
      const started = peer;
      stops.push(() => started.stop());
      if (settings.ivr) say(`test meeting in IVR mode: meeting ID ${DEMO_IVR.meetingId}, passcode ${DEMO_IVR.passcode}; the page's "Join through the IVR" sends ${DEMO_IVR.plan}`);
    }
    const flowInput = flowInputOf(settings, rtmp, peer);
    const flows = writeDemoFlows(settings.userDir, demoFlow(flowInput), demoCredentials(flowInput), settings.resetFlows);

    const RED = loadNodeRed();
    const page = pageHandler({
      pageDir: path.join(root, "src", "demo-app", "page"),
      playerFile: require.resolve("mpegts.js/dist/mpegts.js"),
      config: pageConfig(settings, rtmp, flowInput, peer),
      digits: () => peer?.digits() ?? [],
    });
    let ownOrigins: string[] = [];
    const server = http.createServer((req, res) => {
      if (refuse(res, foreignOriginRefusal(req, ownOrigins))) return;
      const forPage = isPagePath(req.url ?? "/");
      if (forPage && (refuse(res, loginRefusal(req, login)) || refuse(res, pageBodyRefusal(req)) || page(req, res))) return;
      // Both applications at "/", as Node-RED's own red.js mounts them: the admin app (which checks its
      // own adminAuth) falls through to the node app, which gets the login check red.js would mount.
      RED.httpAdmin(req, res, () => {
        if (!forPage && refuse(res, loginRefusal(req, login))) return;
        RED.httpNode(req, res, () => {
          res.statusCode = 404;
          res.setHeader("Content-Type", "text/plain; charset=utf-8");
          res.end("Not found");
        });
      });
    });
    await listen(server, settings.httpPort);
    stops.push(() => closeServer(server));
    const port = (server.address() as { port: number }).port;
    const url = `http://${HOST}:${port}`;
    ownOrigins = [url, `http://localhost:${port}`];

    // Editor sessions of an earlier start (another password) are not carried over.
    fs.rmSync(path.join(settings.userDir, SESSIONS_FILE), { force: true });
    RED.init(server, nodeRedSettings(settings, root, port, login));
    await RED.start();
    stops.push(() => RED.stop());
    await untilFlowAnswers(`${url}${DEMO_API.state}`, basicAuthHeader(login.user, login.password), 60_000);

    let stopping: Promise<void> | undefined;
    return {
      url,
      pageUrl: `${url}/sipcast/`,
      restApiUrl: `${url}${REST_API_BASE}`,
      rtmpUrl: rtmp.rtmpUrl,
      flvUrl: rtmp.flvUrl(DEMO_STREAM),
      peerUri: peer?.uri,
      flows,
      nodeRedVersion: versionOf(RED, root),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The account the flow uses: the real one, or one that calls the test meeting without registering. */
function flowInputOf(settings: DemoSettings, rtmp: DemoRtmpServer, peer: TestMeetingPeer | undefined): DemoFlowInput {
  const embedded: DemoSipAccount = {
    login: "demo",
    authName: "",
    domain: HOST,
    port: peer?.sipPort ?? 5060,
    transport: "udp",
    outboundProxy: "",
    registerRequired: false,
    localAddress: HOST,
    publicAddress: "",
    hasPassword: false,
  };
  const account = settings.account ?? embedded;
  return {
    account,
    callee: settings.callee,
    localRtmpUrl: rtmp.rtmpUrl,
    republishUrl: settings.rtmpTargetUrl ?? rtmp.rtmpUrl,
    republishStream: settings.rtmpTargetUrl === undefined ? DEMO_COPY_STREAM : settings.rtmpTargetHasStream ? "${SIPCAST_RTMP_STREAM}" : "",
    passwordFromEnv: account.hasPassword,
  };
}

function pageConfig(settings: DemoSettings, rtmp: DemoRtmpServer, flow: DemoFlowInput, peer: TestMeetingPeer | undefined): PageConfig {
  const target = settings.rtmpTargetUrl === undefined ? `${rtmp.rtmpUrl}/${DEMO_COPY_STREAM}` : settings.rtmpTargetHasStream ? settings.rtmpTargetUrl : redactRtmpUrl(settings.rtmpTargetUrl);
  return {
    flvUrl: rtmp.flvUrl(DEMO_STREAM),
    whepUrl: `/sipcast/whep/${DEMO_STREAM}`,
    rtmpUrl: `${rtmp.rtmpUrl}/${DEMO_STREAM}`,
    callee: peer ? `${peer.user}@${HOST}:${peer.sipPort}` : `${flow.callee}@${flow.account.domain}`,
    embeddedPeer: peer !== undefined,
    republishTarget: target.replace(/^(rtmps?:\/\/)[^@/]*@/i, "$1"),
    restApi: REST_API_BASE,
    api: { ...DEMO_API },
    ...(peer && settings.ivr ? { ivrPlan: DEMO_IVR.plan } : {}),
  };
}

/**
 * Node-RED's settings: loopback only, this package's nodes from the repository, the demo userDir, and
 * the login as a bcrypt hash (never the password itself). `httpAdminCors` and `httpNodeCors` stay unset.
 */
function nodeRedSettings(settings: DemoSettings, root: string, port: number, login: DemoLogin): Record<string, unknown> {
  const hash = bcryptHash(login.password);
  return {
    adminAuth: { type: "credentials", users: [{ username: login.user, password: hash, permissions: "*" }] },
    // Not mounted by RED.init (the launcher checks the same login itself), but set so that nodes, such
    // as wcs-rest-api with auth "httpNodeAuth", see that the node routes are protected.
    httpNodeAuth: { user: login.user, pass: hash },
    // The flows' WebRTC viewers (sip-call's toStream): ICE on every interface unless SIPCAST_DEMO_WHEP_ADDRESS names one.
    ...(settings.whepAddress ? { sipcastWhep: { bindAddress: settings.whepAddress } } : {}),
    uiHost: HOST,
    uiPort: port,
    httpAdminRoot: "/",
    httpNodeRoot: "/",
    userDir: settings.userDir,
    // Node-RED 4 scans a folder with a package.json "node-red" section as a module: nodes, icons, examples.
    nodesDir: [root],
    flowFile: FLOW_FILE,
    // The demo's credentials file holds only ${ENV} placeholders; anything typed in the editor stays in
    // .run/ (gitignored), unencrypted.
    credentialSecret: false,
    flowFilePretty: true,
    logging: { console: { level: settings.logLevel, metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false }, page: { title: "sipcast demo · Node-RED" } },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { palette: { allowInstall: false } },
  };
}

function versionOf(RED: NodeRedModule, root: string): string {
  try {
    // package.json rather than RED.version(): 4.x appends "-git" inside a git checkout.
    return (JSON.parse(fs.readFileSync(require.resolve("node-red/package.json", { paths: [root] }), "utf8")) as { version: string }).version;
  } catch {
    return RED.version();
  }
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${HOST}:${port} is taken: set SIPCAST_DEMO_PORT to another port`) : error);
    server.once("error", onError);
    server.listen(port, HOST, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Polls the flow's state endpoint: Node-RED starts the flows after `start()` resolves. */
async function untilFlowAnswers(url: string, authorization: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const req = http.get(url, { headers: { Authorization: authorization } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", () => resolve(0));
    });
    if (status === 200) return;
    if (Date.now() > end) throw new Error(`the demo flow did not start within ${timeoutMs} ms (${url} answered ${status || "nothing"})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
