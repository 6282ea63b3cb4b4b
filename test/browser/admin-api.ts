/** A flow node as the admin API returns it (only what the tests read). */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  [key: string]: unknown;
}

/** `GET /flows` (admin API v1: the plain array). */
export async function getFlows(url: string): Promise<FlowNode[]> {
  const res = await fetch(`${url}/flows`, { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`GET /flows: ${res.status} ${await res.text()}`);
  return (await res.json()) as FlowNode[];
}

/** `POST /flows` as a full deploy; `[]` stops every flow (and closes its nodes). */
export async function deployFlows(url: string, flows: FlowNode[]): Promise<void> {
  const res = await fetch(`${url}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
    body: JSON.stringify(flows),
  });
  if (!res.ok) throw new Error(`POST /flows: ${res.status} ${await res.text()}`);
}

/** The node types of a flow, sorted, for comparing an example with what was deployed. */
export function typesOf(flow: ReadonlyArray<{ type: string }>): string[] {
  return flow.map((n) => n.type).sort();
}
