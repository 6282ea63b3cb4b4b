/** A request path below the mount point, as the WHEP handler reads it. */
export type WhepRoute =
  | { kind: "endpoint"; stream: string }
  | { kind: "resource"; stream: string; viewerId: string }
  | { kind: "player"; stream: string };

/** Where WHEP endpoints live below the HTTP root (Node-RED's httpNodeRoot, or `/` of the CLI's server). */
export const WHEP_PATH = "sipcast/whep";
/** Where the player page lives below the HTTP root. */
export const PLAYER_PATH = "sipcast/play";

const ROUTE = /^\/sipcast\/(whep|play)\/([A-Za-z0-9._~-]{1,64})(?:\/([0-9a-f-]{36}))?\/?$/;

/** Reads a path (query removed) below the mount point; undefined when it is none of ours. */
export function whepRoute(path: string): WhepRoute | undefined {
  const m = ROUTE.exec(path.split("?")[0]);
  if (!m) return undefined;
  const [, what, stream, viewerId] = m;
  if (what === "play") return viewerId === undefined ? { kind: "player", stream } : undefined;
  return viewerId === undefined ? { kind: "endpoint", stream } : { kind: "resource", stream, viewerId };
}

/** The Location of a viewer: `root` is the HTTP root as clients see it (ends with `/`). */
export function viewerLocation(root: string, stream: string, viewerId: string): string {
  return `${withSlash(root)}${WHEP_PATH}/${encodeURIComponent(stream)}/${viewerId}`;
}

/** `root` with exactly one trailing slash. */
export function withSlash(root: string): string {
  return root.endsWith("/") ? root : `${root}/`;
}
