import { ConfigError } from "../errors";
import { WcsHttpError } from "./wcs-http-error";

/** One allowed host, with the one port allowed on it or any port. */
interface HostRule {
  host: string;
  port?: number;
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^[0-9a-f:.]+$/;

/**
 * The hosts a REST client may make the server talk to (WcsRestApiOptions `allowedSipHosts`,
 * `allowedRtmpHosts`). Entries are `host`, `host:port`, `[v6]` or `[v6]:port`; an entry without a
 * port allows every port. Hosts compare case-insensitively and exactly: `pbx.example.com` does not
 * allow `evil-pbx.example.com` nor `pbx.example.com.evil.net`, and an address allows only that
 * spelling of it. An empty list allows any host.
 */
export class HostAllowlist {
  private constructor(
    readonly option: string,
    private readonly rules: readonly HostRule[],
  ) {}

  /** @throws ConfigError naming `option` for an entry that is not a host with an optional port. */
  static parse(option: string, entries: readonly string[] | undefined): HostAllowlist {
    const rules = (entries ?? [])
      .map((e) => e.trim())
      .filter((e) => e !== "")
      .map((e) => {
        const rule = parseHostPort(e);
        if (!rule) throw new ConfigError(`${option}: expected host or host:port, got "${e}"`);
        return rule;
      });
    return new HostAllowlist(option, rules);
  }

  /** Whether the list is empty (any host allowed). */
  get isOpen(): boolean {
    return this.rules.length === 0;
  }

  allows(host: string, port: number): boolean {
    const h = bare(host);
    return this.isOpen || this.rules.some((r) => r.host === h && (r.port === undefined || r.port === port));
  }

  /** @throws WcsHttpError 403 naming the body `field` and this option, when `host:port` is not allowed. */
  check(field: string, host: string, port: number): void {
    if (!this.allows(host, port)) throw new WcsHttpError(403, `${field}: host "${host}" (port ${port}) is not in ${this.option}`, field);
  }
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; undefined when malformed. */
export function parseHostPort(text: string): HostRule | undefined {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? (text.split(":").length > 2 ? [text, text, undefined] : /^([^:]+)(?::(\d+))?$/.exec(text));
  if (!m) return undefined;
  const host = bare(m[1]);
  if (!NAME.test(host) && !(host.includes(":") && IPV6.test(host))) return undefined;
  if (m[2] === undefined) return { host };
  const port = Number(m[2]);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? { host, port } : undefined;
}

/** Lower case, without IPv6 brackets. */
function bare(host: string): string {
  return host.replace(/^\[|\]$/g, "").toLowerCase();
}
