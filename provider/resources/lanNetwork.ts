import * as pulumi from "@pulumi/pulumi";
import type { LanKind, LanNeighbour } from "../model/lanValidation";
import { NetworkResource, type NetworkArgs } from "./network";

/** Arguments every LAN network takes: the shared network settings plus its parent interface. */
export interface LanNetworkArgs extends NetworkArgs {
  /**
   * The host interface on the LAN (`-o parent=eth0`), or an 802.1Q VLAN sub-interface of it
   * (`eth0.50`), which the engine creates with the network and removes with it.
   * @default none: with `internal: true`, a network that stays on the host
   */
  readonly parent?: pulumi.Input<string>;
}

/** The LAN networks each stack's program declared so far, as their successors' `check` sees them. */
const declaredSoFar = new Map<string, pulumi.Output<LanNeighbour>[]>();

/**
 * A network that puts containers on the host's LAN (macvlan, ipvlan). Each tells `check` about
 * the LAN networks the program declared before it (`lanNeighbours`), so that two networks on one
 * parent of one engine, or two hosts handing out the same LAN addresses, are refused by the
 * preview.
 */
export abstract class LanNetwork extends NetworkResource {
  /** The parent interface, as declared. */
  declare readonly parent: pulumi.Output<string | undefined>;

  protected constructor(kind: LanKind, name: string, args: LanNetworkArgs, opts?: pulumi.CustomResourceOptions) {
    const program = `${pulumi.getProject()}/${pulumi.getStack()}`;
    const before = declaredSoFar.get(program) ?? [];
    super(kind, name, { ...args, lanNeighbours: pulumi.all(before) } as NetworkArgs, opts);
    const host = pulumi.output(args.connection).apply((c) => c?.host);
    const me = pulumi
      .all([host, args.parent, (args as { mode?: pulumi.Input<string> }).mode, args.ipamConfigs])
      .apply(([host, parent, mode, ipamConfigs]) => ({
        resource: name,
        kind,
        host,
        parent,
        mode,
        ipamConfigs: ipamConfigs?.map((c) => ({ subnet: c.subnet, ipRange: c.ipRange })),
      })) as pulumi.Output<LanNeighbour>;
    declaredSoFar.set(program, [...before, me]);
  }
}
