/**
 * The dynamic provider of NetworkAttachment: a container plugged into a network.
 *
 * | lifecycle | Engine API                                                            |
 * |-----------|-----------------------------------------------------------------------|
 * | check     | none: validation                                                      |
 * | diff      | none: any endpoint change is a replacement (disconnect, then connect) |
 * | create    | GET /networks/{ref}, /containers/{ref}/json, [/info]; POST /networks/{id}/connect |
 * |           | (already attached: taken over when the settings match, else connected again)  |
 * |           | (a failed connect is undone: the engine keeps a half-written endpoint)  |
 * | read      | GET /containers/{id}/json; container or endpoint gone → dropped        |
 * | update    | none: only connection secrets change                                  |
 * | delete    | GET /containers/{id}/json, POST /networks/{id}/disconnect             |
 */
import type * as pulumi from "@pulumi/pulumi";
import { diffAttachment } from "../model/diff";
import { Engine, type ContainerInfo } from "../engine/engine";
import { sameAddress } from "../model/cidr";
import type { EndpointInfo, NetworkInfo } from "../model/model";
import { picked, sameValue, withoutUndefined } from "../model/values";
import { attachmentProblems } from "../model/attachmentValidation";
import { failedCheck } from "../model/validation";

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

/**
 * The container's settings on the network. Found by network ID, or by the network's name, under
 * which the engine files them: a container never started has no network ID there yet.
 */
function endpointOn(container: ContainerInfo, networkId: string, networkName: string): EndpointInfo | undefined {
  return (
    Object.values(container.networks).find((e) => e.networkId === networkId) ??
    (container.networks[networkName]?.networkId === "" ? container.networks[networkName] : undefined)
  );
}

/**
 * Outputs: the inputs, overlaid with the endpoint. A container that is not running has settings
 * but no live endpoint: the last values seen stand (no drift while it is stopped), else its
 * static addresses.
 */
function outputsOf(inputs: any, network: { id: string; name: string }, container: ContainerInfo, e: EndpointInfo): any {
  const live = e.endpointId !== "";
  const last = (field: string, value: string, fallback = ""): string => (live ? value : (inputs[field] ?? fallback));
  return {
    ...inputs,
    networkId: network.id,
    networkName: network.name,
    containerId: container.id,
    containerName: container.name,
    endpointId: last("endpointId", e.endpointId),
    ipv4Address: last("ipv4Address", e.ipv4Address, e.staticIpv4Address),
    ipv6Address: last("ipv6Address", e.ipv6Address, e.staticIpv6Address),
    macAddress: last("macAddress", e.macAddress),
    gateway: last("gateway", e.gateway),
  };
}

/** Whether an endpoint has every declared setting (the engine adds aliases of its own). */
function endpointMatches(e: EndpointInfo, inputs: any): boolean {
  const declared = (v: unknown): boolean => v !== undefined && !(Array.isArray(v) && v.length === 0);
  return (
    (inputs.aliases ?? []).every((a: string) => e.aliases.includes(a)) &&
    (!inputs.ipv4Address || sameAddress(inputs.ipv4Address, e.staticIpv4Address)) &&
    (!inputs.ipv6Address || sameAddress(inputs.ipv6Address, e.staticIpv6Address)) &&
    (!declared(inputs.linkLocalIps) || sameValue(inputs.linkLocalIps, e.linkLocalIps)) &&
    (!declared(inputs.driverOptions) || sameValue(inputs.driverOptions, e.driverOptions))
  );
}

/** Another container that already has one of the declared static addresses on the network. */
function addressTaken(network: NetworkInfo, inputs: any): string | undefined {
  for (const field of ["ipv4Address", "ipv6Address"] as const) {
    const want = inputs[field];
    if (!want) continue;
    const holder = network.containers.find((c) => sameAddress(c[field].split("/")[0], want));
    if (holder) {
      return (
        `${field} ${want} is already used on network "${network.name}" by container "${holder.name}": ` +
        "declare a free address, or leave it out to let the engine assign one"
      );
    }
  }
  return undefined;
}

/**
 * Undoes what a failed connect left: the engine keeps the container's new settings for the network
 * although the connect failed, and the container then cannot start again. A plain connect replaces
 * them and a disconnect removes them, leaving the container as it was.
 */
async function undoConnect(engine: Engine, before: ContainerInfo, network: string): Promise<void> {
  const after = await engine.inspectContainer(before.id);
  const stale = after && Object.keys(after.networks).filter((n) => !(n in before.networks));
  for (const name of stale ?? []) {
    if (after!.networks[name].endpointId !== "") continue;
    await engine.connect(network, before.id, {});
    await engine.disconnect(network, before.id, true);
  }
}

export const attachmentProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: any, news: any) {
    const failures = attachmentProblems(news);
    if (failures.length > 0) return failedCheck(news, failures);
    return { inputs: picked(news, INPUT_FIELDS) };
  },

  async diff(_id: string, olds: any, news: any) {
    return diffAttachment(olds, news);
  },

  async create(inputs: any) {
    const engine = Engine.connect(inputs.connection);
    const [found, container] = await Promise.all([
      engine.findNetwork(inputs.network),
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
    const existing = found && endpointOn(container, found.id, found.name);
    let before = container;
    if (found && existing) {
      // Already attached: by an earlier run that was interrupted before its state was saved, or by
      // hand. With the declared settings it is taken over; with others it is connected again.
      if (endpointMatches(existing, inputs)) {
        return { id: `${found.id}:${container.id}`, outs: outputsOf(inputs, found, container, existing) };
      }
      await engine.disconnect(found.id, container.id, true);
      const { [found.name]: _gone, ...rest } = container.networks;
      before = { ...container, networks: rest };
    }
    const taken = found && addressTaken(found, inputs);
    if (taken) throw new Error(`NetworkAttachment on ${engine.host}: ${taken}`);
    const ref = found?.id ?? inputs.network;
    try {
      await engine.connect(ref, container.id, inputs);
    } catch (err) {
      await undoConnect(engine, before, ref).catch(() => undefined);
      throw err;
    }
    const [network, after] = await Promise.all([
      found ?? engine.findNetwork(inputs.network),
      engine.inspectContainer(container.id),
    ]);
    const endpoint = network && after && endpointOn(after, network.id, network.name);
    if (!network || !after || !endpoint) {
      throw new Error(
        `NetworkAttachment: container "${container.name}" left network "${inputs.network}" right after connect on ${engine.host}`,
      );
    }
    return { id: `${network.id}:${container.id}`, outs: outputsOf(inputs, network, after, endpoint) };
  },

  async read(_id: string, props: any) {
    const container = await Engine.connect(props.connection).inspectContainer(props.containerId);
    const endpoint = container && endpointOn(container, props.networkId, props.networkName);
    // An empty ID tells Pulumi the attachment is gone (container removed or disconnected).
    if (!container || !endpoint) return { id: "", props: {} };
    return {
      id: `${props.networkId}:${container.id}`,
      props: outputsOf(props, { id: props.networkId, name: props.networkName }, container, endpoint),
    };
  },

  async update(_id: string, olds: any, news: any) {
    return { outs: withoutUndefined({ ...olds, connection: news.connection }) };
  },

  async delete(_id: string, props: any) {
    const engine = Engine.connect(props.connection);
    const container = await engine.inspectContainer(props.containerId);
    if (!container || !endpointOn(container, props.networkId, props.networkName)) return;
    await engine.disconnect(props.networkId, props.containerId);
  },
};
