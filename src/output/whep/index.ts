export { StreamRegistry, checkStreamName, DEFAULT_MAX_VIEWERS, MAX_MAX_VIEWERS, type StreamRegistryOptions, type StreamJson } from "./stream-registry";
export { handleWhepRequest, isSdpContentType, MAX_WHEP_OFFER_BYTES, type WhepAccess, type WhepHandlerOptions } from "./whep-handler";
export { WHEP_PATH, PLAYER_PATH, whepRoute, viewerLocation, type WhepRoute } from "./whep-routes";
export { WhepError } from "./whep-error";
export { DEFAULT_ICE_TIMEOUT_MS, MAX_ICE_TIMEOUT_MS, resolveWhepNetwork, type WhepNetwork, type WhepNetworkOptions } from "./whep-network";
export { WhepViewer, type WhepViewerJson, type ViewerState, type ViewerCloseReason } from "./whep-viewer";
export type { StreamSource, RtpListener } from "./stream-source";
export { narrowOffer, type ViewerFormat, type NarrowedOffer } from "./offer-formats";
export { playerPage } from "./player-page";
