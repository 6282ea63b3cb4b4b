import type { FlowNode } from "./node-red-helper";

/** The flow tab every test flow lives on. */
export const TAB = "tab1";

/** The editor defaults of each node (the contract in nodes-spec.md), so tests deploy what a user would. */
export const DEFAULTS = {
  "sip-account": {
    name: "",
    login: "",
    authName: "",
    domain: "",
    port: 5060,
    outboundProxy: "",
    transport: "udp",
    registerRequired: true,
    registerExpires: 600,
    rtpPortMin: 10000,
    rtpPortMax: 20000,
    publicAddress: "",
    localAddress: "",
    dtmfType: "RFC2833",
    ffmpegPath: "",
    tlsAllowSelfSigned: false,
    srtp: "auto",
    srtpOverInsecureTransport: false,
    requestTimeout: 32,
  },
  "sip-call": { name: "", account: "", callee: "", callId: "", hasAudio: true, hasVideo: true, rtmpUrl: "", jitterBufferMs: 50 },
  "dtmf-send": { name: "", callId: "", digits: "", dtmfType: "", pauseMs: 500, initialDelayMs: 0, durationMs: 160, waitEstablished: 10 },
  "rtmp-republish": { name: "", callId: "", rtmpUrl: "", action: "start" },
  "call-status": { name: "", account: "" },
} as const;

export type OurType = keyof typeof DEFAULTS;

/** A node of `type` with its defaults, then `overrides`; config nodes get no tab and no wires. */
export function node(type: OurType, id: string, overrides: Record<string, unknown> = {}, wires: string[][] = [[]]): FlowNode {
  if (type === "sip-account") return { id, type, ...DEFAULTS[type], ...overrides };
  return { id, type, z: TAB, x: 100, y: 100, ...DEFAULTS[type], ...overrides, wires };
}

/** A test-helper sink node. */
export function sink(id: string): FlowNode {
  return { id, type: "helper", z: TAB, x: 300, y: 100, wires: [] };
}

/** A Catch node for every node of the tab (or only `scope`), wired to `to`. */
export function catchAll(id: string, to: string, scope: string[] | null = null): FlowNode {
  return { id, type: "catch", z: TAB, x: 100, y: 300, name: "", scope, uncaught: false, wires: [[to]] };
}

/**
 * A flow node: Node-RED tells flow nodes from config nodes by their x/y position, so every
 * non-config node needs one.
 */
export function flowNode(id: string, type: string, props: Record<string, unknown>, wires: string[][]): FlowNode {
  return { id, type, z: TAB, x: 200, y: 200, ...props, wires };
}

/** The tab node itself. */
export function tab(): FlowNode {
  return { id: TAB, type: "tab", label: "test" };
}

/** A unique name for a test's call or RTMP stream (node-media-server appends to a name reused within ~30 s). */
export function unique(tag: string): string {
  return `${tag}-${process.pid}-${Date.now().toString(36)}`;
}
