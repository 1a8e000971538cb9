/** What every network resource shares: args, outputs, and how args become provider inputs. */
import * as pulumi from "@pulumi/pulumi";
import type { Connection, IpamConfig } from "../model/model";
import { attachmentPools, carriesKeys, ownerOf as ownerIn } from "../model/declared";
import { providerShim } from "../providers/dynamic/shim";
import type { ProviderKind } from "../providers/dynamic/impl";

/** Where the Docker engine is; `Input` form of {@link Connection}. */
export interface ConnectionArgs {
  /** `unix:///path`, `tcp://host:port` or `ssh://user@host` (`docker -H`). @default `DOCKER_HOST`, else `unix:///var/run/docker.sock` */
  readonly host?: pulumi.Input<string>;
  /** PEM CA certificate for TLS (`docker --tlscacert`). @default none */
  readonly caMaterial?: pulumi.Input<string>;
  /** PEM client certificate for TLS (`docker --tlscert`). @default none */
  readonly certMaterial?: pulumi.Input<string>;
  /** PEM client key for TLS (`docker --tlskey`) or SSH private key; stored as a secret. @default none */
  readonly keyMaterial?: pulumi.Input<string>;
}

/** One IPAM pool; `Input` form of {@link IpamConfig}. */
export interface IpamConfigArgs {
  /** The pool's CIDR (`--subnet`). */
  readonly subnet: pulumi.Input<string>;
  /** Gateway address inside the subnet (`--gateway`). @default the engine picks the first address */
  readonly gateway?: pulumi.Input<string>;
  /** Sub-range containers get addresses from (`--ip-range`). @default the whole subnet */
  readonly ipRange?: pulumi.Input<string>;
  /** Addresses the engine must not hand out, by host name (`--aux-address host=ip`). @default none */
  readonly auxAddresses?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Arguments every network driver takes. */
export interface NetworkArgs {
  /** Docker network name (`docker network create NAME`). @default `<logical name>-<7 hex>`, stable across updates */
  readonly name?: pulumi.Input<string>;
  /** IPAM pools (`--subnet`, `--gateway`, `--ip-range`, `--aux-address`). @default one pool chosen by the engine */
  readonly ipamConfigs?: pulumi.Input<pulumi.Input<IpamConfigArgs>[]>;
  /** IPAM driver (`--ipam-driver`). @default "default" */
  readonly ipamDriver?: pulumi.Input<string>;
  /** IPAM driver options (`--ipam-opt`). @default none */
  readonly ipamOptions?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Enable IPv6 (`--ipv6`). @default false */
  readonly ipv6?: pulumi.Input<boolean>;
  /** No external access (`--internal`). @default false */
  readonly internal?: pulumi.Input<boolean>;
  /** Standalone containers may attach (`--attachable`). @default false */
  readonly attachable?: pulumi.Input<boolean>;
  /** Network labels (`--label`). @default none */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Driver options (`--opt`). @default none */
  readonly options?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * On destroy, disconnect containers still attached instead of failing (`docker network
   * disconnect -f`); on an overlay whose `swarm` is a SwarmCluster, also those on the cluster's
   * other hosts. @default false
   */
  readonly disconnectOnDelete?: pulumi.Input<boolean>;
  /**
   * Take over an existing network of this `name` instead of creating it (Pulumi's `import` does not
   * work for dynamic resources). Its settings must match the declaration; from then on it is
   * managed like any other: destroy removes it. @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /** The engine to manage the network on. @default `DOCKER_HOST`, else the local socket */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The connection as an input, secret whenever it carries key material. The `connection` output is
 * then secret too (an output is secret when the input of the same key was).
 */
export function connectionInput(conn: pulumi.Input<ConnectionArgs> | undefined): pulumi.Output<Connection> | undefined {
  return secretWhen(conn as pulumi.Input<Connection> | undefined, carriesKeys);
}

/** An input made secret as a whole when `holdsSecret` says its value carries one (keys, tokens). */
export function secretWhen<T>(
  input: pulumi.Input<T> | undefined,
  holdsSecret: (v: T) => boolean,
): pulumi.Output<T> | undefined {
  if (input === undefined) return undefined;
  const o = pulumi.output(input) as unknown as pulumi.Output<T>;
  return o.apply((v) => (v && holdsSecret(v) ? pulumi.secret(o) : o)) as unknown as pulumi.Output<T>;
}

/** Registers each output name, so the engine fills it in even when it is not an input. */
export function outputSlots(names: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((n) => [n, undefined]));
}

/** A resource's run-independent identity, `<project>/<stack>/<kind>/<name>`: who made an engine object. */
export function ownerOf(kind: ProviderKind, name: string): string {
  return ownerIn(pulumi.getProject(), pulumi.getStack(), kind, name);
}

/** A dynamic resource of this library: the type token is `pulumi-nodejs:dynamic/docker-networking:<Kind>`. */
export abstract class DockerNetworkingResource extends pulumi.dynamic.Resource {
  protected constructor(kind: ProviderKind, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(providerShim(kind), name, props, opts, "docker-networking", kind);
  }
}

/** A swarm member as the networks on the swarm see it: its swarm's ID, and its own node ID (a SwarmNode). */
export interface SwarmMember extends pulumi.CustomResource {
  /** The ID of the swarm it is in. */
  readonly clusterId: pulumi.Output<string | undefined>;
}

/**
 * What a swarm offers the networks on it, a SwarmCluster or the SwarmNode that made it: its ID,
 * and (a cluster) its nodes, whose engines disconnectOnDelete reaches. Networks depend on this,
 * not on the classes that offer it.
 */
export type SwarmOffer =
  | SwarmMember
  | (pulumi.ComponentResource & {
      readonly clusterId: pulumi.Output<string | undefined>;
      /** The swarm's nodes, the first the one that made it. */
      readonly nodes: readonly SwarmMember[];
    });

/**
 * What a network on `swarm` tells its provider: the swarm's ID (a new swarm replaces the network),
 * the ID of the node that made it (known in a preview while that node updates in place, when the
 * swarm's ID is not: it tells the same swarm from a new one), and a cluster's nodes' engines
 * (disconnectOnDelete reaches containers attached there).
 */
export function swarmInputs(swarm: SwarmOffer | undefined): pulumi.Inputs {
  if (!swarm) return {};
  return {
    clusterId: swarm.clusterId,
    swarmNodeId: ("nodes" in swarm ? swarm.nodes[0] : swarm).id,
    nodeConnections:
      "nodes" in swarm ? pulumi.all(swarm.nodes.map((n) => declaredConnections.get(n) ?? {})) : undefined,
  };
}

/** A probe container's settings. */
export interface ProbeArgs {
  /** Image of the probe, already on the engine (never pulled); needs sh and busybox's nc and ping. @default "busybox:latest" */
  readonly image?: pulumi.Input<string>;
  /** How long one probe waits for an answer, in seconds (1-60). @default 3 */
  readonly timeoutSeconds?: pulumi.Input<number>;
}

/** The hosts a swarm-scoped network's data plane is proven between (`verify`), and the probe's settings. */
export interface SwarmVerifyArgs extends ProbeArgs {
  /** The engines of two hosts or more of the swarm (a manager's and workers'). */
  readonly hosts: pulumi.Input<pulumi.Input<ConnectionArgs>[]>;
}

/** `verify` as an input: secret as a whole when a host's connection carries key material. */
export function verifyInput(verify: pulumi.Input<SwarmVerifyArgs> | undefined): pulumi.Output<unknown> | undefined {
  return (
    verify &&
    pulumi.output(verify).apply((v) =>
      pulumi.all(v.hosts.map((h) => connectionInput(h)!)).apply((hosts) => {
        const out = { ...v, hosts };
        return hosts.some(carriesKeys) ? pulumi.secret(out) : out;
      }),
    )
  );
}

/** The engine each resource of this library was declared on, for the resources that default to it. */
const declaredConnections = new WeakMap<pulumi.Resource, pulumi.Output<Connection> | undefined>();

/**
 * The connection `resource` was declared with (a swarm's: that of its init node), or undefined
 * when it was left out. Not the `connection` output, which is unknown while the resource is
 * being replaced and would show as a planned change of the resources that take it.
 */
export function declaredConnection(resource: pulumi.Resource): pulumi.Output<Connection> | undefined {
  return declaredConnections.get(resource);
}

/** Records the connection `resource` was declared with; see {@link declaredConnection}. */
export function declareConnection(resource: pulumi.Resource, connection: pulumi.Output<Connection> | undefined): void {
  declaredConnections.set(resource, connection);
}

/** The IPAM pools each network was declared with, when declared. */
const declaredPools = new WeakMap<NetworkResource, pulumi.Output<IpamConfig[]>>();

/** The subnets and gateways an attachment to `network` must respect (see attachmentPools). */
export function poolsOf(network: NetworkResource): pulumi.Output<{ subnets: string[]; gateways: string[] }> {
  return pulumi
    .all([declaredPools.get(network), network.ipamConfigs])
    .apply(([declared, observed]) => attachmentPools(declared, observed));
}

/** The kind of each network resource (BridgeNetwork, OverlayNetwork, MacvlanNetwork, ...). */
const networkKinds = new WeakMap<NetworkResource, ProviderKind>();

/**
 * What an attachment tells its provider of a network resource of the same program: its kind (for
 * `check`) and its name (for messages, in place of the ID the attachment connects by).
 */
export function networkResourceRef(network: NetworkResource): pulumi.Output<{ kind: string; name: string }> {
  return network.name.apply((name) => ({ kind: networkKinds.get(network) ?? "", name }));
}

/** A Docker network managed by Pulumi. */
export abstract class NetworkResource extends DockerNetworkingResource {
  /** The engine's network ID. */
  declare readonly networkId: pulumi.Output<string>;
  /** The network name. */
  declare readonly name: pulumi.Output<string>;
  /** The driver (`bridge`, `overlay`). */
  declare readonly driver: pulumi.Output<string>;
  /** `local` for bridge, `swarm` for overlay. */
  declare readonly scope: pulumi.Output<string>;
  /** The IPAM pools as the engine assigned them (subnet and gateway also when not declared). */
  declare readonly ipamConfigs: pulumi.Output<IpamConfig[]>;
  /** Labels the engine reports. */
  declare readonly labels: pulumi.Output<Record<string, string>>;
  /** Driver options the engine reports. */
  declare readonly options: pulumi.Output<Record<string, string>>;
  declare readonly internal: pulumi.Output<boolean>;
  declare readonly attachable: pulumi.Output<boolean>;
  declare readonly ipv6: pulumi.Output<boolean>;
  /** False on an IPv6-only network (`--ipv4=false`, Engine 28); true elsewhere. */
  declare readonly enableIpv4: pulumi.Output<boolean>;
  /** When the engine created the network (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;
  /** True when the network existed and was taken over with `adopt`. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** The engine the network is on (secret when it carries key material). */
  declare readonly connection: pulumi.Output<Connection | undefined>;

  protected constructor(kind: ProviderKind, name: string, args: NetworkArgs, opts?: pulumi.CustomResourceOptions) {
    const connection = connectionInput(args.connection);
    // Labelled on the network (see OWNER_LABEL).
    const owner = ownerOf(kind, name);
    // Resources of one name and type under two parents share an owner: the parent's URN tells their auto-names apart.
    const autoNameScope = opts?.parent?.urn;
    super(
      kind,
      name,
      { ...outputSlots(NETWORK_OUTPUTS), ...args, connection, autoNamePrefix: name, owner, autoNameScope },
      opts,
    );
    declareConnection(this, connection);
    networkKinds.set(this, kind);
    if (args.ipamConfigs !== undefined)
      declaredPools.set(this, pulumi.output(args.ipamConfigs) as pulumi.Output<IpamConfig[]>);
  }
}

const NETWORK_OUTPUTS = [
  "networkId",
  "name",
  "driver",
  "scope",
  "ipamConfigs",
  "labels",
  "options",
  "internal",
  "attachable",
  "ipv6",
  "enableIpv4",
  "createdAt",
  "adopted",
] as const;
