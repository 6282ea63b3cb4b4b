/** DTMF for sipcast: digit strings and plans with waits, RFC 4733 telephone-event packets, SIP INFO bodies, and the sequence runner. */
export * from "./dtmf-digits";
export * from "./dtmf-plan";
export * from "./dtmf-relay";
export * from "./telephone-event";
export * from "./dtmf-sender";
export * from "./ivr-wait";
