/**
 * The dynamic provider of NetworkAttachment: a container plugged into a network.
 *
 * | lifecycle | Engine API                                                              |
 * |-----------|-------------------------------------------------------------------------|
 * | check     | none: validation                                                        |
 * | diff      | none: any endpoint change is a replacement (disconnect, then connect;   |
 * |           | GET /version first when the new endpoint needs a newer engine)           |
 * | create    | [GET /version: gwPriority needs Engine 28]                              |
 * |           | POST /networks/{id}/connect, GET /containers/{id}/json (a network given |
 * |           | by name: GET /networks first, as the CLI resolves it)                   |
 * |           | already attached: on a network this stack made (GET /networks?filters=id), |
 * |           | taken over, connected again if the settings differ; elsewhere only with adopt |
 * |           | failed: undone (the engine keeps a half-written endpoint), then explained |
 * | read      | GET /containers/{id}/json; container or endpoint gone → dropped          |
 * | update    | none: only connection secrets and adopt change                          |
 * | delete    | POST /networks/{id}/disconnect (already gone counts as done)            |
 */
import type * as pulumi from "@pulumi/pulumi";
import { diffAttachment, endpointDifferences } from "../model/diff";
import { Engine, type ContainerInfo } from "../engine/engine";
import { sameAddress } from "../model/cidr";
import { OWNER_LABEL, sameStack, type EndpointInfo, type NetworkInfo } from "../model/model";
import { picked, withoutUndefined } from "../model/values";
import { ATTACHMENT_ARGS, ATTACHMENT_INTERNAL, attachmentProblems, networkShown } from "../model/attachmentValidation";
import { failedCheck } from "../model/validation";
import { attachmentNeeds } from "../model/engineFeatures";
import { attachTimeoutHint } from "../model/swarmModel";
import { kernelLacks } from "./lanDrivers";

/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic providers receive raw property bags */

const INPUT_FIELDS = [...ATTACHMENT_ARGS, ...ATTACHMENT_INTERNAL];

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
    gwPriority: e.gwPriority,
  };
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

/** A full network ID needs no lookup: the engine resolves it before any name (one engine call fewer). */
const FULL_ID = /^[0-9a-f]{64}$/;

/**
 * The container's endpoint on the network `ref` (an ID, or the name it is filed under), and the
 * network's ID and name as the container reports them; a container never started files its
 * settings without the network's ID, so that case asks the network.
 */
async function located(
  engine: Engine,
  container: ContainerInfo,
  ref: string,
): Promise<{ network: { id: string; name: string }; endpoint: EndpointInfo } | undefined> {
  for (const [name, endpoint] of Object.entries(container.networks)) {
    if (endpoint.networkId === ref || (name === ref && endpoint.networkId !== "")) {
      return { network: { id: endpoint.networkId, name }, endpoint };
    }
  }
  const network = await engine.inspectNetwork(ref);
  const endpoint = network && endpointOn(container, network.id, network.name);
  return endpoint && { network: { id: network.id, name: network.name }, endpoint };
}

/**
 * Why a connect failed, in the user's terms, after undoing what it left: the engine keeps the
 * container's new settings for the network although the connect failed (then the container
 * cannot start again); a plain connect replaces them and a disconnect removes them. Only settings
 * without a live endpoint are undone: a connect of a stopped container replaces its settings
 * instead of failing, so a failure leaves no earlier settings of its own there. The engine's own
 * reason is kept: a swarm worker lists an overlay only while a container there is on it, so a
 * network this engine does not list is no proof that it does not exist.
 */
