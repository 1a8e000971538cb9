import type * as pulumi from "@pulumi/pulumi";
import { LanNetwork, type LanNetworkArgs } from "./lanNetwork";

/** How macvlan endpoints on one parent reach each other (`-o macvlan_mode`). */
export type MacvlanMode = "bridge" | "private" | "vepa" | "passthru";

/** Arguments of {@link MacvlanNetwork}: the shared network settings, the parent and the mode. */
export interface MacvlanNetworkArgs extends LanNetworkArgs {
  /**
   * `bridge`: containers on the parent reach each other directly; `private`: they do not;
   * `vepa`: only through the switch (which must hairpin); `passthru`: one container takes the
   * whole parent (`-o macvlan_mode`). @default "bridge"
   */
  readonly mode?: pulumi.Input<MacvlanMode>;
}

/**
 * Containers on the host's LAN, each with a MAC and an address of its own on the parent interface:
 * `docker network create --driver macvlan -o parent=eth0`. IPAM as a bridge's: `ipamConfigs` with
 * the LAN's subnet, its router as `gateway`, an `ipRange` no DHCP server hands out, and
 * `auxAddresses` for the LAN's other hosts. The host itself cannot reach its own macvlan
 * containers through the parent (the kernel's rule; see the README). A changed setting replaces it.
 */
export class MacvlanNetwork extends LanNetwork {
  /** The mode, as declared. */
  declare readonly mode: pulumi.Output<MacvlanMode | undefined>;

  constructor(name: string, args: MacvlanNetworkArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super("MacvlanNetwork", name, args, opts);
  }
}
