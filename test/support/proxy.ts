/**
 * A unix-socket proxy in front of an engine's socket that notes every Engine API request passing
 * through (when, method, path without the query) and how many changes (POST, DELETE) were waiting
 * for the engine's answer at once. The benchmark counts calls with it; tests observe what the
 * engine was sent.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface EngineRequest {
  /** Milliseconds since the proxy started or was last reset. */
  readonly at: number;
  readonly method: string;
  /** The path without the API version prefix and the query: `/networks/create`. */
  readonly route: string;
}

export interface EngineProxy {
  /** `unix://` address to give clients instead of the engine's. */
  readonly host: string;
  /** The requests since the last reset, in the order they were sent. */
  requests(): EngineRequest[];
  /** The most changes awaiting the engine's answer at once since the last reset. */
  peakChanges(): number;
  reset(): void;
  close(): void;
}

export function engineProxy(target: string): EngineProxy {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-proxy-"));
  const sock = path.join(dir, "proxy.sock");
  let t0 = Date.now();
  let requests: EngineRequest[] = [];
  let changes = 0;
  let peak = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(new URL(target).pathname);
    // Clients send one request at a time per connection: a change is pending until its answer.
    let pending = false;
    client.on("data", (d) => {
      for (const [, method, url] of d
        .toString("latin1")
        .matchAll(/^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.1\r$/gm)) {
        requests.push({ at: Date.now() - t0, method, route: url.split("?")[0].replace(/^\/v\d+\.\d+/, "") });
        if (method === "POST" || method === "DELETE") {
          pending = true;
          peak = Math.max(peak, ++changes);
        }
      }
    });
    upstream.on("data", (d) => {
      if (pending && d.toString("latin1", 0, 9) === "HTTP/1.1 ") {
        pending = false;
        changes--;
      }
    });
    const end = (): void => {
      if (pending) {
        pending = false;
        changes--;
      }
      client.destroy();
      upstream.destroy();
    };
    client.pipe(upstream).pipe(client);
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
  });
  server.listen(sock);
  return {
    host: `unix://${sock}`,
    requests: () => requests,
    peakChanges: () => peak,
    reset: () => void ((t0 = Date.now()), (requests = []), (peak = changes)),
    close: () => void (server.close(), fs.rmSync(dir, { recursive: true, force: true })),
  };
}
