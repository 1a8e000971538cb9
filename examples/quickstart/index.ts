/**
 * Quickstart: a bridge network with a declared subnet, existing containers plugged into it with
 * DNS aliases and static addresses, and a lookup of the result (`docker network inspect`).
 *
 * Config: `containers`, the names of running containers to attach (`npm run quickstart` starts
 * two: qs-web and qs-db).
 */
import * as pulumi from "@pulumi/pulumi";
import { BridgeNetwork, getNetworkOutput, NetworkAttachment } from "pulumi-docker-networking";

const config = new pulumi.Config();
const containers = config.requireObject<string[]>("containers");

const net = new BridgeNetwork("app", {
  ipamConfigs: [{ subnet: "10.250.10.0/24", gateway: "10.250.10.1" }],
  labels: { "com.example.stack": pulumi.getStack() },
  mtu: 1450,
});

const attachments = containers.map(
  (container, i) =>
    new NetworkAttachment(`${container}-on-app`, {
      network: net,
      container,
      aliases: [`svc-${i}`, container],
      ipv4Address: `10.250.10.${10 + i}`,
    }),
);

export const networkName = net.name;
export const networkId = net.networkId;
export const subnet = net.ipamConfigs.apply((c) => c[0].subnet);
export const addresses = Object.fromEntries(containers.map((c, i) => [c, attachments[i].ipv4Address]));
/** What `docker network inspect` shows once the attachments are made (the lookup waits for them). */
export const attached = getNetworkOutput({ id: net.networkId }, { dependsOn: attachments }).containers.apply((cs) =>
  cs.map((c) => `${c.name} ${c.ipv4Address}`).sort(),
);
