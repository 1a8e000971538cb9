/**
 * `ssh://` engines the way the docker CLI reaches them: each HTTP connection is an SSH session
 * running `docker system dial-stdio` on the remote host, whose stdin/stdout is the engine's API.
 * Used by the Engine instead of docker-modem's own ssh transport, which builds an invalid URL
 * (Node prints DEP0170, and will reject it) and cannot take a request timeout.
 */
import * as http from "node:http";
import type { Duplex } from "node:stream";
import { Client, type ConnectConfig } from "ssh2";

/** An HTTP agent whose every connection is a fresh `docker system dial-stdio` over SSH. */
export function sshAgent(config: ConnectConfig): http.Agent {
  const agent = new http.Agent({ keepAlive: false });
  type Done = (err: Error | null, socket?: Duplex) => void;
  // Node's Agent accepts an asynchronous createConnection that reports through the callback.
  (agent as unknown as { createConnection: (o: unknown, done: Done) => void }).createConnection = (_o, done) => {
    const client = new Client();
    let settled = false;
    const settle = (err: Error | null, socket?: Duplex): void => {
      if (settled) return;
      settled = true;
      if (err) client.end();
      done(err, socket);
    };
    client.once("ready", () =>
      client.exec("docker system dial-stdio", (err, channel) => {
        if (err) return settle(err);
        channel.once("close", () => client.end());
        settle(null, channel);
      }),
    );
    client.once("error", (err) => settle(err));
    client.connect(config);
  };
  return agent;
}
