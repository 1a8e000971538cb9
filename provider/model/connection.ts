/**
 * Connection settings → dockerode options. Pure: reads only the environment it is handed.
 */
import type { Connection } from "./model";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** The engine address a connection resolves to: its host, else `DOCKER_HOST`, else the local socket. */
export function resolveHost(conn: Connection | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return conn?.host || env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
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
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new Error(`connection.host "${host}" is not a URL: use unix:///path, tcp://host:port or ssh://user@host`);
  }
  const tls = conn?.caMaterial || conn?.certMaterial || conn?.keyMaterial;
  switch (url.protocol) {
    case "unix:":
      return { socketPath: url.pathname, timeout: timeoutMs };
    case "tcp:":
    case "http:":
    case "https:":
      return {
        protocol: tls || url.protocol === "https:" ? "https" : "http",
        host: url.hostname,
        port: Number(url.port) || (tls ? 2376 : 2375),
        ca: conn?.caMaterial,
        cert: conn?.certMaterial,
        key: conn?.keyMaterial,
        timeout: timeoutMs,
      };
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
      throw new Error(`connection.host "${host}": unsupported scheme "${url.protocol}": use unix://, tcp:// or ssh://`);
  }
}
