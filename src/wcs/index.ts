/**
 * A Flashphoner WCS-compatible REST API core ("SIP as RTMP": /call/startup, /push/startup, …),
 * framework-agnostic: a handler from (method, path, body) to (status, body).
 */
export { WcsRestApi, WCS_METHODS, wcsMethodPath } from "./wcs-rest-api";
export type { WcsRestApiOptions, WcsRequestContext, WcsResponse } from "./wcs-options";
export type { EngineFactory } from "./engine-pool";
export type { WcsCallJson, WcsPushJson } from "./wcs-json";
export type { WcsIvrJson, WcsIvrStatus } from "./ivr-plan";
export { WcsHttpError } from "./wcs-http-error";
