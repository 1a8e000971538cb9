import * as pulumi from "@pulumi/pulumi";
import type { PairResult } from "../model/probe";
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

/** Arguments of {@link OverlayNetwork}: the shared network settings plus typed overlay options. */
export interface OverlayNetworkArgs extends NetworkArgs {
  /**
   * The swarm the network belongs to. It is then created after the swarm, on its init node's
   * engine (unless `connection` says otherwise), and re-created when the swarm is replaced by a
   * new one (an init node replaced), which `dependsOn` alone would not do: a SwarmCluster, or the
   * SwarmNode that made the swarm. @default none: `connection` must be a manager
   */
  readonly swarm?: SwarmOffer;
  /** Encrypt VXLAN traffic between hosts with IPsec (`--opt encrypted`); needs kernel XFRM support. @default false */
  readonly encrypted?: pulumi.Input<boolean>;
  /** The swarm's routing-mesh network; at most one per swarm (`--ingress`). @default false */
  readonly ingress?: pulumi.Input<boolean>;
  /** MTU of the overlay (`--opt com.docker.network.driver.mtu`). @default 1450 */
  readonly mtu?: pulumi.Input<number>;
  /**
   * VXLAN IDs, one per declared subnet, or one for the subnet the swarm allocates when none is
   * declared (`--opt com.docker.network.driver.overlay.vxlanid_list`). @default assigned by the swarm
   */
  readonly vxlanIds?: pulumi.Input<pulumi.Input<number>[]>;
  /**
   * Prove on create that the overlay carries traffic between every pair of these hosts: a probe on
   * it per host, pinging each other by name and by address, then removed. On an attachable overlay
   * the probes are standalone containers (like `docker run -d --network NET IMAGE sleep`); on any
   * other, the tasks of a short-lived global-mode service (`docker service create --mode global
   * --network NET IMAGE sleep`), one per node. A failed pair fails the create, naming the pair and
   * the likely blocked port, and the network is removed; the matrix is the `verification` output.
   * @default none: not verified
   */
  readonly verify?: pulumi.Input<OverlayVerifyArgs>;
}

/** The hosts an overlay's data plane is proven between, and the probe's settings. */
export type OverlayVerifyArgs = SwarmVerifyArgs;

/**
 * A multi-host network over VXLAN on a swarm: `docker network create --driver overlay`, on a
 * manager's `connection`. With `attachable`, standalone containers on any node of the swarm can
 * join it ({@link NetworkAttachment} with that node's connection). A changed setting replaces it.
 */
export class OverlayNetwork extends NetworkResource {
  /** The ID of the swarm the network was created in. */
  declare readonly clusterId: pulumi.Output<string>;
  /** With `verify`: each ordered pair of hosts, whether a ping by name and by address crossed the overlay. */
  declare readonly verification: pulumi.Output<PairResult[] | undefined>;

  constructor(name: string, args: OverlayNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const { swarm, ...rest } = args;
    super(
      "OverlayNetwork",
      name,
      {
        ...rest,
        connection: rest.connection ?? (swarm && declaredConnection(swarm)),
        ...swarmInputs(swarm),
        verify: verifyInput(rest.verify),
        ...outputSlots(["verification"]),
      } as NetworkArgs,
      swarm ? pulumi.mergeOptions(opts, { dependsOn: [swarm] }) : opts,
    );
  }
}
