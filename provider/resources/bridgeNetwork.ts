import type * as pulumi from "@pulumi/pulumi";
import { NetworkResource, type NetworkArgs } from "./network";

/** Arguments of {@link BridgeNetwork}: the shared network settings plus typed bridge options. */
export interface BridgeNetworkArgs extends NetworkArgs {
  /** Linux bridge interface name (`--opt com.docker.network.bridge.name`). @default `br-<id prefix>` */
  readonly bridgeName?: pulumi.Input<string>;
  /** MTU of the bridge (`--opt com.docker.network.driver.mtu`). @default 1500 */
  readonly mtu?: pulumi.Input<number>;
  /** Containers on the network may talk to each other (`--opt com.docker.network.bridge.enable_icc`). @default true */
  readonly enableIcc?: pulumi.Input<boolean>;
  /** Masquerade outgoing traffic (`--opt com.docker.network.bridge.enable_ip_masquerade`). @default true */
  readonly enableIpMasquerade?: pulumi.Input<boolean>;
  /** Default host address for published ports (`--opt com.docker.network.bridge.host_binding_ipv4`). @default 0.0.0.0 */
  readonly hostBindingIpv4?: pulumi.Input<string>;
}

/**
 * A user-defined bridge network on one engine: `docker network create --driver bridge`.
 * Docker cannot change a network in place, so a changed setting replaces it.
 */
export class BridgeNetwork extends NetworkResource {
  constructor(name: string, args: BridgeNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("BridgeNetwork", name, args, opts);
  }
}
