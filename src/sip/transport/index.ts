/**
 * The Node transports (UDP, TCP, TLS) for sip.js 0.21: `new UserAgent({ transportConstructor: SipTransport,
 * transportOptions: <SipTransportOptions> })`.
 */
export { SipTransport, type SipJsLogger } from "./sip-transport";
export type { SipHop, SipTransportOptions, SipTransportProtocol, TimerClock } from "./sip-transport-options";
export { SIP_MAX_BODY_BYTES, SIP_MAX_HEAD_BYTES, SipFramingError, SipStreamFramer } from "./stream-framer";
export { SIP_MAX_HEADER_VALUES, SIP_MAX_ROUTE_VALUES } from "./message-limits";
