import type { DemoSipAccount } from "./demo-settings";

/** One node of a Node-RED flow file. */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  x?: number;
  y?: number;
  wires?: string[][];
  [key: string]: unknown;
}

/** Credentials per node id, as Node-RED's `flows_cred.json` holds them (unencrypted in the demo). */
export type FlowCredentials = Record<string, Record<string, string>>;

/** The demo call's fixed callId: the page and the flow's HTTP endpoints act on it. */
export const DEMO_CALL_ID = "sipcast-demo";
/** The stream the demo call publishes on the embedded server (what the page plays). */
export const DEMO_STREAM = "demo";
/** The stream of the rtmp-republish node's copy when no real target is set. */
export const DEMO_COPY_STREAM = "demo-copy";

/** The flow's HTTP endpoints (http in nodes, below httpNodeRoot "/"). */
export const DEMO_API = {
  start: "/sipcast/api/start",
  stop: "/sipcast/api/stop",
  dtmf: "/sipcast/api/dtmf",
  state: "/sipcast/api/state",
} as const;

/** The WCS REST API node's base path. */
export const REST_API_BASE = "/rest-api";

/** What the flow is made from. */
export interface DemoFlowInput {
  /** The account to use: the embedded test meeting's stand-in or a real one. */
  account: DemoSipAccount;
  callee: string;
  /** `rtmp://127.0.0.1:<port>/live` of the embedded server. */
  localRtmpUrl: string;
  /** Where rtmp-republish pushes its copy (a real target, or the embedded server). */
  republishUrl: string;
  /** The copy's stream name: a literal, or `${SIPCAST_RTMP_STREAM}` so the key never lands on disk. */
  republishStream: string;
  /** Whether the account's password comes from SIPCAST_SIP_PASSWORD. */
  passwordFromEnv: boolean;
}

const TAB = "5a1c0de000000001";
const ID = {
  comment: "5a1c0de000000002",
  account: "5a1c0de000000003",
  startIn: "5a1c0de000000004",
  stopIn: "5a1c0de000000005",
  terminate: "5a1c0de000000006",
  call: "5a1c0de000000007",
  remember: "5a1c0de000000008",
  answered: "5a1c0de000000009",
  republish: "5a1c0de00000000a",
  republishLog: "5a1c0de00000000b",
  complete: "5a1c0de00000000c",
  replyCallId: "5a1c0de00000000d",
  catchRefused: "5a1c0de00000000e",
  replyError: "5a1c0de00000000f",
  reply: "5a1c0de000000010",
  dtmfIn: "5a1c0de000000011",
  digits: "5a1c0de000000012",
  dtmf: "5a1c0de000000013",
  replySent: "5a1c0de000000014",
  stateIn: "5a1c0de000000015",
  lastState: "5a1c0de000000016",
  status: "5a1c0de000000017",
  statusLog: "5a1c0de000000018",
  wcs: "5a1c0de000000019",
  catchOther: "5a1c0de00000001a",
  errorLog: "5a1c0de00000001b",
  wcsComment: "5a1c0de00000001c",
} as const;

/** The Node-RED id of the demo's sip-account node (the one to edit for a real account). */
export const DEMO_ACCOUNT_ID = ID.account;

function node(id: string, type: string, x: number, y: number, props: Record<string, unknown>, wires: string[][] = []): FlowNode {
  return { id, type, z: TAB, name: "", ...props, x, y, wires };
}

function change(id: string, name: string, x: number, y: number, rules: Array<Record<string, unknown>>, to: string[]): FlowNode {
  return node(id, "change", x, y, { name, rules, action: "", property: "", from: "", to: "", reg: false }, [to]);
}

function httpIn(id: string, name: string, url: string, method: "post" | "get", x: number, y: number, to: string): FlowNode {
  return node(id, "http in", x, y, { name, url, method, upload: false, swaggerDoc: "" }, [[to]]);
}

