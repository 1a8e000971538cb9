/**
 * The dynamic provider of NetworkAttachment: a container plugged into a network.
 *
 * | lifecycle | Engine API                                                            |
 * |-----------|-----------------------------------------------------------------------|
 * | check     | none: validation                                                      |
 * | diff      | none: any endpoint change is a replacement (disconnect, then connect) |
 * | create    | GET /networks/{ref}, /containers/{ref}/json, [/info]; POST /networks/{id}/connect |
 * | read      | GET /containers/{id}/json; container or endpoint gone → dropped        |
 * | update    | none: only connection secrets change                                  |
 * | delete    | GET /containers/{id}/json, POST /networks/{id}/disconnect             |
 */
import type * as pulumi from "@pulumi/pulumi";
import { diffAttachment } from "./diff";
import { Engine, type ContainerInfo } from "./engine";
import type { EndpointInfo } from "./model";
import { attachmentProblems, failedCheck } from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic providers receive raw property bags */

const INPUT_FIELDS = [
  "network",
  "container",
  "aliases",
  "ipv4Address",
  "ipv6Address",
  "linkLocalIps",
  "driverOptions",
  "networkSubnets",
  "connection",
] as const;

function endpointOn(container: ContainerInfo, networkId: string): EndpointInfo | undefined {
  return Object.values(container.networks).find((e) => e.networkId === networkId);
}

function outputsOf(inputs: any, networkName: string, container: ContainerInfo, e: EndpointInfo): any {
  return {
    ...inputs,
    networkId: e.networkId,
    networkName,
    containerId: container.id,
    containerName: container.name,
    endpointId: e.endpointId,
    ipv4Address: e.ipv4Address,
    ipv6Address: e.ipv6Address,
    macAddress: e.macAddress,
    gateway: e.gateway,
  };
}

export const attachmentProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: any, news: any) {
    const failures = attachmentProblems(news);
    if (failures.length > 0) return failedCheck(news, failures);
    const inputs: any = {};
    for (const f of INPUT_FIELDS) if (news[f] !== undefined) inputs[f] = news[f];
    return { inputs };
  },

  async diff(_id: string, olds: any, news: any) {
    return diffAttachment(olds, news);
  },

  async create(inputs: any) {
    const engine = Engine.connect(inputs.connection);
    const [found, container] = await Promise.all([
      engine.inspectNetwork(inputs.network),
      engine.inspectContainer(inputs.container),
    ]);
    // A swarm node that is not a manager sees an attachable overlay only once a local container is
    // on it; connecting by reference makes the engine fetch it from the managers.
    const swarm = found ? undefined : await engine.localSwarm();
    const viaSwarm = swarm?.state === "active" && !swarm.isManager;
    if (!found && !viaSwarm)
      throw new Error(
        `NetworkAttachment: network "${inputs.network}" not found on ${engine.host}: create it first or check the name`,
      );
    if (!container)
      throw new Error(
        `NetworkAttachment: container "${inputs.container}" not found on ${engine.host}: check the name or ID`,
      );
    if (found && endpointOn(container, found.id)) {
      throw new Error(
        `NetworkAttachment: container "${container.name}" is already attached to network "${found.name}" on ${engine.host}: ` +
          `remove the other attachment, or run docker network disconnect ${found.name} ${container.name}`,
      );
    }
    await engine.connect(found?.id ?? inputs.network, container.id, inputs);
    const [network, after] = await Promise.all([
      found ?? engine.inspectNetwork(inputs.network),
      engine.inspectContainer(container.id),
    ]);
    const endpoint = network && after && endpointOn(after, network.id);
    if (!network || !after || !endpoint) {
      throw new Error(
        `NetworkAttachment: container "${container.name}" left network "${inputs.network}" right after connect on ${engine.host}`,
      );
    }
    return { id: `${network.id}:${container.id}`, outs: outputsOf(inputs, network.name, after, endpoint) };
  },

  async read(_id: string, props: any) {
    const container = await Engine.connect(props.connection).inspectContainer(props.containerId);
    const endpoint = container && endpointOn(container, props.networkId);
    // An empty ID tells Pulumi the attachment is gone (container removed or disconnected).
    if (!container || !endpoint) return { id: "", props: {} };
    return {
      id: `${props.networkId}:${container.id}`,
      props: outputsOf(props, props.networkName, container, endpoint),
    };
  },

  async update(_id: string, olds: any, news: any) {
    return { outs: { ...olds, connection: news.connection } };
  },

  async delete(_id: string, props: any) {
    const engine = Engine.connect(props.connection);
    const container = await engine.inspectContainer(props.containerId);
    if (!container || !endpointOn(container, props.networkId)) return;
    await engine.disconnect(props.networkId, props.containerId);
  },
};
