import * as pulumi from "@pulumi/pulumi";
import { declareConnection, declaredConnection, type ConnectionArgs } from "./network";
import type { PairResult } from "../model/probe";
import { OverlayNetwork, type OverlayNetworkArgs } from "./overlayNetwork";
import { SwarmNode, type ProbeArgs, type SwarmNodeArgs } from "./swarmNode";

/** One engine of a {@link SwarmCluster}. */
export interface SwarmHostArgs {
  /** The engine. @default `DOCKER_HOST`, else the local socket */
  readonly connection?: pulumi.Input<ConnectionArgs>;
  /** Address the other hosts reach this one at (`--advertise-addr`). */
  readonly advertiseAddr: pulumi.Input<string>;
  /** Address the swarm listens on (`--listen-addr`). @default "0.0.0.0:2377" */
  readonly listenAddr?: pulumi.Input<string>;
  /** Address for overlay traffic (`--data-path-addr`). @default advertiseAddr */
  readonly dataPathAddr?: pulumi.Input<string>;
  /** Whether the node takes tasks. @default "active" */
  readonly availability?: SwarmNodeArgs["availability"];
  /** Node labels. @default left as they are */
  readonly nodeLabels?: SwarmNodeArgs["nodeLabels"];
}

/** Arguments of {@link SwarmCluster}. */
export interface SwarmClusterArgs {
  /** The engines; the first inits the swarm, the next `managers - 1` join as managers, the rest as workers. */
  readonly hosts: SwarmHostArgs[];
  /** How many of the hosts are managers; an odd number keeps a Raft majority. A change promotes or demotes in place. @default 1 */
  readonly managers?: number;
  /** Swarm-wide settings (`docker swarm init` / `update`). @default the engine's */
  readonly spec?: SwarmNodeArgs["spec"];
  /** Pools overlay subnets are cut from (`--default-addr-pool`). @default ["10.0.0.0/8"] */
  readonly defaultAddrPool?: SwarmNodeArgs["defaultAddrPool"];
  /** Prefix length of each overlay subnet (`--default-addr-pool-mask-length`). @default 24 */
  readonly subnetSize?: SwarmNodeArgs["subnetSize"];
  /** UDP port of VXLAN traffic (`--data-path-port`). @default 4789 */
  readonly dataPathPort?: SwarmNodeArgs["dataPathPort"];
  /** Any value; changing it rotates both join tokens, keeping every node. @default none */
  readonly rotateTokens?: SwarmNodeArgs["rotateTokens"];
  /** Each joining node's check that the first manager's 2377/tcp and 7946/tcp answer (see SwarmNode). @default on, with busybox:latest */
  readonly preflight?: SwarmNodeArgs["preflight"];
  /**
   * Prove the swarm's data plane between every pair of hosts once all have joined: an attachable
   * overlay `<name>-verify` with OverlayNetwork's `verify` over all hosts (probe containers that
   * ping each other, then removed); the matrix is the `verification` output. `true` uses the
   * default probe. @default false
   */
  readonly verify?: boolean | ProbeArgs;
}

/**
 * How a SwarmCluster makes its parts: this library's TypeScript resources, or (in the provider
 * plugin, for other languages) the plugin package's own.
 */
export interface SwarmParts {
  node(name: string, args: SwarmNodeArgs, opts: pulumi.CustomResourceOptions): SwarmNode;
  overlay(name: string, args: OverlayNetworkArgs, opts: pulumi.CustomResourceOptions): OverlayNetwork;
}

const TYPESCRIPT_PARTS: SwarmParts = {
  node: (name, args, opts) => new SwarmNode(name, args, opts),
  overlay: (name, args, opts) => new OverlayNetwork(name, args, opts),
};

/**
 * A whole swarm in one resource: `docker swarm init` on the first host, `docker swarm join` on the
 * others with the first manager's tokens wired in as secrets. Managers join one after another
 * (Raft membership changes one at a time), workers after them. Destroy takes the nodes out in
 * reverse and ends the swarm: the first host is the last manager and leaves with `forceLeave`.
 */
