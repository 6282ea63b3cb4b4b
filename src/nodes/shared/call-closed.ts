import type { Call } from "node-red-contrib-sipcast";

/**
 * Resolves when `call` has closed (reached a final state) and released its media, or after `timeoutMs`
 * (so a node's close never outlasts Node-RED's close timeout).
 */
export function whenCallClosed(call: Call, timeoutMs: number): Promise<void> {
  const closed = call.isClosed ? Promise.resolve() : new Promise<void>((resolve) => call.once("@close", () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  return Promise.race([closed.then(() => call.whenClosed()), limit]).finally(() => clearTimeout(timer));
}
