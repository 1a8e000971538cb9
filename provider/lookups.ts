/** Lookups: `docker network inspect`, `docker network ls`, `docker swarm inspect` and the topology, as Pulumi functions. */
import * as pulumi from "@pulumi/pulumi";
import { Engine, type NetworkFilters } from "./engine/engine";
import type { Connection, NetworkInfo } from "./model/model";
import type { ConnectionArgs } from "./resources/network";
import type { SwarmInfo, SwarmNodeInfo } from "./model/swarmModel";
import { servicesOf, swarmNodesOf, topologyHost, type Topology } from "./model/topology";

export type { NetworkInfo, NetworkContainer } from "./model/model";
export type { NetworkFilters } from "./engine/engine";
export type {
  Topology,
  TopologyContainer,
  TopologyEndpoint,
  TopologyHost,
  TopologyNetwork,
  TopologyService,
  TopologyServiceNetwork,
  TopologySwarmNode,
  TopologyTask,
} from "./model/topology";

/** Options of the `...Output` lookups. */
export interface LookupOptions {
  /**
   * Resources the lookup waits for, as `dependsOn` orders resources: e.g. the attachments, so that
   * a network lookup lists their containers on the first `up`. @default none
   */
  readonly dependsOn?: pulumi.Resource | pulumi.Resource[];
}

/**
 * Runs a lookup: a failure reaches the user as its message, named after the lookup (a RunError,
 * which Pulumi prints without the JavaScript stack), whether the engine or the arguments failed.
 */
async function lookup<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new pulumi.RunError(message.startsWith(`${what}:`) ? message : `${what}: ${message}`);
  }
}

/** `args` once every resource of `opts.dependsOn` is done (unknown in a preview where one is planned). */
function after<T>(args: T, opts: LookupOptions = {}): pulumi.Output<pulumi.Unwrap<T>> {
  const deps = ([] as pulumi.Resource[]).concat(opts.dependsOn ?? []);
  const done: pulumi.Output<string>[] = deps.map((r) => (pulumi.CustomResource.isInstance(r) ? r.id : r.urn));
  return pulumi.all(done).apply(() => pulumi.output(args));
}

/** Arguments of {@link getNetwork}: exactly one of `name` and `id`. */
export interface GetNetworkArgs {
  /**
   * The network's name (`docker network inspect NAME`), resolved as the engine does: a full ID
   * first, then an exact name, then an ID prefix; a name two networks share (in two scopes) fails,
   * listing them.
   */
  readonly name?: string;
  /** The network's ID or a unique prefix of it. */
  readonly id?: string;
  /** The engine to ask. @default `DOCKER_HOST`, else the local socket */
  readonly connection?: Connection;
}

/** Looks a network up by name or ID, with its attached containers; fails when it does not exist. */
export function getNetwork(args: GetNetworkArgs): Promise<NetworkInfo> {
  return lookup("getNetwork", async () => {
    const ref = args.id ?? args.name;
    if (!ref || (args.id && args.name)) throw new Error("give exactly one of name and id");
    const engine = Engine.connect(args.connection);
    const info = await engine.findNetwork(ref, args.id !== undefined ? "ID" : "name or ID");
    if (!info) throw new Error(`no network ${args.id ? "with ID" : "named"} "${ref}" on ${engine.host}`);
    return info;
  });
}

/** Arguments of {@link listNetworks}. */
export interface ListNetworksArgs {
  /** `docker network ls --filter` filters (name and id match substrings/prefixes, as in the CLI). @default none */
  readonly filters?: NetworkFilters;
  /** The engine to ask. @default `DOCKER_HOST`, else the local socket */
  readonly connection?: Connection;
}

/** Lists networks (`docker network ls`), each with the full picture of {@link getNetwork}. */
export function listNetworks(args: ListNetworksArgs = {}): Promise<NetworkInfo[]> {
  return lookup("listNetworks", () => Engine.connect(args.connection).listNetworks(args.filters));
}

/** {@link getNetwork} taking `Input`s. */
export function getNetworkOutput(
  args: {
    name?: pulumi.Input<string>;
    id?: pulumi.Input<string>;
    connection?: pulumi.Input<ConnectionArgs>;
  },
  opts?: LookupOptions,
): pulumi.Output<NetworkInfo> {
  return after(args, opts).apply((a) => getNetwork(a as GetNetworkArgs));
}

