/**
 * Minimal types for the parts of sdp-transform 3.0.0 that src/sdp uses.
 *
 * @remarks
 * sdp-transform 3.0.0 ships no types. `@types/sdp-transform` (2.15) is only a devDependency and
 * describes 2.x (3.0.0 turned `msid` into a list), and it types every parsed field as present.
 * The parser fills in only what it finds, so every parsed field is optional here, and fields the
 * parser passes through `toIntIfInt` are `string | number`. This ambient module takes precedence
 * over `@types/sdp-transform` when both are visible.
 */
declare module "sdp-transform" {
  /** A capture that the parser turns into a number when it looks like one ("0-16" stays a string, "1" does not). */
  export type SdpScalar = string | number;

  /** `a=rtpmap:<payload> <codec>/<rate>[/<encoding>]` */
  export interface SdpRtpMap {
    payload: number;
    codec: string;
    rate?: number;
    encoding?: SdpScalar;
  }

  /** `a=fmtp:<payload> <config>` */
  export interface SdpFmtp {
    payload: number;
    config: SdpScalar;
  }

  /** `a=rtcp-fb:<payload|*> <type> [<subtype>]` */
  export interface SdpRtcpFb {
    payload: SdpScalar;
    type: string;
    subtype?: string;
  }

  /** `a=ssrc:<id> <attribute>[:<value>]` */
  export interface SdpSsrc {
    id: SdpScalar;
    attribute: string;
    value?: SdpScalar;
  }

  /** `c=IN IP<version> <ip>` */
  export interface SdpConnection {
    version: number;
    ip: string;
  }

  /** `a=rtcp:<port> [IN IP<ipVer> <address>]` */
  export interface SdpRtcp {
    port: number;
    netType?: string;
    ipVer?: number;
    address?: string;
  }

  /** One m= section with the attributes src/sdp reads or writes. */
  export interface SdpMedia {
    type?: string;
    port?: SdpScalar;
    protocol?: string;
    payloads?: SdpScalar;
    connection?: SdpConnection;
    rtp: SdpRtpMap[];
    fmtp: SdpFmtp[];
    rtcp?: SdpRtcp;
    rtcpFb?: SdpRtcpFb[];
    rtcpMux?: string;
    ptime?: SdpScalar;
    direction?: string;
    ssrcs?: SdpSsrc[];
    crypto?: SdpCrypto[];
  }

  /** `a=crypto:<id> <suite> <config> [<sessionConfig>]` (RFC 4568) */
  export interface SdpCrypto {
    id: number;
    suite: string;
    config: string;
    sessionConfig?: string;
  }

  /** `o=<username> <sessionId> <sessionVersion> <netType> IP<ipVer> <address>` */
  export interface SdpOrigin {
    username: string;
    sessionId: SdpScalar;
    sessionVersion: number;
    netType: string;
    ipVer: number;
    address: string;
  }

  /** A whole session description as the parser returns it and the writer takes it. */
  export interface SdpSession {
    version?: number;
    origin?: SdpOrigin;
    name?: SdpScalar;
    connection?: SdpConnection;
    timing?: { start: number; stop: number };
    direction?: string;
    media: SdpMedia[];
  }

  /** Parses SDP text; never throws, lines it does not understand are skipped or kept as `invalid`. */
  export function parse(sdp: string): SdpSession;
  /** Writes a session with CRLF line ends, in RFC 4566 order (inside m=: rtpmap, fmtp, rtcp, rtcp-fb, ptime, direction, ssrc, rtcp-mux). */
  export function write(session: SdpSession): string;
  /** `a=b;c=d` → `{a: "b", c: "d"}` (numbers where they look like numbers). */
  export function parseParams(params: string): Record<string, SdpScalar | undefined>;
}
