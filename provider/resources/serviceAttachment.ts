import * as pulumi from "@pulumi/pulumi";
import {
  connectionInput,
  declaredConnection,
  DockerNetworkingResource,
  NetworkResource,
  networkResourceRef,
  outputSlots,
  type ConnectionArgs,
} from "./network";
import type { Connection } from "../model/model";

/** Arguments of {@link ServiceAttachment}. */
export interface ServiceAttachmentArgs {
  /**
   * The swarm-scoped network: a name, an ID, or an {@link OverlayNetwork} of this library (then its
   * connection is the default) (`docker service update --network-add NETWORK`).
   */
  readonly network: pulumi.Input<string> | NetworkResource;
  /** The existing service: a name or an ID (`docker service update ... SERVICE`). */
  readonly service: pulumi.Input<string>;
  /** DNS names the service's tasks answer to on this network (`--network-add name=NET,alias=A`). @default none */
  readonly aliases?: pulumi.Input<pulumi.Input<string>[]>;
  /** Endpoint driver options (`--network-add name=NET,driver-opt=K=V`). @default none */
  readonly driverOptions?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * How long the service's rolling update may take to converge (every task running with the
   * change, as `docker service update` without `--detach` waits for); past it, or when the update
   * fails, the service is rolled back to its previous spec and the operation fails saying why,
   * within the same time. @default 300
   */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /**
   * Take over the service's existing entry for this network (in its own spec, or added by hand)
   * instead of failing: its aliases and driver options must match the declaration, and from then on
   * it is managed like any other (destroy removes it from the service). @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /** A swarm manager's engine. @default the network resource's connection, else `DOCKER_HOST`, else the local socket */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

const SERVICE_ATTACHMENT_OUTPUTS = [
  "serviceId",
  "serviceName",
  "networkId",
  "networkName",
  "virtualIp",
  "adopted",
] as const;

/**
 * An existing swarm service on one more network: `docker service update --network-add` on
 * create, `--network-rm` on delete, for a service this stack did not create (made by
 * `docker stack deploy`, compose or another tool), as {@link NetworkAttachment} is for containers.
 * Only the service's task networks change; each change is a rolling update of its tasks, waited
 * for until it converged. For a service Pulumi creates (`@pulumi/docker`'s `Service`), declare its
 * networks there instead, never both on one service.
 */
export class ServiceAttachment extends DockerNetworkingResource {
  /** The service's full ID. */
  declare readonly serviceId: pulumi.Output<string>;
  /** The service's name. */
  declare readonly serviceName: pulumi.Output<string>;
  /** The network's ID. */
  declare readonly networkId: pulumi.Output<string>;
  /** The network's name. */
  declare readonly networkName: pulumi.Output<string>;
  /** The aliases the service has on the network, as the engine reports them. */
  declare readonly aliases: pulumi.Output<string[]>;
  /** The endpoint driver options, as the engine reports them. */
  declare readonly driverOptions: pulumi.Output<Record<string, string>>;
  /** The service's virtual IP on the network (CIDR form), or "" for a service in `dnsrr` endpoint mode. */
  declare readonly virtualIp: pulumi.Output<string>;
  /** True when the service's entry existed and was taken over with `adopt`. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** The manager's engine (secret when it carries key material). */
  declare readonly connection: pulumi.Output<Connection | undefined>;

  constructor(name: string, args: ServiceAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    const net = args.network instanceof NetworkResource ? args.network : undefined;
    super(
      "ServiceAttachment",
      name,
      {
        ...outputSlots(SERVICE_ATTACHMENT_OUTPUTS),
        ...args,
        network: net ? net.networkId : args.network,
        networkResource: net && networkResourceRef(net),
        connection: args.connection !== undefined ? connectionInput(args.connection) : net && declaredConnection(net),
      },
      opts,
    );
  }
}
