/**
 * Quickstart: a bridge network with a declared subnet, existing containers plugged into it with
 * DNS aliases, and a lookup of the result (`docker network inspect`).
 *
 * Config: `containers` — names of running containers to attach (the quickstart script starts two).
 */
import * as pulumi from "@pulumi/pulumi";
import { BridgeNetwork, getNetworkOutput, NetworkAttachment } from "pulumi-docker-networking";

export default async function quickstart(): Promise<Record<string, unknown>> {
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

  // After the attachments, so the lookup lists them.
  const seen = getNetworkOutput({
    id: pulumi.all([net.networkId, ...attachments.map((a) => a.endpointId)]).apply(([id]) => id),
  });

  return {
    networkName: net.name,
    networkId: net.networkId,
    subnet: net.ipamConfigs.apply((c) => c[0].subnet),
    addresses: Object.fromEntries(containers.map((c, i) => [c, attachments[i].ipv4Address])),
    attached: seen.containers.apply((cs) => cs.map((c) => `${c.name} ${c.ipv4Address}`).sort()),
  };
}
