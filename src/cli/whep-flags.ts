import { isIP } from "node:net";
import { checkStreamName, ConfigError, resolveWhepNetwork, type WhepNetworkOptions } from "../index";

/** The WebRTC viewers' side of `sipcast call`: where the WHEP endpoint and the player page are served. */
export interface CliWhep {
  stream: string;
  host: string;
  port: number;
  network: WhepNetworkOptions;
  /** From SIPCAST_WHEP_TOKEN (never a flag: argv is visible to every user of the machine). Absent: no authentication. */
  token?: string;
}

/**
 * `--to-stream NAME --whep-listen HOST:PORT [--whep-public-address IP] [--whep-port-range MIN-MAX]`:
 * both of the first two or neither. ICE uses HOST's interface when HOST names one IPv4 address.
 * @throws ConfigError naming the flag.
 */
export function parseWhepFlags(
  stream: string | undefined,
  listen: string | undefined,
  publicAddress: string | undefined,
  portRange: string | undefined,
  env: NodeJS.ProcessEnv,
): CliWhep | undefined {
  if (stream === undefined && listen === undefined) {
    if (publicAddress !== undefined) throw new ConfigError(`--whep-public-address needs --to-stream and --whep-listen`);
    if (portRange !== undefined) throw new ConfigError(`--whep-port-range needs --to-stream and --whep-listen`);
    return undefined;
  }
  if (stream === undefined) throw new ConfigError(`--whep-listen needs --to-stream (the call's stream name)`);
  if (listen === undefined) throw new ConfigError(`--to-stream needs --whep-listen HOST:PORT (where browsers play it)`);
  try {
    checkStreamName(stream, "--to-stream");
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(listen);
  if (!m || isIP(m[1]) !== 4 || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(`--whep-listen: expected IPV4:PORT, e.g. 127.0.0.1:8080, got "${listen}"`);
  const [, host, port] = m;
  let range: { min: number; max: number } | undefined;
  if (portRange !== undefined) {
    const r = /^(\d+)-(\d+)$/.exec(portRange);
    if (!r) throw new ConfigError(`--whep-port-range: expected MIN-MAX, e.g. 40000-40100`);
    range = { min: Number(r[1]), max: Number(r[2]) };
  }
  const network: WhepNetworkOptions = {
    ...(host !== "0.0.0.0" ? { bindAddress: host } : {}),
    ...(publicAddress !== undefined ? { publicAddress } : {}),
    ...(range ? { portRange: range } : {}),
  };
  try {
    resolveWhepNetwork(network, "whep");
  } catch (error) {
    const message = (error as Error).message
      .replace(/^whep\.publicAddress/, "--whep-public-address")
      .replace(/^whep\.portRange/, "--whep-port-range")
      .replace(/^whep\.bindAddress/, "--whep-listen");
    throw new ConfigError(message);
  }
  const token = env.SIPCAST_WHEP_TOKEN || undefined;
  return { stream, host, port: Number(port), network, ...(token ? { token } : {}) };
}
