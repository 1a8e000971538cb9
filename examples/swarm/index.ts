/**
 * A swarm across hosts you name, an attachable overlay over it, and existing containers on the
 * hosts plugged into the overlay by alias, so they reach each other across hosts by name.
 *
 * Config:
 * - `hosts`: `[{ host: "ssh://root@10.0.1.10", advertiseAddr: "10.0.1.10" }, ...]`; the first inits
 * - `managers`: how many of them are managers (default 1)
 * - `sshKey` (secret, optional): the private key for `ssh://` hosts
 * - `attach` (optional): `[{ host: 1, container: "api", alias: "api" }, ...]`, host by index
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkAttachment, OverlayNetwork, SwarmCluster } from "pulumi-docker-networking";

interface HostConfig {
  readonly host: string;
  readonly advertiseAddr: string;
}

interface AttachConfig {
  readonly host: number;
  readonly container: string;
  readonly alias: string;
}

const config = new pulumi.Config();
const sshKey = config.getSecret("sshKey");
const hosts = config.requireObject<HostConfig[]>("hosts").map((h) => ({
  connection: { host: h.host, keyMaterial: h.host.startsWith("ssh://") ? sshKey : undefined },
  advertiseAddr: h.advertiseAddr,
}));

const cluster = new SwarmCluster("swarm", { hosts, managers: config.getNumber("managers") ?? 1 });
const mesh = new OverlayNetwork(
  "mesh",
  {
    attachable: true,
    connection: hosts[0].connection,
    // Proves on create that the overlay carries traffic between every pair of hosts.
    verify: { hosts: hosts.map((h) => h.connection) },
  },
  // The network needs the swarm; destroy then removes it before the swarm ends.
  { dependsOn: [cluster] },
);
const attachments = (config.getObject<AttachConfig[]>("attach") ?? []).map(
  (a) =>
    new NetworkAttachment(`${a.container}-on-mesh`, {
      network: mesh,
      container: a.container,
      aliases: [a.alias],
      connection: hosts[a.host].connection,
    }),
);

export const clusterId = cluster.clusterId;
export const managerAddress = cluster.managerAddress;
export const workerToken = cluster.workerToken;
export const nodes = cluster.nodes.map((n) => ({ hostname: n.hostname, role: n.role }));
export const meshName = mesh.name;
export const addresses = attachments.map((a) => a.ipv4Address);
export const meshVerification = mesh.verification;
