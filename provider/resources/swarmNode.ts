import type * as pulumi from "@pulumi/pulumi";
import {
  connectionInput,
  declareConnection,
  DockerNetworkingResource,
  outputSlots,
  secretWhen,
  type ConnectionArgs,
  type ProbeArgs,
} from "./network";
import type { Connection } from "../model/model";
import type { NodeAvailability, NodeRole, SwarmSpec } from "../model/swarmModel";

export type { ProbeArgs } from "./network";

/** How a node joins an existing swarm (`docker swarm join --token TOKEN HOST:PORT`). */
export interface SwarmJoinArgs {
  /** Managers to join through, `host[:port]` (`docker swarm join HOST:PORT`); port 2377 by default. */
  readonly remoteAddrs: pulumi.Input<pulumi.Input<string>[]>;
  /** A manager's `workerToken` or `managerToken`: it decides the role (`--token`); kept secret. */
  readonly token: pulumi.Input<string>;
}

/** Swarm-wide settings; `Input` form of {@link SwarmSpec}. */
export interface SwarmSpecArgs {
  /** The swarm's name; Docker accepts only "default". @default "default" */
  readonly name?: pulumi.Input<string>;
  /** Swarm labels. @default none */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Tasks kept in history per service (`--task-history-limit`). @default 5 */
  readonly taskHistoryRetentionLimit?: pulumi.Input<number>;
  /** Raft log entries between snapshots. @default 10000 */
  readonly snapshotInterval?: pulumi.Input<number>;
  /** Snapshots kept besides the current one. @default 0 */
  readonly keepOldSnapshots?: pulumi.Input<number>;
  /** Log entries kept to sync slow followers. @default 500 */
  readonly logEntriesForSlowFollowers?: pulumi.Input<number>;
  /** Raft ticks between heartbeats. @default 1 */
  readonly heartbeatTick?: pulumi.Input<number>;
  /** Raft ticks without a leader before an election; more than heartbeatTick. @default 10 */
  readonly electionTick?: pulumi.Input<number>;
  /** How often nodes report to the dispatcher, a duration (`--dispatcher-heartbeat`). @default "5s" */
  readonly dispatcherHeartbeatPeriod?: pulumi.Input<string>;
  /** Lifetime of node certificates, a duration of at least 1h (`--cert-expiry`). @default "2160h" */
  readonly nodeCertExpiry?: pulumi.Input<string>;
  /** Lock managers' keys at rest; the `unlockKey` output unlocks them (`--autolock`). @default false */
  readonly autoLockManagers?: pulumi.Input<boolean>;
}

/** Arguments of {@link SwarmNode}. */
export interface SwarmNodeArgs {
  /** The engine whose membership this is. @default `DOCKER_HOST`, else the local socket */
  readonly connection?: pulumi.Input<ConnectionArgs>;
  /** Join an existing swarm; left out, the engine inits a new swarm (`docker swarm init`). @default init */
  readonly join?: pulumi.Input<SwarmJoinArgs>;
  /** Address other nodes reach this one at (`--advertise-addr`). @default the engine picks its interface */
  readonly advertiseAddr?: pulumi.Input<string>;
  /** Address the swarm listens on (`--listen-addr`). @default "0.0.0.0:2377" */
  readonly listenAddr?: pulumi.Input<string>;
  /** Address for overlay (data path) traffic (`--data-path-addr`). @default advertiseAddr */
  readonly dataPathAddr?: pulumi.Input<string>;
  /** Init only: UDP port of VXLAN traffic, 1024-49151 (`--data-path-port`). @default 4789 */
  readonly dataPathPort?: pulumi.Input<number>;
  /** Init only: pools overlay subnets are cut from (`--default-addr-pool`). @default ["10.0.0.0/8"] */
  readonly defaultAddrPool?: pulumi.Input<pulumi.Input<string>[]>;
  /** Init only: prefix length of each overlay subnet (`--default-addr-pool-mask-length`). @default 24 */
  readonly subnetSize?: pulumi.Input<number>;
  /** Init only: make a single-manager swarm from this manager's state (`--force-new-cluster`). @default false */
  readonly forceNewCluster?: pulumi.Input<boolean>;
  /** Init only: swarm-wide settings, changed in place later (`docker swarm update`). @default the engine's */
  readonly spec?: pulumi.Input<SwarmSpecArgs>;
  /** Promote or demote the node once in the swarm (`docker node promote/demote`). @default the role its token gave */
  readonly role?: pulumi.Input<NodeRole>;
  /** Whether the node takes tasks (`docker node update --availability`). @default "active" */
  readonly availability?: pulumi.Input<NodeAvailability>;
  /** Node labels, set exactly once declared (`docker node update --label-add/--label-rm`). @default left as they are */
  readonly nodeLabels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Init only: any value; changing it rotates both join tokens (`docker swarm join-token --rotate`). @default none */
  readonly rotateTokens?: pulumi.Input<string | number>;
  /** On delete, let the last manager leave and so end the swarm (`docker swarm leave --force`). @default false */
  readonly forceLeave?: pulumi.Input<boolean>;
  /** A manager's engine, for a worker's node settings, cluster ID and removal from the node list. @default none */
  readonly managerConnection?: pulumi.Input<ConnectionArgs>;
  /**
   * Join only: before joining, prove from this engine that a manager answers on its swarm port
   * (2377/tcp) and 7946/tcp, with a short-lived probe container on the host network (like
   * `docker run --rm --network host IMAGE nc -w 3 MANAGER 2377`); a blocked port fails in
   * seconds, naming both hosts and the port, and nothing is joined. The image (needing sh and
   * busybox's nc) is never pulled: a named one must be on this engine; with the default one absent
   * the check is skipped and `preflightResult` says so. `false` skips the check.
   * @default { image: "busybox:latest", timeoutSeconds: 3 }
   */
  readonly preflight?: pulumi.Input<false | ProbeArgs>;
}

