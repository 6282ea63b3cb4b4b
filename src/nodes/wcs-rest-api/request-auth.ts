import { parseAuthorization, sameSecret } from "node-red-contrib-sipcast";

/**
 * How a wcs-rest-api node authenticates its requests (the node's `auth` field):
 * - "credential" (the default, also for flows saved before the field existed): the node's own
 *   credentials, a bearer token and/or a Basic user name and password;
 * - "httpNodeAuth": Node-RED's `httpNodeAuth` protects the route, and the node checks it got that;
 * - "none": no authentication (for an authenticating reverse proxy in front); said in status and log.
 */
export type WcsAuthMode = "credential" | "httpNodeAuth" | "none";

export const WCS_AUTH_MODES: readonly WcsAuthMode[] = ["credential", "httpNodeAuth", "none"];

/** The node's credentials as Node-RED hands them over (any may be absent or ""). */
export interface WcsCredentials {
  token?: string;
  username?: string;
  password?: string;
}

/** What the node decided once, at deploy, from its mode, its credentials and the runtime settings. */
export type AuthPlan =
  /** Misconfigured: every request is refused with 503 and `reason`. */
  | { kind: "refuse"; reason: string; short: string }
  | { kind: "credential"; token?: string; basic?: { username: string; password: string }; advice?: string }
  /** `user`: httpNodeAuth's user name when it is the `{user, pass}` form. */
  | { kind: "httpNodeAuth"; user?: string }
  | { kind: "none" };

/** The answer to one request's Authorization header. */
export type AuthVerdict =
  | { ok: true }
  | {
      ok: false;
      status: 401 | 503;
      message: string;
      /** `WWW-Authenticate` values (401 only). */
      challenges: string[];
      /** Set when the refusal shows the deployment is wrong (httpNodeAuth not applied in front). */
      misdeployed?: string;
    };

const REALM = "sipcast WCS REST API";
/** Below this many characters a token draws a warning at deploy. */
export const MIN_TOKEN_LENGTH = 16;
/** The realm of Node-RED's own httpNodeAuth middleware (node-red/red.js basicAuthMiddleware). */
const NODE_RED_REALM = "Authorization Required";

/** The mode of a saved node: absent or unknown values mean "credential" (authenticated by default). */
export function authMode(value: unknown): WcsAuthMode {
  return WCS_AUTH_MODES.find((m) => m === value) ?? "credential";
}

/**
 * Decides how requests will be checked. `httpNodeAuth` is `RED.settings.httpNodeAuth`: a
 * `{user, pass}` object, or a middleware function (or array) of the embedding application's.
 */
export function authPlan(mode: WcsAuthMode, credentials: WcsCredentials, httpNodeAuth: unknown): AuthPlan {
  if (mode === "none") return { kind: "none" };
  if (mode === "httpNodeAuth") {
    if (!httpNodeAuth) {
      return {
        kind: "refuse",
        short: "refusing: httpNodeAuth is not set",
        reason: 'authentication is "httpNodeAuth" but Node-RED\'s httpNodeAuth setting is not set: every request is refused',
      };
    }
    const user = typeof httpNodeAuth === "object" && !Array.isArray(httpNodeAuth) ? (httpNodeAuth as { user?: unknown }).user : undefined;
    return { kind: "httpNodeAuth", ...(typeof user === "string" ? { user } : {}) };
  }
  const token = credentials.token || undefined;
  const { username, password } = credentials;
  const basic = username && password ? { username, password } : undefined;
  if (!token && !basic) {
    const half = username || password ? " (a Basic pair needs both the username and the password)" : "";
    return {
      kind: "refuse",
      short: "refusing: no credential set",
      reason: `no credential is set${half}: every request is refused. Set a token or a username and password in the node, or choose the authentication "httpNodeAuth" or "none"`,
    };
  }
  // Nothing slows down guessing over HTTP: a short token is a weak one (said without showing it).
  const advice = token && token.length < MIN_TOKEN_LENGTH ? `the token is shorter than ${MIN_TOKEN_LENGTH} characters: use a long random one (e.g. openssl rand -hex 32)` : undefined;
  return { kind: "credential", ...(token ? { token } : {}), ...(basic ? { basic } : {}), ...(advice ? { advice } : {}) };
}

/** Checks one request's `Authorization` header against the plan. The secret never appears in the answer. */
export function checkAuthorization(plan: AuthPlan, header: string | undefined): AuthVerdict {
  switch (plan.kind) {
    case "none":
      return { ok: true };
    case "refuse":
      return { ok: false, status: 503, message: `the REST API is not available: ${plan.reason}`, challenges: [] };
    case "httpNodeAuth":
      return checkBehindHttpNodeAuth(plan.user, header);
    case "credential":
      return checkCredential(plan, header);
  }
}

function checkCredential(plan: { token?: string; basic?: { username: string; password: string } }, header: string | undefined): AuthVerdict {
  const challenges = [...(plan.token ? [`Bearer realm="${REALM}"`] : []), ...(plan.basic ? [`Basic realm="${REALM}", charset="UTF-8"`] : [])];
  const given = parseAuthorization(header);
  if (!given) return { ok: false, status: 401, message: "authentication required", challenges };
  let ok = false;
  if (given.scheme === "bearer" && plan.token) ok = sameSecret(given.token, plan.token);
  if (given.scheme === "basic" && plan.basic) {
    // Both compared every time, so the time taken does not tell which one was wrong.
    const userOk = sameSecret(given.username, plan.basic.username);
    const passwordOk = sameSecret(given.password, plan.basic.password);
    ok = userOk && passwordOk;
  }
  return ok ? { ok: true } : { ok: false, status: 401, message: "invalid credentials", challenges };
}

/**
 * Behind httpNodeAuth the middleware in front has already checked the password; the node sees only
 * what got through. A request with no Authorization header (or, with the `{user, pass}` form, another
 * user's) could not have passed that middleware: it was not in front, as when Node-RED is embedded
 * with `RED.init`, which leaves applying httpNodeAuth to the embedding application.
 */
function checkBehindHttpNodeAuth(user: string | undefined, header: string | undefined): AuthVerdict {
  const given = parseAuthorization(header);
  const challenges = [`Basic realm="${NODE_RED_REALM}"`];
  const misdeployed = "a request without valid httpNodeAuth credentials reached the node: httpNodeAuth is not applied in front of it";
  if (!given) return { ok: false, status: 401, message: "authentication required", challenges, misdeployed };
  if (user !== undefined && (given.scheme !== "basic" || !sameSecret(given.username, user))) {
    return { ok: false, status: 401, message: "invalid credentials", challenges, misdeployed };
  }
  return { ok: true };
}

// Shared with the demo's login check; re-exported for this node's tests.
export { parseAuthorization, sameSecret };