export class SwarmCluster extends pulumi.ComponentResource {
  /** The nodes, in the order of `hosts`. */
  readonly nodes: SwarmNode[];
  /** The swarm's ID. */
  readonly clusterId: pulumi.Output<string | undefined>;
  /** The first manager's swarm address (`host:2377`), for `docker swarm join`. */
  readonly managerAddress: pulumi.Output<string | undefined>;
  /** Joins a worker (secret). */
  readonly workerToken: pulumi.Output<string | undefined>;
  /** Joins a manager (secret). */
  readonly managerToken: pulumi.Output<string | undefined>;
  /** With `verify`: each ordered pair of hosts, whether a ping by name and by address crossed an overlay. */
  readonly verification: pulumi.Output<PairResult[] | undefined>;

  /** @param parts how the nodes are made; @internal (the provider plugin's) */
  constructor(
    name: string,
    args: SwarmClusterArgs,
    opts?: pulumi.ComponentResourceOptions,
    parts: SwarmParts = TYPESCRIPT_PARTS,
  ) {
    super("docker-networking:index:SwarmCluster", name, {}, opts);
    const managers = args.managers ?? 1;
    // A ResourceError that hides its stack: the program's mistake, reported as a check failure reads.
    const refuse = (reason: string): never => {
      throw new pulumi.ResourceError(`SwarmCluster "${name}": ${reason}`, this, true);
    };
    if (!Array.isArray(args.hosts) || args.hosts.length === 0) refuse("hosts is empty: give at least one engine");
    if (!Number.isInteger(managers) || managers < 1 || managers > args.hosts.length) {
      refuse(`managers ${managers} must be a whole number from 1 to the number of hosts (${args.hosts.length})`);
    }
    const [first, ...rest] = args.hosts;
    const init = parts.node(
      `${name}-node-0`,
      {
        ...first,
        spec: args.spec,
        defaultAddrPool: args.defaultAddrPool,
        subnetSize: args.subnetSize,
        dataPathPort: args.dataPathPort,
        rotateTokens: args.rotateTokens,
        // Destroying the cluster ends the swarm: the first host leaves last, as its last manager.
        forceLeave: true,
      },
      { parent: this },
    );
    let lastManager = init;
    this.nodes = [init];
    rest.forEach((host, i) => {
      const isManager = i + 1 < managers;
      const node = parts.node(
        `${name}-node-${i + 1}`,
        {
          ...host,
          join: {
            remoteAddrs: [init.managerAddress.apply((a) => a ?? "")],
            token: (isManager ? init.managerToken : init.workerToken).apply((t) => t ?? ""),
          },
          // Explicit, so a changed `managers` promotes or demotes nodes in place.
          role: isManager ? "manager" : "worker",
          preflight: args.preflight,
          // No connection means the default engine; `{}` resolves to the same one.
          managerConnection: first.connection ?? {},
        },
        { parent: this, dependsOn: [lastManager] },
      );
      if (isManager) lastManager = node;
      this.nodes.push(node);
    });
    // Resources on this swarm (an OverlayNetwork's `swarm`) default to the init node's engine.
    declareConnection(this, declaredConnection(init));
    const probe = args.verify === true ? {} : args.verify || undefined;
    const verifier =
      probe &&
      parts.overlay(
        `${name}-verify`,
        {
          swarm: init,
          attachable: true,
          // No connection means the default engine; `{}` resolves to the same one.
          verify: { ...probe, hosts: args.hosts.map((h) => h.connection ?? {}) },
        },
        { parent: this, dependsOn: this.nodes },
      );
    this.verification = verifier ? verifier.verification : pulumi.output(undefined);
    this.clusterId = init.clusterId;
    this.managerAddress = init.managerAddress;
    this.workerToken = init.workerToken;
    this.managerToken = init.managerToken;
    this.registerOutputs({
      clusterId: this.clusterId,
      managerAddress: this.managerAddress,
      workerToken: this.workerToken,
      managerToken: this.managerToken,
      verification: this.verification,
    });
  }
}