const SWARM_NODE_OUTPUTS = [
  "nodeId",
  "clusterId",
  "role",
  "hostname",
  "nodeAddress",
  "managerAddress",
  "availability",
  "nodeLabels",
  "spec",
  "defaultAddrPool",
  "subnetSize",
  "dataPathPort",
  "workerToken",
  "managerToken",
  "unlockKey",
  "adopted",
  "preflightResult",
] as const;

/**
 * The swarm membership of one Docker engine: `docker swarm init`, or `docker swarm join` with a
 * manager's token. The swarm spec, node availability and labels change in place; token rotation
 * keeps every node. Delete leaves the swarm: a worker leaves and is removed through a manager, a
 * manager is demoted first, and the last manager leaves only with `forceLeave`.
 */
export class SwarmNode extends DockerNetworkingResource {
  /** The node's ID in the swarm. */
  declare readonly nodeId: pulumi.Output<string>;
  /** The swarm's ID (managers, and workers with managerConnection). */
  declare readonly clusterId: pulumi.Output<string | undefined>;
  /** `manager` or `worker`. */
  declare readonly role: pulumi.Output<NodeRole>;
  /** The engine's hostname, as `docker node ls` shows it. */
  declare readonly hostname: pulumi.Output<string>;
  /** The init node: the swarm's address pools for overlay networks, as in force (defaults included). */
  declare readonly defaultAddrPool: pulumi.Output<string[] | undefined>;
  /** The init node: the prefix length of each overlay network's subnet from those pools, as in force. */
  declare readonly subnetSize: pulumi.Output<number | undefined>;
  /** The init node: the UDP port of VXLAN data traffic, as in force. */
  declare readonly dataPathPort: pulumi.Output<number | undefined>;
  /** The address the node is reached at. */
  declare readonly nodeAddress: pulumi.Output<string>;
  /** Managers: the address others join through (`host:2377`). */
  declare readonly managerAddress: pulumi.Output<string | undefined>;
  /** Whether the node takes tasks, as the swarm reports it. */
  declare readonly availability: pulumi.Output<NodeAvailability>;
  /** The node's labels, as the swarm reports them. */
  declare readonly nodeLabels: pulumi.Output<Record<string, string>>;
  /** Managers: the swarm's spec as the engine reports it. */
  declare readonly spec: pulumi.Output<SwarmSpec | undefined>;
  /** Managers: the token that joins a worker (secret). */
  declare readonly workerToken: pulumi.Output<string | undefined>;
  /** Managers: the token that joins a manager (secret). */
  declare readonly managerToken: pulumi.Output<string | undefined>;
  /** Managers of an autolocked swarm: the key that unlocks them after a restart (secret). */
  declare readonly unlockKey: pulumi.Output<string | undefined>;
  /** True when the engine was already this member and was taken over. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** Joins: what the preflight found (`passed: …`, `skipped: …` with why, `off: …`); undefined for init and adopted members. */
  declare readonly preflightResult: pulumi.Output<string | undefined>;
  /** The engine (secret when it carries key material). */
  declare readonly connection: pulumi.Output<Connection | undefined>;

  constructor(name: string, args: SwarmNodeArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const connection = connectionInput(args.connection);
    super(
      "SwarmNode",
      name,
      {
        ...outputSlots(SWARM_NODE_OUTPUTS),
        ...args,
        join: secretWhen(args.join as pulumi.Input<{ token?: string }> | undefined, (j) => !!j.token),
        connection,
        managerConnection: connectionInput(args.managerConnection),
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "workerToken", "managerToken", "unlockKey"],
      },
    );
    declareConnection(this, connection);
  }
}
