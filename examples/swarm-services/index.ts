/**
 * Swarm services on an overlay, the use Docker's overlay networks are made for: a swarm across
 * hosts you name, an overlay only services can use (not attachable), proven on create between
 * every pair of hosts by a short-lived probe service, and on it
 *
 * - `app`: a service this stack creates, with `@pulumi/docker`'s `Service`; its networks are
 *   declared on it (`networksAdvanceds`), and it answers there as `app`;
 * - services this stack did not create (from `docker stack deploy`, compose or another tool), put
 *   on the overlay by a `ServiceAttachment` each (`docker service update --network-add`), which
 *   takes the network off them again on destroy.
 *
 * Never both on one service: a `ServiceAttachment` on a service Pulumi also declares would be
 * undone by that service's next update.
 *
 * Config:
 * - `hosts`: `[{ host: "tcp://10.0.1.10:2376", advertiseAddr: "10.0.1.10" }, ...]`; the first inits
 * - `managers`: how many of them are managers (default 1)
 * - `app` (default true): declare the app service; it needs the @pulumi/docker provider plugin
 *   (`pulumi plugin install resource docker`), which connects to the first host itself
 * - `image`: the app's image (default `nginx:1.27`)
 * - `attach` (optional): `[{ service: "shop_web", alias: "web" }, ...]`: existing services
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { OverlayNetwork, ServiceAttachment, SwarmCluster } from "pulumi-docker-networking";

interface HostConfig {
  readonly host: string;
  readonly advertiseAddr: string;
}

interface AttachConfig {
  readonly service: string;
  readonly alias: string;
}

const config = new pulumi.Config();
const hostList = config.requireObject<HostConfig[]>("hosts");
const hosts = hostList.map((h) => ({ connection: { host: h.host }, advertiseAddr: h.advertiseAddr }));

const cluster = new SwarmCluster("swarm", { hosts, managers: config.getNumber("managers") ?? 1 });
// Created on the swarm's init node, after the swarm; destroy removes it before the swarm ends.
const backend = new OverlayNetwork("backend", {
  swarm: cluster,
  verify: { hosts: hosts.map((h) => h.connection) },
});

let app: docker.Service | undefined;
if (config.getBoolean("app") ?? true) {
  const manager = new docker.Provider("manager", { host: hostList[0].host });
  app = new docker.Service(
    "app",
    {
      taskSpec: {
        containerSpec: { image: config.get("image") ?? "nginx:1.27" },
        networksAdvanceds: [{ id: backend.networkId, aliases: ["app"] }],
      },
      mode: { replicated: { replicas: hosts.length } },
    },
    { provider: manager, dependsOn: [cluster] },
  );
}

const attachments = (config.getObject<AttachConfig[]>("attach") ?? []).map(
  (a) => new ServiceAttachment(`${a.service}-on-backend`, { network: backend, service: a.service, aliases: [a.alias] }),
);

export const clusterId = cluster.clusterId;
export const backendName = backend.name;
export const backendVerification = backend.verification;
export const appName = app?.name;
export const attached = attachments.map((a) => ({
  service: a.serviceName,
  aliases: a.aliases,
  virtualIp: a.virtualIp,
}));
