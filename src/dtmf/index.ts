/** DTMF for sipcast: digit strings, RFC 4733 telephone-event packets, SIP INFO bodies, and the sequence runner. */
export * from "./dtmf-digits";
export * from "./dtmf-plan";
export * from "./dtmf-relay";
export * from "./telephone-event";
export * from "./dtmf-sender";