function debug(id: string, name: string, x: number, y: number): FlowNode {
  return node(id, "debug", x, y, { name, active: true, tosidebar: true, console: false, tostatus: false, complete: "true", targetType: "full", statusVal: "", statusType: "auto" });
}

const INFO = `The demo call: the page at /sipcast/ posts to the http in nodes below.

* **sip call** dials the callee with the **demo account** and publishes the call to the embedded RTMP server
  (the page plays it as HTTP-FLV);
* when the call is answered, **rtmp republish** pushes a second copy (to SIPCAST_RTMP_URL when set);
* **dtmf send** sends the digits the page posts; **call status** logs every call to the debug sidebar;
* **WCS REST API** answers Flashphoner WCS clients under ${REST_API_BASE}.

The page, these endpoints, the WCS REST API and the editor ask for the login \`npm start\` printed
(user \`admin\`; set SIPCAST_DEMO_PASSWORD to choose its secret).

To use your own PBX, edit the **demo account** (and the callee of **sip call**) and deploy, or start
\`npm start\` with SIPCAST_SIP_DOMAIN, SIPCAST_SIP_LOGIN, SIPCAST_SIP_PASSWORD and SIPCAST_SIP_CALLEE.`;

/**
 * The demo flow: the page's endpoints (start, stop, DTMF, state) around a sip-call node, an
 * rtmp-republish copy once answered, dtmf-send, call-status, and the WCS REST API node.
 */
