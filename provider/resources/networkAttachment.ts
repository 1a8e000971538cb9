import * as pulumi from "@pulumi/pulumi";
import {
  connectionInput,
  declaredConnection,
  DockerNetworkingResource,
  NetworkResource,
  networkResourceRef,
  outputSlots,
  ownerOf,
  poolsOf,
  type ConnectionArgs,
} from "./network";
import type { Connection } from "../model/model";

/** Arguments of {@link NetworkAttachment}. */
export interface NetworkAttachmentArgs {
  /**
   * The network: a name, an ID, or a network resource of this library (then its subnets let
   * `check` catch a static address outside them, and its connection is the default).
   */
  readonly network: pulumi.Input<string> | NetworkResource;
  /** The existing container: a name or an ID (`docker network connect NETWORK CONTAINER`). */
  readonly container: pulumi.Input<string>;
  /** DNS names of the container on this network (`--alias`). @default none */
  readonly aliases?: pulumi.Input<pulumi.Input<string>[]>;
  /** Static IPv4 address, inside one of the network's subnets (`--ip`). @default assigned by the engine */
  readonly ipv4Address?: pulumi.Input<string>;
  /** Static IPv6 address (`--ip6`). @default assigned by the engine when the network has IPv6 */
  readonly ipv6Address?: pulumi.Input<string>;
  /** Link-local addresses (`--link-local-ip`). @default none */
  readonly linkLocalIps?: pulumi.Input<pulumi.Input<string>[]>;
  /** Endpoint driver options (`--driver-opt`). @default none */
  readonly driverOptions?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Which of the container's networks gives its default route: the one with the highest priority,
   * ties going to the first network name in order (`docker network connect --gw-priority`). Needs
   * Docker Engine 28 or later. @default 0
   */
  readonly gwPriority?: pulumi.Input<number>;
  /**
   * Take over the container's existing connection to the network, made by hand or by another tool,
   * instead of failing: its settings must match the declaration, and from then on it is managed
   * like any other (destroy disconnects it; add `retainOnDelete` to leave it). Without it, only a
   * connection to a network this stack created is taken over (an interrupted `up`'s). @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /** The engine the container runs on. @default the network resource's connection, else `DOCKER_HOST`, else the local socket */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

const ATTACHMENT_OUTPUTS = [
  "networkId",
  "networkName",
  "containerId",
  "containerName",
  "endpointId",
  "ipv4Address",
  "ipv6Address",
  "macAddress",
  "gateway",
  "gwPriority",
  "adopted",
] as const;

/**
 * An existing container plugged into a network: `docker network connect` on create,
 * `docker network disconnect` on delete. A changed argument disconnects and connects again;
 * nothing else about the container is touched.
 */
export class NetworkAttachment extends DockerNetworkingResource {
  /** The network's ID. */
  declare readonly networkId: pulumi.Output<string>;
  /** The network's name. */
  declare readonly networkName: pulumi.Output<string>;
  /** The container's full ID. */
  declare readonly containerId: pulumi.Output<string>;
  /** The container's name. */
  declare readonly containerName: pulumi.Output<string>;
  /** The endpoint's ID on the network. */
  declare readonly endpointId: pulumi.Output<string>;
  /** The IPv4 address the container got (static or assigned). */
  declare readonly ipv4Address: pulumi.Output<string>;
  /** The global IPv6 address the container got, or "". */
  declare readonly ipv6Address: pulumi.Output<string>;
  /** The endpoint's MAC address. */
  declare readonly macAddress: pulumi.Output<string>;
  /** The network's IPv4 gateway as the container sees it. */
  declare readonly gateway: pulumi.Output<string>;
  /** The endpoint's gateway priority as the engine reports it (0 on engines before 28). */
  declare readonly gwPriority: pulumi.Output<number>;
  /** True when the connection existed and was taken over with `adopt`. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** The engine the container is on (secret when it carries key material). */
  declare readonly connection: pulumi.Output<Connection | undefined>;

  constructor(name: string, args: NetworkAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    const net = args.network instanceof NetworkResource ? args.network : undefined;
    const pools = net && poolsOf(net);
    super(
      "NetworkAttachment",
      name,
      {
        ...outputSlots(ATTACHMENT_OUTPUTS),
        ...args,
        network: net ? net.networkId : args.network,
        networkResource: net && networkResourceRef(net),
        networkSubnets: pools?.apply((p) => p.subnets),
        networkGateways: pools?.apply((p) => p.gateways),
        connection: args.connection !== undefined ? connectionInput(args.connection) : net && declaredConnection(net),
        owner: ownerOf("NetworkAttachment", name),
      },
      opts,
    );
  }
}
