/**
 * Request bodies exactly as Flashphoner documents them, quoted as JSON literals. The tests copy them
 * and replace only what names this machine's peers (addresses, ports, accounts, stream names made
 * unique per run); every field name and value type (string booleans, string ports) is kept.
 */

/**
 * WCS "Stream capturing from a SIP call" / "SIP as RTMP", REST-methods table, `/call/startup`
 * example (docs.flashphoner.com, WCS5 "From a SIP call").
 */
export type DocCallStartup = {
  callId: string;
  callee: string;
  toStream: string;
  rtmpUrl: string;
  rtmpStream: string;
  hasAudio: string;
  hasVideo: string;
  sipLogin: string;
  sipAuthenticationName: string;
  sipPassword: string;
  sipDomain: string;
  sipOutboundProxy: string;
  sipPort: string;
  appKey: string;
  sipRegisterRequired: string;
};

export const DOC_CALL_STARTUP = JSON.parse(`{
   "callId":"123456711",
   "callee":"10000",
   "toStream":"stream1",
   "rtmpUrl":"rtmp://localhost:1935/live/",
   "rtmpStream":"rtmp_stream1",
   "hasAudio":"true",
   "hasVideo":"true",
   "sipLogin":"10009",
   "sipAuthenticationName":"10009",
   "sipPassword":"1234",
   "sipDomain":"226.226.225.226",
   "sipOutboundProxy":"226.226.225.226",
   "sipPort":"5060",
   "appKey":"defaultApp",
   "sipRegisterRequired":"false"
}`) as DocCallStartup;

/** Same table, `/call/find` request examples. */
export const DOC_CALL_FIND_BY_STATUS = JSON.parse(`{"status" : "ESTABLISHED"}`) as Record<string, string>;
export const DOC_CALL_FIND_BY_ID = JSON.parse(`{"callId":"R08NQya-5NMe5v7q-JNkboaS-CGMlFi"}`) as Record<string, string>;

/** The `/call/find` response example: the field names of a WCS call object. */
export const DOC_CALL_OBJECT_FIELDS = Object.keys(
  JSON.parse(`{
"custom": {},
"nodeId": null,
"appKey": null,
"sessionId": null,
"callId": "R08NQya-5NMe5v7q-JNkboaS-CGMlFi",
"parentCallId": null,
"incoming": false,
"status": "ESTABLISHED",
"sipStatus": 200,
"rtmpUrl": null,
"rtmpStream": null,
"streamName": null,
"rtmpStreamStatus": null,
"caller": "001",
"callee": "002",
"hasAudio": true,
"hasVideo": false,
"sdp": null,
"visibleName": "001",
"inviteParameters": null,
"mediaProvider": "Flash",
"sipMessageRaw": null,
"isMsrp": false,
"target": null,
"holdForTransfer": false
}`) as Record<string, unknown>,
);

/**
 * WCS "Republishing to other RTMP server", `/push/startup` request example. (The documentation's
 * block lacks the comma after `false`; it is added here, as any client must.)
 */
export const DOC_PUSH_STARTUP = JSON.parse(`{
"streamName": "name",
"rtmpUrl": "rtmp://localhost:1935/live",
"rtmpTransponderFullUrl": false,
"options": {}
}`) as { streamName: string; rtmpUrl: string; rtmpTransponderFullUrl: boolean; options: Record<string, unknown> };

/** Its response example's field names. */
export const DOC_PUSH_OBJECT_FIELDS = Object.keys(
  JSON.parse(`{
"mediaSessionId": "eume87rjk3df1i9u14elffga6t",
"streamName": "rtmp_name",
"rtmpUrl": "rtmp://localhost:1935/live",
"width": 320,
"height": 240,
"muted": false,
"soundEnabled": false,
"options": {}
}`) as Record<string, unknown>,
);

/** `/push/find` and `/push/terminate` request examples. */
export const DOC_PUSH_FIND = JSON.parse(`{
"streamName": "name",
"rtmpUrl": "rtmp://localhost:1935/live"
}`) as Record<string, string>;
export const DOC_PUSH_TERMINATE = JSON.parse(`{
"mediaSessionId": "eume87rjk3df1i9u14elffga6t"
}`) as Record<string, string>;

/**
 * The bodies flashphoner_client's "SIP as RTMP" demo page builds (examples/demo/sip/sip-as-rtmp-2):
 * `/call/send_dtmf` `{ callId, dtmf, type: "RFC2833" }` and `/call/terminate` `{ callId }`.
 */
export const DEMO_SEND_DTMF = { callId: "R08NQya-5NMe5v7q-JNkboaS-CGMlFi", dtmf: "1", type: "RFC2833" };
export const DEMO_TERMINATE = { callId: "R08NQya-5NMe5v7q-JNkboaS-CGMlFi" };

/**
 * The legacy API of the older "SIP as RTMP" demo (examples/demo/sip/sip-as-rtmp, base `/RESTCall`):
 * `/call` with the SIP fields in `connection`, then `/getStatus`, `/sendDTMF` and `/hangup` with
 * `{ callId }` (+ `dtmf`, `type`). Values are what its form fields hold (strings).
 */
export const DEMO_LEGACY_CALL = {
  rtmpStream: "stream1",
  hasAudio: "true",
  hasVideo: "true",
  callId: "aBcDeF-gHiJkL-mNoPqR-sTuVwX",
  rtmpUrl: "rtmp://localhost:1935/live",
  connection: {
    sipLogin: "10009",
    sipAuthenticationName: "10009",
    sipPassword: "1234",
    sipPort: "5060",
    sipDomain: "226.226.225.226",
    sipOutboundProxy: "226.226.225.226",
    appKey: "defaultApp",
    sipRegisterRequired: "false",
  },
  callee: "10000",
};
