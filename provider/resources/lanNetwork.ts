import * as pulumi from "@pulumi/pulumi";
import type { LanKind, LanNeighbour } from "../model/lanValidation";
import type { PairResult } from "../model/probe";
import { lanNeighbour } from "../model/declared";
import type { IpamConfig } from "../model/model";
import {
  declaredConnection,
  NetworkResource,
  outputSlots,
  swarmInputs,
  verifyInput,
  type NetworkArgs,
  type SwarmOffer,
  type SwarmVerifyArgs,
} from "./network";

/** Arguments every LAN network takes: the shared network settings, its parent, and the swarm-wide pair. */
export interface LanNetworkArgs extends NetworkArgs {
  /**
   * The host interface on the LAN (`-o parent=eth0`), or an 802.1Q VLAN sub-interface of it
   * (`eth0.50`), which the engine creates with the network and removes with it.
   * @default none: with `internal: true`, a network that stays on the host
   */
  readonly parent?: pulumi.Input<string>;
  /**
   * A configuration only (`docker network create --config-only`): this node's parent, pools and
   * options for a swarm-scoped network made `configFrom` it. Each node of the swarm gets one, all
   * of one `name`, each with the node's own `ipRange` of the LAN. @default false
   */
  readonly configOnly?: pulumi.Input<boolean>;
  /**
   * A swarm-scoped network whose tasks take each node's parent, pools and options from that node's
   * configuration network (`docker network create --scope swarm --config-from NAME`): the
   * configuration networks (of one name; created first), or their name. Created on a swarm
   * manager (`connection`, or `swarm`'s). @default none: a network of this host alone
   */
  readonly configFrom?: LanNetwork | LanNetwork[] | pulumi.Input<string>;
  /**
   * With `configFrom`: the swarm. The network is then created after it, on its init node's engine
   * (unless `connection` says otherwise), and re-created on a new swarm; a SwarmCluster's hosts are
   * reached by `disconnectOnDelete`. @default none: `connection` must be a manager
   */
  readonly swarm?: SwarmOffer;
  /**
   * With `configFrom`: prove on create that the network carries traffic between every pair of these
   * hosts by LAN address, as an overlay's `verify` does (probes on it, one per host, pinging each
   * other; removed afterwards). A failed pair fails the create, naming the pair and the likely
   * cause (a parent down or on another LAN, the switch dropping unknown MAC addresses), and the
   * network is removed; the matrix is the `verification` output. @default none: not verified
   */
  readonly verify?: pulumi.Input<SwarmVerifyArgs>;
}

/** The LAN networks each stack's program declared so far, as their successors' `check` sees them. */
const declaredSoFar = new Map<string, pulumi.Output<LanNeighbour>[]>();

/**
 * A network that puts containers on the host's LAN (macvlan, ipvlan). Each tells `check` about
 * the LAN networks the program declared before it (`lanNeighbours`), so that two networks handing
 * out the same LAN addresses, or a passthru network on a parent another has, are refused by the
 * preview. Swarm-wide, it is a pair: a configuration network on each node (`configOnly`), and one
 * swarm-scoped network made `configFrom` them.
 */
export abstract class LanNetwork extends NetworkResource {
  /** The parent interface, as declared. */
  declare readonly parent: pulumi.Output<string | undefined>;
  /** With `verify`: each ordered pair of hosts, whether a ping by name and by LAN address crossed the network. */
  declare readonly verification: pulumi.Output<PairResult[] | undefined>;

  protected constructor(kind: LanKind, name: string, args: LanNetworkArgs, opts?: pulumi.CustomResourceOptions) {
    const program = `${pulumi.getProject()}/${pulumi.getStack()}`;
    const before = declaredSoFar.get(program) ?? [];
    const { swarm, configFrom, ...rest } = args;
    const configs = configFrom instanceof LanNetwork ? [configFrom] : Array.isArray(configFrom) ? configFrom : [];
    const from = configs.length > 0 ? configs[0].name : (configFrom as pulumi.Input<string> | undefined);
    super(
      kind,
      name,
      {
        ...rest,
        connection: rest.connection ?? (swarm && declaredConnection(swarm)),
        ...swarmInputs(swarm),
        configFrom: from,
        // All of one name, which each node finds its own by: check says so when they are not.
        configFromNames: configs.length > 0 ? pulumi.all(configs.map((c) => c.name)) : undefined,
        lanNeighbours: pulumi.all(before),
        verify: verifyInput(rest.verify),
        ...outputSlots(["verification"]),
      } as NetworkArgs,
      pulumi.mergeOptions(opts, { dependsOn: [...configs, ...(swarm ? [swarm] : [])] }),
    );
    // The address only: a connection that carries a key is secret as a whole, its host is not.
    const host = pulumi.unsecret(pulumi.output(rest.connection).apply((c) => c?.host));
    const me = pulumi
      .all([host, args.parent, (args as { mode?: pulumi.Input<string> }).mode, args.ipamConfigs])
      .apply(([host, parent, mode, ipamConfigs]) =>
        lanNeighbour(name, kind, { connection: { host }, parent, mode, ipamConfigs: ipamConfigs as IpamConfig[] }),
      );
    declaredSoFar.set(program, [...before, me]);
  }
}
