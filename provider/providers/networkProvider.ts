/**
 * The dynamic provider of networks (bridge, and overlay through its own driver rules):
 *
 * | lifecycle | Engine API                                                          |
 * |-----------|---------------------------------------------------------------------|
 * | check     | none: validation, defaults, auto-name                                |
 * | diff      | none: every engine-side change is a replacement (GET /version when |
 * |           | one deleting first needs a newer engine: refused before the delete)  |
 * | create    | POST /networks/create, GET /networks/{id}; once per engine and run:  |
 * |           | GET /version when a setting needs a newer engine (model/engineFeatures) |
 * |           | GET /networks?filters=label (an earlier, interrupted create's network) |
 * |           | adopt: GET /networks (by name) instead                               |
 * | read      | GET /networks/{id}; gone → dropped from state                        |
 * | update    | none: only connection secrets and delete behaviour change            |
 * | delete    | DELETE /networks/{id}; in use: GET /networks/{id}, [POST .../disconnect], |
 * |           | DELETE again; swarm-scoped: GET until its local copy is gone;          |
 * |           | used by a service: GET /services, to name them (never changed)        |
 */
import type * as pulumi from "@pulumi/pulumi";
import { diffNetwork } from "../model/diff";
import { Engine } from "../engine/engine";
import { resolveName, sameAutoName } from "../model/naming";
import { nodeLabel } from "../model/swarmModel";
import { picked, withoutUndefined } from "../model/values";
import { sleep, until } from "./wait";
import {
  MANAGED_LABEL,
  OWNER_LABEL,
  type Connection,
  type NetworkContainer,
  type NetworkInfo,
  type NetworkSpec,
} from "../model/model";
import { NETWORK_ARGS, networkArgProblems, networkProblems, type NetworkKind } from "../model/networkValidation";
import { networkNeeds } from "../model/engineFeatures";
import { failedCheck, type CheckFailure } from "../model/validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic providers receive raw property bags */

/** What differs between network drivers. */
export interface NetworkDriver {
  readonly driver: NetworkSpec["driver"];
  /** The resource type, for messages. */
  readonly kind: NetworkKind;
  /** Driver-specific input problems. */
  problems(inputs: any): CheckFailure[];
  /** Driver options the typed fields stand for. */
  typedOptions(inputs: any): Record<string, string>;
  /** Fields of the checked inputs that only the driver knows. */
  readonly extraFields: readonly string[];
  /** Refuses to create where the driver cannot work (an overlay needs a swarm manager); resolves to extra outputs. */
  precondition?(engine: Engine, spec: NetworkSpec): Promise<Record<string, unknown>>;
  /** Proves the new network works (an overlay's `verify`); resolves to extra outputs; throws when it does not. */
  verify?(inputs: any): Promise<Record<string, unknown>>;
  /** The user's terms for an engine's refusal to create the network (a missing parent interface), if it has them. */
  explain?(err: Error, spec: NetworkSpec, host: string): Error | undefined;
}

// The checked inputs: check resolves the name and merges the typed options into `options`.
const SHARED_FIELDS = ["owner", ...NETWORK_ARGS.filter((f) => f !== "name" && f !== "options")];

/** Outputs: the checked inputs, overlaid with what the engine reports. */
function outputsOf(inputs: any, info: NetworkInfo, adopted: boolean): any {
  const { containers: _containers, id, ...observed } = info;
  // Engine 29 reports no pools for a configuration network: the declared ones stand.
  if (info.configOnly && info.ipamConfigs.length === 0) observed.ipamConfigs = inputs.ipamConfigs ?? [];
  return { ...inputs, ...observed, networkId: id, adopted };
}

function listContainers(containers: NetworkContainer[]): string {
  return containers
    .map((c) => `${c.name} (${c.ipv4Address || c.ipv6Address || c.containerId.slice(0, 12)})`)
    .join(", ");
}

/** How long a new swarm-scoped network may take to show its settings on the manager. */
const SETTLE_MS = 10_000;

/**
 * The new network as the engine will go on reporting it. A swarm-scoped network reads back
 * incomplete for a moment after create (no driver, pools or options), which would plan a
 * replacement on the next preview: read again (bounded) until it matches the declaration.
 */
async function settled(engine: Engine, first: NetworkInfo, inputs: any): Promise<NetworkInfo> {
  const complete = (i: NetworkInfo | undefined): boolean =>
    !!i && i.driver !== "" && !diffNetwork(outputsOf(inputs, i, false), inputs).changes;
  if (complete(first)) return first;
  const info = await until(SETTLE_MS, async () => {
    const now = await engine.inspectNetwork(first.id);
    return now && complete(now) ? now : undefined;
  });
  return info ?? first;
}

