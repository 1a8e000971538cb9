import type * as pulumi from "@pulumi/pulumi";
import { NetworkResource, type NetworkArgs } from "./network";

/** Arguments of {@link OverlayNetwork}: the shared network settings plus typed overlay options. */
export interface OverlayNetworkArgs extends NetworkArgs {
  /** Encrypt VXLAN traffic between hosts with IPsec (`--opt encrypted`); needs kernel XFRM support. @default false */
  readonly encrypted?: pulumi.Input<boolean>;
  /** The swarm's routing-mesh network; at most one per swarm (`--ingress`). @default false */
  readonly ingress?: pulumi.Input<boolean>;
  /** MTU of the overlay (`--opt com.docker.network.driver.mtu`). @default 1450 */
  readonly mtu?: pulumi.Input<number>;
  /** VXLAN IDs, one per declared subnet (`--opt com.docker.network.driver.overlay.vxlanid_list`). @default assigned by the swarm */
  readonly vxlanIds?: pulumi.Input<pulumi.Input<number>[]>;
}

/**
 * A multi-host network over VXLAN on a swarm: `docker network create --driver overlay`, on a
 * manager's `connection`. With `attachable`, standalone containers on any node of the swarm can
 * join it ({@link NetworkAttachment} with that node's connection). A changed setting replaces it.
 */
export class OverlayNetwork extends NetworkResource {
  constructor(name: string, args: OverlayNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("OverlayNetwork", name, args, opts);
  }
}