async function failedConnect(engine: Engine, ref: string, inputs: any, err: unknown): Promise<Error> {
  const [container, network] = await Promise.all([
    engine.inspectContainer(inputs.container),
    engine.findNetwork(ref).catch(() => undefined),
  ]);
  if (!container) {
    return new Error(
      `NetworkAttachment: container "${inputs.container}" not found on ${engine.host}: check the name or ID`,
    );
  }
  const reason = reasonOf(err);
  if (!network && /no such network|network \S+ not found/i.test(reason)) {
    return new Error(
      `NetworkAttachment: network "${networkShown(inputs)}" not found on ${engine.host}: create it first or check the name`,
    );
  }
  const stale = network
    ? endpointOn(container, network.id, network.name)
    : Object.values(container.networks).find((e) => e.networkId === ref);
  if (stale && stale.endpointId === "") {
    const id = network?.id ?? ref;
    await engine.connect(id, container.id, {}).catch(() => undefined);
    await engine.disconnect(id, container.id, true).catch(() => undefined);
  }
  const shown = network?.name ?? networkShown(inputs);
  // Engines before 29 (20.10, 26.1, 28.5 measured, with an ipvlan port the kernel refuses) keep a
  // failed endpoint with an ID of its own, and answer a disconnect with "not connected": the
  // container then does not start again. Said, never hidden; not undone here, as
  // only a stopped container can be taken off (stopping the user's container is not ours to do).
  const kept =
    stale && stale.endpointId !== ""
      ? `The engine kept the failed endpoint in the container's settings and will not disconnect it while the container runs, so the container will not start again until it is taken off the network while stopped (docker stop ${container.name} && docker network disconnect ${shown} ${container.name})`
      : undefined;
  // Every answer below says so when the engine kept it.
  const keptNote = kept ? `. ${kept}` : "";
  const taken = network && addressTaken(network, inputs);
  if (taken) return new Error(`NetworkAttachment on ${engine.host}: ${taken}${keptNote}`);
  const head = `${what({ ...inputs, networkResource: { name: shown } })} on ${engine.host}`;
  const lacks = kernelLacks(reason);
  if (lacks) {
    return new Error(
      `${head}: the engine has the network, but the kernel of its host cannot plug a container into it (${reason}). The kernel lacks ${lacks}. ${kept ?? "Nothing was changed"}`,
    );
  }
  // A refusal that names a declared address is about that field.
  const field = (["ipv4Address", "ipv6Address"] as const).find(
    (f) => typeof inputs[f] === "string" && reason.includes(inputs[f]),
  );
  if (field) {
    const subnets = network?.ipamConfigs.map((c) => c.subnet).filter(Boolean) ?? [];
    return new Error(
      `${head}: ${field} ${inputs[field]} was refused by the engine: ${reason}. ` +
        `Declare a free address${subnets.length > 0 ? ` inside ${subnets.join(" or ")}` : " inside the network's subnet"}, or leave ${field} out to let the engine assign one${keptNote}`,
    );
  }
  const declared = (["ipv4Address", "ipv6Address"] as const).filter((f) => typeof inputs[f] === "string");
  const note = declared.length > 0 ? ` (declared ${declared.map((f) => `${f} ${inputs[f]}`).join(", ")})` : "";
  // A swarm worker asks the managers for an overlay attachment; they do not say why they refuse.
  const swarmHint =
    !network && declared.length > 0
      ? `. The swarm's managers did not grant the attachment: check that ${declared.map((f) => inputs[f]).join(" and ")} is free on "${shown}" (docker network inspect --verbose ${shown} on a manager lists its endpoints on every node)`
      : "";
  const gossip = attachTimeoutHint(reason);
  return new Error(
    `${head}: docker network connect failed${note}: ${reason}${swarmHint}${gossip && `. ${gossip}`}${keptNote}`,
  );
}

/** The engine's words in an error of Engine.fail ("docker network connect X Y on HOST: words"). */
const reasonOf = (err: unknown): string =>
  String((err as Error)?.message ?? err).replace(/^docker network connect \S+ \S+ on \S+: /, "");

/** Whether a connect failed because the container already has a live endpoint on the network. */
const alreadyAttached = (err: unknown): boolean => /already exists in network/i.test(String((err as Error)?.message));

