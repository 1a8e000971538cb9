import type * as pulumi from "@pulumi/pulumi";
import { LanNetwork, type LanNetworkArgs } from "./lanNetwork";

/** How ipvlan forwards (`-o ipvlan_mode`): `l2` switches on the LAN, `l3` and `l3s` route. */
export type IpvlanMode = "l2" | "l3" | "l3s";

/** How ipvlan endpoints on one parent reach each other (`-o ipvlan_flag`). */
export type IpvlanFlag = "bridge" | "private" | "vepa";

/** Arguments of {@link IpvlanNetwork}: the shared network settings, the parent, the mode and the flag. */
export interface IpvlanNetworkArgs extends LanNetworkArgs {
  /**
   * `l2`: containers are on the LAN's subnet behind its router; `l3`/`l3s`: the host routes for
   * them (no gateway: the LAN's router needs a route to the subnet via the host; `l3s` also
   * applies the host's netfilter) (`-o ipvlan_mode`). @default "l2"
   */
  readonly mode?: pulumi.Input<IpvlanMode>;
  /** `bridge`: endpoints reach each other; `private`: they do not; `vepa`: only through the switch (`-o ipvlan_flag`). @default "bridge" */
  readonly flag?: pulumi.Input<IpvlanFlag>;
}

/**
 * Containers on the host's LAN sharing the parent interface's MAC address, each with an address of
 * its own: `docker network create --driver ipvlan -o parent=eth0` (for switches that allow one MAC
 * per port, and hosts that cap MAC addresses). Needs a kernel with ipvlan (CONFIG_IPVLAN); a host
 * without it takes the network and fails each container's connect, which the attachment reports.
 * A changed setting replaces it.
 */
export class IpvlanNetwork extends LanNetwork {
  /** The mode, as declared. */
  declare readonly mode: pulumi.Output<IpvlanMode | undefined>;
  /** The flag, as declared. */
  declare readonly flag: pulumi.Output<IpvlanFlag | undefined>;

  constructor(name: string, args: IpvlanNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("IpvlanNetwork", name, args, opts);
  }
}