/**
 * The networks this library labelled on each engine, as the provider process first saw them
 * (one list per engine and run, not one per create): an earlier, interrupted run's networks are
 * there before this process starts.
 */
const labelledAtStart = new Map<string, Promise<{ id: string; name: string; owner: string }[]>>();

/**
 * The network an earlier, interrupted create of this very resource made (the engine did it, the
 * state never recorded it): labelled by this library for this resource, with the declared
 * settings (an auto-name may differ in its random part), no container on it yet. Taken over
 * instead of making another. Any other is left alone: it may be the recorded network that this
 * create replaces.
 */
async function madeEarlier(engine: Engine, inputs: any): Promise<NetworkInfo | undefined> {
  if (!inputs.owner) return undefined;
  let labelled = labelledAtStart.get(engine.host);
  if (!labelled) {
    labelled = engine
      .networkLabels({ label: [`${MANAGED_LABEL}=true`] })
      .then((all) => all.map((n) => ({ id: n.id, name: n.name, owner: n.labels[OWNER_LABEL] })));
    labelledAtStart.set(engine.host, labelled);
    labelled.catch(() => labelledAtStart.delete(engine.host));
  }
  const named = (name: string): boolean => (inputs.autoNamed ? sameAutoName(name, inputs.name) : name === inputs.name);
  for (const candidate of (await labelled).filter((n) => n.owner === inputs.owner && named(n.name))) {
    // Inspected now: it may have gone, or gained containers, since the list.
    const n = await engine.inspectNetwork(candidate.id);
    const declared = { ...inputs, name: candidate.name };
    if (n && n.containers.length === 0 && !diffNetwork(outputsOf(declared, n, false), declared).changes) return n;
  }
  return undefined;
}

/** How long a network's last endpoints may take to go (the engine removes them asynchronously). */
const ENDPOINTS_GONE_MS = 15_000;

/**
 * `docker network rm` of a network whose containers are gone or going: retried (bounded) while
 * the engine removes endpoints asynchronously (an overlay's load balancer, a container
 * disconnected a moment ago).
 */
async function removeWhenFree(engine: Engine, id: string): Promise<void> {
  const end = Date.now() + ENDPOINTS_GONE_MS;
  for (;;) {
    try {
      await engine.removeNetwork(id);
      return;
    } catch (err) {
      if (!inUse(err) || Date.now() > end) throw err;
    }
    await sleep(250);
  }
}

/**
 * Waits (bounded) until a removed swarm-scoped network's local copy is gone too, so that a
 * replacement with the same name or pool can follow at once.
 */
async function localCopyGone(engine: Engine, id: string): Promise<void> {
  const gone = await until(ENDPOINTS_GONE_MS, async () => ((await engine.inspectNetwork(id)) ? undefined : true));
  if (!gone)
    throw new Error(
      `docker network rm ${id} on ${engine.host}: the network is still listed after ${ENDPOINTS_GONE_MS / 1000} s`,
    );
}

const inUse = (err: unknown): boolean => /active endpoints/i.test(String((err as Error)?.message));

/**
 * The error for a swarm-scoped network a service still uses (the managers refuse to remove it):
 * which services, and how to take the network off them. Containers can be disconnected; a
 * service is the user's (or another stack's) to change.
 */
async function usedByServices(engine: Engine, id: string, kind: string, err: unknown): Promise<Error> {
  const [info, services] = await Promise.all([engine.inspectNetwork(id), engine.listServices()]);
  const users = services.filter((s) => s.networks.some((n) => n.networkId === id));
  if (users.length === 0) return err as Error;
  const name = info?.name ?? id;
  return new Error(
    `${kind} "${name}" on ${engine.host} is still used by ${users.length} service(s): ${users.map((s) => s.name).join(", ")}. Nothing was changed. ` +
      `Take the network off them first (remove it from the service's declaration or its ServiceAttachment, or docker service update --network-rm ${name} <service>), or remove the services; ` +
      "disconnectOnDelete disconnects containers only, it never changes or removes a service",
  );
}

/** The containers on this engine that keep the network in use: named, or disconnected (`disconnect`). */
async function freeHere(engine: Engine, id: string, kind: string, disconnect: boolean): Promise<void> {
  const info = await engine.inspectNetwork(id);
  // The swarm's load-balancer endpoint (lb-<network>) is the engine's own and goes with the network.
  const users = info?.containers.filter((c) => !c.containerId.startsWith("lb-")) ?? [];
  if (users.length > 0 && !disconnect) {
    throw new Error(
      `${kind} "${info!.name}" on ${engine.host} is still used by ${users.length} container(s): ${listContainers(users)}. ` +
        `Disconnect them (docker network disconnect ${info!.name} <container>) or set disconnectOnDelete: true`,
    );
  }
  for (const c of users) await engine.disconnect(id, c.containerId, true);
  if (info) await removeWhenFree(engine, id);
}