/** {@link listNetworks} taking `Input`s. */
export function listNetworksOutput(
  args: {
    filters?: pulumi.Input<NetworkFilters>;
    connection?: pulumi.Input<ConnectionArgs>;
  } = {},
  opts?: LookupOptions,
): pulumi.Output<NetworkInfo[]> {
  return after(args, opts).apply((a) => listNetworks(a as ListNetworksArgs));
}

/** A swarm as {@link getSwarm} reports it. */
export interface SwarmLookup extends Omit<SwarmInfo, "version"> {
  /** Every node (`docker node ls`). */
  readonly nodes: Omit<SwarmNodeInfo, "version">[];
}

/** Arguments of {@link getSwarm}. */
export interface GetSwarmArgs {
  /** A manager's engine. @default `DOCKER_HOST`, else the local socket */
  readonly connection?: Connection;
}

/**
 * The swarm a manager is in (`docker swarm inspect`, `docker node ls`, `docker swarm join-token`).
 * The join tokens are plain strings here: {@link getSwarmOutput} keeps them secret.
 */
export function getSwarm(args: GetSwarmArgs = {}): Promise<SwarmLookup> {
  return lookup("getSwarm", async () => {
    const engine = Engine.connect(args.connection);
    const swarm = await engine.inspectSwarm();
    if (!swarm) {
      const local = await engine.localSwarm();
      throw new Error(
        `the engine at ${engine.host} is not a swarm manager (swarm state: ${local.state}): ask a manager's engine`,
      );
    }
    const { version: _version, ...info } = swarm;
    const nodes = (await engine.listNodes()).map(({ version: _v, ...n }) => n);
    return { ...info, nodes };
  });
}

/** {@link getSwarm} taking `Input`s; the result is secret, since it carries the join tokens. */
export function getSwarmOutput(
  args: { connection?: pulumi.Input<ConnectionArgs> } = {},
  opts?: LookupOptions,
): pulumi.Output<SwarmLookup> {
  return pulumi.secret(after(args, opts).apply((a) => getSwarm(a as GetSwarmArgs)));
}

/** Arguments of {@link getTopology}. */
export interface GetTopologyArgs {
  /** The engines to ask, one per host. @default the one engine of `DOCKER_HOST`, else the local socket */
  readonly connections?: Connection[];
}

/**
 * What the engines report, host by host: swarm membership (and, from the first manager among
 * them, the node list and the services with their tasks), networks (driver, scope, subnets, attachable, encrypted) and containers
 * with their endpoints (addresses, aliases). `npx pulumi-docker-networking topology` draws it.
 */
export function getTopology(args: GetTopologyArgs = {}): Promise<Topology> {
  return lookup("getTopology", async () => {
    const engines = (args.connections?.length ? args.connections : [undefined]).map((c) => Engine.connect(c));
    const hosts = await Promise.all(
      engines.map(async (engine) => {
        const [local, networks] = await Promise.all([engine.localSwarm(), engine.listNetworks()]);
        // The swarm's own endpoints (lb-<network>, ingress-sbox) are no containers.
        const ids = [...new Set(networks.flatMap((n) => n.containers.map((c) => c.containerId)))].filter((id) =>
          /^[0-9a-f]{64}$/.test(id),
        );
        const containers = (await Promise.all(ids.map((id) => engine.inspectContainer(id)))).filter(
          (c): c is NonNullable<typeof c> => c !== undefined,
        );
        return { engine, local, host: topologyHost(engine.host, local, networks, containers) };
      }),
    );
    const manager = hosts.find((h) => h.local.isManager);
    if (!manager) return { hosts: hosts.map((h) => h.host), swarmNodes: [], services: [] };
    const [nodes, services, tasks] = await Promise.all([
      manager.engine.listNodes(),
      manager.engine.listServices(),
      manager.engine.listTasks({ "desired-state": ["running"] }),
    ]);
    const networks = hosts.flatMap((h) => h.host.networks);
    return {
      hosts: hosts.map((h) => h.host),
      swarmNodes: swarmNodesOf(nodes),
      services: servicesOf(services, tasks, nodes, networks),
    };
  });
}

/** {@link getTopology} taking `Input`s; secret when a connection is (key material). */
export function getTopologyOutput(
  args: { connections?: pulumi.Input<pulumi.Input<ConnectionArgs>[]> } = {},
  opts?: LookupOptions,
): pulumi.Output<Topology> {
  return after(args, opts).apply((a) => getTopology(a as GetTopologyArgs));
}
