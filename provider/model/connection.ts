/**
 * Connection settings → dockerode options. Pure: reads only the environment it is handed.
 */
import type { Connection } from "./model";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** The engine address a connection resolves to: its host, else `DOCKER_HOST`, else the local socket. */
export function resolveHost(conn: Connection | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return conn?.host || env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
}

const SCHEMES = ["unix:", "tcp:", "http:", "https:", "ssh:"];

/**
 * Why an engine address cannot be used, in words fit for a message that starts with its field;
 * undefined when it can. What `new URL` accepts is not enough: `unix://` and `ssh://` with
 * nothing after them parse, and would dial the local machine.
 */
export function hostProblem(host: string): string | undefined {
  const forms = "use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host";
  let url: URL | undefined;
  try {
    url = /\s/.test(host) ? undefined : new URL(host);
  } catch {
    // reported below
  }
  if (!url) return `"${host}" is not a URL: ${forms}`;
  if (!SCHEMES.includes(url.protocol)) return `"${host}": unsupported scheme "${url.protocol}": ${forms}`;
  if (url.protocol === "unix:") {
    if (url.hostname)
      return `"${host}" names host "${url.hostname}": a socket path needs three slashes, unix:///${url.hostname}${url.pathname}`;
    if (url.pathname === "" || url.pathname.endsWith("/")) return `"${host}" names no socket: ${forms}`;
    return undefined;
  }
  if (!url.hostname) return `"${host}" names no host: ${forms}`;
  if (url.port === "0") return `"${host}": port 0 is no port: give 1-65535, or leave it out`;
  return undefined;
}

/**
 * Options for `new Docker(...)`, plus `ssh` (the SSH connection to tunnel through) for `ssh://`;
 * throws a message naming the host when it cannot be used.
 */
export function dockerodeOptions(
  conn: Connection | undefined,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> {
  const host = resolveHost(conn, env);
  const problem = hostProblem(host);
  if (problem) throw new Error(`${conn?.host ? "connection.host" : "DOCKER_HOST"} ${problem}`);
  const url = new URL(host);
  const tls = conn?.caMaterial || conn?.certMaterial || conn?.keyMaterial;
  switch (url.protocol) {
    case "unix:":
      return { socketPath: url.pathname, timeout: timeoutMs };
    case "ssh:": {
      const port = Number(url.port) || 22;
      // Plain HTTP through an agent that tunnels each connection over SSH (see sshTransport.ts);
      // the Engine turns `ssh` into that agent. No `timeout`: an SSH channel cannot take one, and
      // the Engine bounds each call itself; readyTimeout bounds the SSH handshake.
      return {
        protocol: "http",
        host: url.hostname,
        port,
        ssh: {
          host: url.hostname,
          port,
          username: decodeURIComponent(url.username) || "root",
          ...(conn?.keyMaterial ? { privateKey: conn.keyMaterial } : { agent: env.SSH_AUTH_SOCK }),
          readyTimeout: timeoutMs,
        },
      };
    }
    default:
      // tcp:, http:, https: (hostProblem admits no other).
      return {
        protocol: tls || url.protocol === "https:" ? "https" : "http",
        host: url.hostname,
        port: Number(url.port) || (tls ? 2376 : 2375),
        ca: conn?.caMaterial,
        cert: conn?.certMaterial,
        key: conn?.keyMaterial,
        timeout: timeoutMs,
      };
  }
}