/** A standalone container on another node, as the managers know it: by ID and node. */
interface RemoteAttachment {
  readonly containerId: string;
  readonly nodeId: string;
  /** The node, for messages: hostname, address and ID (see nodeLabel). */
  readonly node: string;
}

/**
 * The container behind a task that keeps a swarm-scoped network in use ("in use by task T"):
 * a standalone container attached on its own node, which the managers know only as a network
 * attachment task (never listed, but inspectable); undefined for any other task.
 */
async function remoteAttachment(engine: Engine, err: unknown): Promise<RemoteAttachment | undefined> {
  const taskId = /in use by task (\S+)/i.exec(String((err as Error)?.message))?.[1];
  const task = taskId ? await engine.inspectTask(taskId) : undefined;
  if (!task?.attachedContainerId) return undefined;
  const node = await engine.inspectNode(task.nodeId);
  return { containerId: task.attachedContainerId, nodeId: task.nodeId, node: nodeLabel(task.nodeId, node) };
}

/**
 * Disconnects a container on another node (`disconnectOnDelete`) through the engine among `nodes`
 * (an OverlayNetwork's cluster hosts, by node ID) that is that node; throws, changing nothing,
 * when none is.
 */
async function disconnectElsewhere(
  id: string,
  name: string,
  kind: string,
  user: RemoteAttachment,
  nodes: { engine: Engine; nodeId: string }[],
): Promise<void> {
  const node = nodes.find((n) => n.nodeId === user.nodeId);
  if (node) return void (await node.engine.disconnect(id, user.containerId, true));
  throw new Error(
    `${kind} "${name}": disconnectOnDelete cannot reach the engine of ${user.node}, where container ${user.containerId.slice(0, 12)} still uses it. Nothing was changed. ` +
      "Give the OverlayNetwork swarm: the SwarmCluster of that host (its hosts' connections are used), or disconnect it there (docker -H <host> network disconnect)",
  );
}

/**
 * A swarm-scoped network the managers refuse to remove "in use by task": named (the container
 * and its host; the managers reveal one at a time), or, with `disconnect`, each container
 * disconnected on its node and the removal tried again, bounded.
 */
async function freeElsewhere(
  engine: Engine,
  id: string,
  kind: string,
  disconnect: boolean,
  nodeConnections: Connection[],
  refusal: unknown,
): Promise<void> {
  const name = (await engine.inspectNetwork(id))?.name ?? id;
  const end = Date.now() + ENDPOINTS_GONE_MS;
  const disconnected = new Set<string>();
  let nodes: { engine: Engine; nodeId: string }[] | undefined;
  for (let err = refusal; ;) {
    const user = await remoteAttachment(engine, err);
    if (!user) throw err;
    if (!disconnect) {
      throw new Error(
        `${kind} "${name}" on ${engine.host} is still used by container ${user.containerId.slice(0, 12)} on ${user.node} (attached there; the swarm names one container at a time). Nothing was changed. ` +
          `Disconnect it on its host (docker -H <host> network disconnect ${name} ${user.containerId.slice(0, 12)}), or set disconnectOnDelete: true (with the OverlayNetwork's swarm set to the SwarmCluster of that host, so that it can reach its engine)`,
      );
    }
    // The attachment task goes a moment after its container is disconnected.
    if (!disconnected.has(user.containerId)) {
      // Which node each host is, asked once for all the containers there may be.
      nodes ??= await Promise.all(
        nodeConnections.map(async (c) => {
          const e = Engine.connect(c);
          return { engine: e, nodeId: (await e.localSwarm()).nodeId };
        }),
      );
      await disconnectElsewhere(id, name, kind, user, nodes);
    } else if (Date.now() > end) throw err;
    else await sleep(250);
    disconnected.add(user.containerId);
    try {
      return await removeWhenFree(engine, id);
    } catch (e) {
      if (!/in use by task/i.test(String((e as Error)?.message))) throw e;
      err = e;
    }
  }
}

/**
 * `docker network rm`: at once when nothing is on it; else inspected to say by whom, or to
 * disconnect them (`disconnect`: here, or on the other nodes of `nodeConnections`); a
 * swarm-scoped network until its local copy is gone too.
 */