/** The attachment, for messages. */
const what = (inputs: any): string => `NetworkAttachment of "${inputs.container}" to network "${networkShown(inputs)}"`;

export const attachmentProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: any, news: any) {
    const failures = attachmentProblems(news);
    if (failures.length > 0) return failedCheck(news, failures);
    return { inputs: picked(news, INPUT_FIELDS) };
  },

  async diff(_id: string, olds: any, news: any) {
    const result = diffAttachment(olds, news);
    // Disconnecting first must not end in a connect the engine then refuses (see networkProvider).
    if (result.deleteBeforeReplace) await Engine.requireOn(news.connection, what(news), attachmentNeeds(news));
    return result;
  },

  async create(inputs: any) {
    const engine = Engine.connect(inputs.connection);
    await engine.require(what(inputs), attachmentNeeds(inputs));
    // A name is looked up as the CLI would. Not found, it is passed on as it is: a swarm worker
    // sees an attachable overlay only once a local container is on it, and connecting by
    // reference makes the engine fetch it from the managers.
    const ref = FULL_ID.test(inputs.network)
      ? inputs.network
      : ((await engine.findNetwork(inputs.network))?.id ?? inputs.network);
    let adopted = false;
    try {
      await engine.connect(ref, inputs.container, inputs);
    } catch (err) {
      if (!alreadyAttached(err)) throw await failedConnect(engine, ref, inputs, err);
      // Attached already: by an earlier run that was interrupted before its state was saved, or by
      // hand. Taken over only on a network this stack made (the interrupted case: connected again
      // if its settings differ) or with adopt; a connection someone else made is never claimed.
      const container = await engine.inspectContainer(inputs.container);
      const existing = container && (await located(engine, container, ref));
      if (!existing) throw err;
      const differs = endpointDifferences(existing.endpoint, inputs);
      const where = `container "${container.name}" is already attached to network "${existing.network.name}" on ${engine.host}`;
      if (!inputs.adopt) {
        const [network] = await engine.networkLabels({ id: existing.network.id });
        if (!sameStack(network?.labels[OWNER_LABEL], inputs.owner)) {
          throw new Error(
            `NetworkAttachment: ${where}, a connection this stack did not make. Nothing was changed. ` +
              "To manage it from now on, set adopt: true (pulumi destroy then disconnects it; add the retainOnDelete " +
              `resource option to leave it); or disconnect it first (docker network disconnect ${existing.network.name} ${container.name})`,
          );
        }
      } else if (differs.length > 0) {
        throw new Error(
          `NetworkAttachment: adopt: ${where}, but its ${differs.join(", ")} differ from the declaration. Nothing was changed: ` +
            "declare what it has, or disconnect it and let Pulumi connect it",
        );
      }
      if (differs.length > 0) {
        await engine.disconnect(existing.network.id, container.id, true);
        await engine.connect(existing.network.id, container.id, inputs).catch(async (again) => {
          throw await failedConnect(engine, ref, inputs, again);
        });
      }
      adopted = !!inputs.adopt;
    }
    const after = await engine.inspectContainer(inputs.container);
    const attached = after && (await located(engine, after, ref));
    if (!after || !attached) {
      throw new Error(
        `NetworkAttachment: container "${inputs.container}" left network "${networkShown(inputs)}" right after connect on ${engine.host}`,
      );
    }
    return {
      id: `${attached.network.id}:${after.id}`,
      outs: { ...outputsOf(inputs, attached.network, after, attached.endpoint), adopted },
    };
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
    return { outs: withoutUndefined({ ...olds, connection: news.connection, adopt: news.adopt }) };
  },

  async delete(_id: string, props: any) {
    // Gone already (the container, the network, or the endpoint) is what delete wants.
    await Engine.connect(props.connection)
      .disconnect(props.networkId, props.containerId)
      .catch((err) => {
        if (!/is not connected/i.test(String(err?.message))) throw err;
      });
  },
};
