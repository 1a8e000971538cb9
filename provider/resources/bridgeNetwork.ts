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
  /**
   * IPv4 address assignment (`--ipv4`); `false` with `ipv6: true` makes an IPv6-only network.
   * Needs Docker Engine 28 or later. @default true
   */
  readonly enableIpv4?: pulumi.Input<boolean>;
  /**
   * How IPv4 traffic leaves the network (`--opt com.docker.network.bridge.gateway_mode_ipv4`):
   * `nat` (masquerade; only published ports reachable from outside), `nat-unprotected` (masquerade,
   * every port reachable by direct routing), `routed` (no NAT: container addresses are routed), or
   * `isolated` (no address on the host; needs `internal: true`). `nat` and `routed` need Engine 27,
   * the others 28. @default "nat"
   */
  readonly gatewayModeIpv4?: pulumi.Input<GatewayMode>;
  /** The same for IPv6 (`--opt com.docker.network.bridge.gateway_mode_ipv6`). @default "nat" */
  readonly gatewayModeIpv6?: pulumi.Input<GatewayMode>;
}

/** A bridge network's gateway mode (Docker Engine 27 and later). */
export type GatewayMode = "nat" | "nat-unprotected" | "routed" | "isolated";

/**
 * A user-defined bridge network on one engine: `docker network create --driver bridge`.
 * Docker cannot change a network in place, so a changed setting replaces it.
 */
export class BridgeNetwork extends NetworkResource {
  constructor(name: string, args: BridgeNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("BridgeNetwork", name, args, opts);
  }
}