async function removeNetwork(
  engine: Engine,
  id: string,
  scope: string | undefined,
  disconnect: boolean,
  kind: string,
  nodeConnections: Connection[] = [],
): Promise<void> {
  try {
    await engine.removeNetwork(id);
  } catch (err) {
    const message = String((err as Error)?.message);
    if (/in use by service/i.test(message)) throw await usedByServices(engine, id, kind, err);
    if (/in use by task/i.test(message)) await freeElsewhere(engine, id, kind, disconnect, nodeConnections, err);
    else if (inUse(err)) await freeHere(engine, id, kind, disconnect);
    else throw err;
  }
  if (scope === "swarm") await localCopyGone(engine, id);
}

/** The auto-name each resource had in its last check with olds (by owner and parent), in this process. */
const namesBefore = new Map<string, string>();

export function networkProvider(d: NetworkDriver): pulumi.dynamic.ResourceProvider {
  return {
    async check(olds: any, news: any) {
      const failures = [...networkArgProblems(news, d.kind), ...networkProblems(news), ...d.problems(news)];
      if (failures.length > 0) return failedCheck(news, failures);
      // A replacement is checked again without olds: the name from the check before tells it apart.
      const identity = `${news.owner}\n${news.autoNameScope ?? ""}`;
      const { name, autoNamed } = resolveName(olds ?? {}, news, namesBefore.get(identity));
      if (olds?.autoNamed && olds.name) namesBefore.set(identity, olds.name);
      const options = { ...news.options, ...d.typedOptions(news) };
      // A configuration network has no driver of its own (the engine reports "null").
      const driver = news.configOnly === true ? "null" : d.driver;
      const inputs: any = { name, autoNamed, driver, ...picked(news, [...SHARED_FIELDS, ...d.extraFields]) };
      if (Object.keys(options).length > 0) inputs.options = options;
      return { inputs };
    },

    async diff(_id: string, olds: any, news: any) {
      const result = diffNetwork(olds, news);
      // A replacement that deletes first must not lose the network to a create the engine then
      // refuses: settings it is too old for are refused here, in the preview too (GET /version).
      if (result.deleteBeforeReplace)
        await Engine.requireOn(news.connection, `${d.kind} "${news.name}"`, networkNeeds(news));
      return result;
    },

    async create(inputs: any) {
      const engine = Engine.connect(inputs.connection);
      // check resolved the name and set the driver: the checked inputs are the spec.
      const spec: NetworkSpec = inputs;
      if (inputs.adopt) {
        const existing = await engine.findNetwork(spec.name);
        // A reference also matches IDs; only a network of that name is adopted.
        if (existing?.name === spec.name) {
          const outs = outputsOf(inputs, existing, true);
          const differs = diffNetwork(outs, inputs).replaces;
          if (differs.length > 0) {
            throw new Error(
              `${d.kind} "${spec.name}": adopt found network ${existing.id.slice(0, 12)} on ${engine.host}, but its ${differs.join(", ")} differ from the declaration: declare what it has, or remove it and let Pulumi create it`,
            );
          }
          return { id: existing.id, outs };
        }
      }
      await engine.require(`${d.kind} "${spec.name}"`, networkNeeds(inputs));
      const extra = await d.precondition?.(engine, spec);
      const earlier = await madeEarlier(engine, inputs);
      const create = (): Promise<NetworkInfo> =>
        engine.createNetwork(spec).catch((err: Error) => {
          throw d.explain?.(err, spec, engine.host) ?? err;
        });
      const info = earlier ?? (await settled(engine, await create(), inputs));
      try {
        const verified = await d.verify?.(inputs);
        return { id: info.id, outs: { ...outputsOf(inputs, info, false), ...extra, ...verified } };
      } catch (err) {
        // A network that does not work is not left behind half-done.
        await removeNetwork(engine, info.id, info.scope, true, d.kind).catch((left: Error) => {
          throw new Error(`${(err as Error).message}. Removing the network failed too: ${left.message}`);
        });
        throw err;
      }
    },

    async read(id: string, props: any) {
      const info = await Engine.connect(props?.connection).inspectNetwork(id);
      // An empty ID tells Pulumi the network is gone, so refresh drops it from state.
      if (!info) return { id: "", props: {} };
      return { id: info.id, props: outputsOf(props, info, !!props?.adopted) };
    },

    async update(_id: string, olds: any, news: any) {
      const { connection, disconnectOnDelete, adopt, nodeConnections } = news;
      return { outs: withoutUndefined({ ...olds, connection, disconnectOnDelete, adopt, nodeConnections }) };
    },

    async delete(id: string, props: any) {
      const engine = Engine.connect(props.connection as Connection | undefined);
      await removeNetwork(engine, id, props.scope, !!props.disconnectOnDelete, d.kind, props.nodeConnections);
    },
  };
}
