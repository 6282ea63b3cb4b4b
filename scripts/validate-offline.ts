/**
 * A `node -r` preload for `node-red-dev validate` (scripts/validate.ts runs it): answers the Flow
 * Library catalogue (catalogue.nodered.org) with an empty module list, so checks P08 (similar names)
 * and N01 (unique node types) pass without that host, which is unreachable here and in CI. Every
 * other request (the npm registry for P06, P07, D02, D03) goes out unchanged.
 *
 * @remarks node-red-dev 0.1.6 has no option to skip or redirect those two look-ups: it calls
 * `axios.get("https://catalogue.nodered.org/catalogue.json")` on its own axios 0.21 instance, so the
 * stub is a request interceptor on that very instance (resolved from node-red-dev's folder) that swaps
 * in an adapter returning the canned response.
 */
import * as path from "node:path";

/** The host whose answers are stubbed. */
export const CATALOGUE_HOST = "catalogue.nodered.org";

/** The parts of an axios 0.21 request config this stub reads or sets. */
interface AxiosRequestConfigLike {
  url?: string;
  baseURL?: string;
  adapter?: (config: AxiosRequestConfigLike) => Promise<AxiosResponseLike>;
}

/** The shape of a response an adapter resolves with. */
interface AxiosResponseLike {
  data: unknown;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  config: AxiosRequestConfigLike;
  request: Record<string, never>;
}

/** The part of the axios default instance this stub touches. */
interface AxiosLike {
  interceptors: { request: { use(onFulfilled: (config: AxiosRequestConfigLike) => AxiosRequestConfigLike): number } };
}

function hostOf(config: AxiosRequestConfigLike): string | undefined {
  try {
    return new URL(config.url ?? "", config.baseURL).hostname;
  } catch {
    return undefined;
  }
}

/** Installs the interceptor on node-red-dev's axios; returns the resolved module path. */
export function installCatalogueStub(): string {
  const nodeRedDevDir = path.dirname(require.resolve("node-red-dev/package.json"));
  const axiosPath = require.resolve("axios", { paths: [nodeRedDevDir] });
  const axios = require(axiosPath) as AxiosLike;
  axios.interceptors.request.use((config) => {
    if (hostOf(config) !== CATALOGUE_HOST) return config;
    config.adapter = (c) => Promise.resolve({ data: { modules: [] }, status: 200, statusText: "OK", headers: {}, config: c, request: {} });
    return config;
  });
  return axiosPath;
}

installCatalogueStub();
