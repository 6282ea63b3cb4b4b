/** A flow node as the admin API returns it (only what the tests read). */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  [key: string]: unknown;
}

/** Headers for an admin API request: a bearer token from {@link adminToken} when Node-RED has `adminAuth`. */
function authHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

/**
 * Logs in to a Node-RED with `adminAuth` of type "credentials" the way `node-red-admin` does
 * (`POST /auth/token`, client `node-red-admin`, grant type `password`) and returns the access token.
 */
export async function adminToken(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: "node-red-admin", grant_type: "password", scope: "*", username, password }),
  });
  if (!res.ok) throw new Error(`POST /auth/token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** `GET /flows` (admin API v1: the plain array). */
export async function getFlows(url: string, token?: string): Promise<FlowNode[]> {
  const res = await fetch(`${url}/flows`, { headers: { Accept: "application/json", ...authHeaders(token) } });
  if (!res.ok) throw new Error(`GET /flows: ${res.status} ${await res.text()}`);
  return (await res.json()) as FlowNode[];
}

/** `GET /flows` (admin API v2): the deployed flows and their revision. */
export async function getFlowsWithRevision(url: string, token?: string): Promise<{ rev: string; flows: FlowNode[] }> {
  const res = await fetch(`${url}/flows`, { headers: { Accept: "application/json", "Node-RED-API-Version": "v2", ...authHeaders(token) } });
  if (!res.ok) throw new Error(`GET /flows: ${res.status} ${await res.text()}`);
  return (await res.json()) as { rev: string; flows: FlowNode[] };
}

/** `POST /flows` as a full deploy; `[]` stops every flow (and closes its nodes). */
export async function deployFlows(url: string, flows: FlowNode[], token?: string): Promise<void> {
  const res = await fetch(`${url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full", ...authHeaders(token) },
    body: JSON.stringify(flows),
  });
  if (!res.ok) throw new Error(`POST /flows: ${res.status} ${await res.text()}`);
}

/** The node types of a flow, sorted, for comparing an example with what was deployed. */
export function typesOf(flow: ReadonlyArray<{ type: string }>): string[] {
  return flow.map((n) => n.type).sort();
}