export function demoFlow(input: DemoFlowInput): FlowNode[] {
  const a = input.account;
  return [
    { id: TAB, type: "tab", label: "sipcast demo", disabled: false, info: "" },
    node(ID.comment, "comment", 230, 40, { name: "sipcast demo: call → RTMP, DTMF, WCS REST API", info: INFO }),
    {
      id: ID.account,
      type: "sip-account",
      name: "demo account",
      login: a.login,
      authName: a.authName,
      domain: a.domain,
      port: a.port,
      outboundProxy: a.outboundProxy,
      transport: a.transport,
      registerRequired: a.registerRequired,
      registerExpires: 600,
      rtpPortMin: 10000,
      rtpPortMax: 20000,
      publicAddress: a.publicAddress,
      localAddress: a.localAddress,
      dtmfType: "RFC2833",
      ffmpegPath: "",
      tlsAllowSelfSigned: false,
      requestTimeout: 32,
    },
    // Start and stop: the sip-call node places the call (fixed callId), publishes it locally and makes
    // it watchable over WebRTC (toStream; the demo's login is httpNodeAuth, which guards the viewers).
    httpIn(ID.startIn, "POST start", DEMO_API.start, "post", 130, 100, ID.call),
    httpIn(ID.stopIn, "POST stop", DEMO_API.stop, "post", 130, 160, ID.terminate),
    change(ID.terminate, "terminate", 320, 160, [{ t: "set", p: "terminate", pt: "msg", to: "true", tot: "bool" }], [ID.call]),
    node(
      ID.call,
      "sip-call",
      520,
      130,
      { name: "demo call", account: ID.account, callee: input.callee, callId: DEMO_CALL_ID, hasAudio: true, hasVideo: true, rtmpUrl: `${input.localRtmpUrl}/${DEMO_STREAM}`, toStream: DEMO_STREAM },
      [[ID.remember, ID.answered]],
    ),
    change(ID.remember, "remember the call's state", 780, 100, [{ t: "set", p: "demoCall", pt: "flow", to: "payload", tot: "msg" }], []),
    node(ID.answered, "switch", 730, 160, { name: "answered?", property: "topic", propertyType: "msg", rules: [{ t: "eq", v: "ESTABLISHED", vt: "str" }], checkall: "true", repair: false, outputs: 1 }, [
      [ID.republish],
    ]),
    node(ID.republish, "rtmp-republish", 920, 160, { name: "copy to RTMP target", callId: "", rtmpUrl: input.republishUrl, action: "start" }, [[ID.republishLog]]),
    debug(ID.republishLog, "republish", 1110, 160),
    // Replies: once the call is placed (or ended), or the error that refused the request.
    node(ID.complete, "complete", 140, 240, { name: "request done", scope: [ID.call], uncaught: false }, [[ID.replyCallId]]),
    change(ID.replyCallId, "reply {callId}", 340, 240, [{ t: "set", p: "payload", pt: "msg", to: '{"callId": callId}', tot: "jsonata" }], [ID.reply]),
    node(ID.catchRefused, "catch", 140, 300, { name: "request refused", scope: [ID.call, ID.dtmf], uncaught: false }, [[ID.replyError]]),
    change(
      ID.replyError,
      "reply 409 {error}",
      340,
      300,
      [
        { t: "set", p: "statusCode", pt: "msg", to: "409", tot: "num" },
        { t: "set", p: "payload", pt: "msg", to: '{"error": $replace(error.message, /^Error: /, "")}', tot: "jsonata" },
      ],
      [ID.reply],
    ),
    node(ID.reply, "http response", 970, 300, { name: "reply", statusCode: "", headers: {} }),
    // DTMF: the page posts {"digits": "12#"}.
    httpIn(ID.dtmfIn, "POST dtmf", DEMO_API.dtmf, "post", 130, 380, ID.digits),
    change(ID.digits, "digits from the body", 340, 380, [{ t: "set", p: "digits", pt: "msg", to: "payload.digits", tot: "msg" }], [ID.dtmf]),
    node(
      ID.dtmf,
      "dtmf-send",
      560,
      380,
      { name: "", callId: DEMO_CALL_ID, digits: "", dtmfType: "", pauseMs: 300, initialDelayMs: 0, durationMs: 160, waitEstablished: 10 },
      [[ID.replySent]],
    ),
    change(ID.replySent, "reply {sent}", 750, 380, [{ t: "set", p: "payload", pt: "msg", to: '{"sent": dtmf.digits}', tot: "jsonata" }], [ID.reply]),
    // State: what the page polls.
    httpIn(ID.stateIn, "GET state", DEMO_API.state, "get", 130, 440, ID.lastState),
    change(
      ID.lastState,
      "the call's last state",
      340,
      440,
      [{ t: "set", p: "payload", pt: "msg", to: '$exists($flowContext("demoCall")) ? $flowContext("demoCall") : {"status": "IDLE"}', tot: "jsonata" }],
      [ID.reply],
    ),
    node(ID.status, "call-status", 130, 520, { name: "every call", account: "" }, [[ID.statusLog]]),
    debug(ID.statusLog, "call events", 330, 520),
    node(ID.catchOther, "catch", 560, 520, { name: "other errors", scope: [ID.republish], uncaught: false }, [[ID.errorLog]]),
    debug(ID.errorLog, "errors", 750, 520),
    node(ID.wcsComment, "comment", 230, 600, { name: "WCS REST API: POST /rest-api/call/startup, …", info: "See the node's help; the README has curl examples against the test meeting." }),
    node(ID.wcs, "wcs-rest-api", 140, 650, {
      name: "WCS REST API",
      basePath: REST_API_BASE,
      localRtmpUrl: input.localRtmpUrl,
      streamNamePrefix: "",
      defaultDtmfType: "RFC2833",
      localAddress: a.localAddress,
      publicAddress: a.publicAddress,
      rtpPortMin: 10000,
      rtpPortMax: 20000,
      // The launcher checks the demo's login on every node route and sets httpNodeAuth: the node
      // relies on that instead of a credential of its own.
      auth: "httpNodeAuth",
    }),
  ];
}

/** The flow's credentials: placeholders Node-RED fills from the environment, never the secrets themselves. */
export function demoCredentials(input: DemoFlowInput): FlowCredentials {
  return {
    ...(input.passwordFromEnv ? { [ID.account]: { password: "${SIPCAST_SIP_PASSWORD}" } } : {}),
    ...(input.republishStream ? { [ID.republish]: { rtmpStream: input.republishStream } } : {}),
  };
}
