/**
 * The resource model and its mapping to and from the Docker Engine API. Pure: no dockerode, no
 * Pulumi runtime. Engine JSON is PascalCase; everything the library exposes is camelCase.
 */
import { formatIp, parseCidr } from "./cidr";

/** Where the Docker engine is. Names follow @pulumi/docker's provider configuration. */
export interface Connection {
  /** `unix:///path`, `tcp://host:port` or `ssh://user@host`; default `DOCKER_HOST`, else the local socket. */
  readonly host?: string;
  /** PEM CA certificate for `tcp://` with TLS. */
  readonly caMaterial?: string;
  /** PEM client certificate for `tcp://` with TLS. */
  readonly certMaterial?: string;
  /** PEM client key (TLS) or SSH private key; always kept secret. */
  readonly keyMaterial?: string;
}

/** One IPAM pool of a network (`docker network create --subnet/--gateway/--ip-range/--aux-address`). */
export interface IpamConfig {
  readonly subnet?: string;
  readonly gateway?: string;
  readonly ipRange?: string;
  readonly auxAddresses?: Record<string, string>;
}

/**
 * The gateway a pool has on the engine: the declared one, else the first address the engine hands
 * out: of `ipRange` when there is one (measured: its very first address, unless that is the
 * subnet's network address); undefined when the pool's text does not parse.
 */
export function defaultGateway(pool: IpamConfig): string | undefined {
  if (pool.gateway) return pool.gateway;
  const subnet = parseCidr(pool.subnet ?? "");
  const range = pool.ipRange ? parseCidr(pool.ipRange) : subnet;
  if (!subnet || !range) return undefined;
  return formatIp({
    family: range.family,
    value: range.network === subnet.network ? range.network + 1n : range.network,
  });
}

/** A network's declared settings after `check`: plain values, name resolved. */
export interface NetworkSpec {
  readonly name: string;
  readonly driver: "bridge" | "overlay" | "macvlan" | "ipvlan";
  /**
   * A configuration only (`--config-only`): the pools and options one node gives a swarm-scoped
   * network made `--config-from` it; the engine reports its driver as `null`.
   */
  readonly configOnly?: boolean;
  /** A swarm-scoped network whose pools and options each node takes from its own network of this name (`--config-from`). */
  readonly configFrom?: string;
  readonly ipamConfigs?: IpamConfig[];
  readonly ipamDriver?: string;
  readonly ipamOptions?: Record<string, string>;
  readonly ipv6?: boolean;
  /** False for an IPv6-only network (Engine 28 and later); left out, the engine's default (true). */
  readonly enableIpv4?: boolean;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly ingress?: boolean;
  readonly labels?: Record<string, string>;
  /** Driver options, typed options already merged in. */
  readonly options?: Record<string, string>;
  /** The resource it is created for: the value of {@link OWNER_LABEL}. */
  readonly owner?: string;
}

/** A container's endpoint on a network, as `docker network inspect` lists it. */
export interface NetworkContainer {
  readonly containerId: string;
  readonly name: string;
  readonly endpointId: string;
  readonly macAddress: string;
  readonly ipv4Address: string;
  readonly ipv6Address: string;
}

/** A network as the engine reports it (`docker network inspect`). */
export interface NetworkInfo {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly scope: string;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly ingress: boolean;
  readonly ipv6: boolean;
  /** Engine 28 reports `EnableIPv4`; older engines have IPv4 on every network. */
  readonly enableIpv4: boolean;
  readonly ipamDriver: string;
  readonly ipamOptions: Record<string, string>;
  readonly ipamConfigs: IpamConfig[];
  readonly options: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly createdAt: string;
  readonly containers: NetworkContainer[];
  /** A configuration for swarm-scoped networks (`--config-only`). */
  readonly configOnly: boolean;
  /** The configuration network this one takes its pools and options from (`--config-from`), or "". */
  readonly configFrom: string;
}

/**
 * A container's settings on one network (`docker inspect` → NetworkSettings.Networks[name]). A
 * container that is not running keeps the settings, with no endpoint ID and no addresses (one
 * never started has no network ID either).
 */
export interface EndpointInfo {
  readonly networkId: string;
  readonly endpointId: string;
  /** Static addresses it was connected with (`--ip`, `--ip6`), as the engine keeps them. */
  readonly staticIpv4Address: string;
  readonly staticIpv6Address: string;
  readonly linkLocalIps: string[];
  readonly driverOptions: Record<string, string>;
  readonly aliases: string[];
  readonly ipv4Address: string;
  readonly ipv6Address: string;
  readonly macAddress: string;
  readonly gateway: string;
  /** Which of the container's networks gives its default route: the highest (Engine 28); 0 before. */
  readonly gwPriority: number;
}

/** Label put on every object this library creates, so its objects can be told apart from others. */
export const MANAGED_LABEL = "pulumi-docker-networking.managed";

/**
 * Label naming the resource a network was created for (`<project>/<stack>/<type>/<name>`), so a
 * create that a previous, interrupted run already carried out finds its network again.
 */
export const OWNER_LABEL = "pulumi-docker-networking.owner";

/** Whether two owners (`<project>/<stack>/<type>/<name>`) are resources of the same stack. */
export function sameStack(a: string | undefined, b: string | undefined): boolean {
  const stack = (owner: string | undefined): string | undefined => owner?.split("/").slice(0, 2).join("/");
  return !!a && !!b && stack(a) === stack(b);
}

/** Typed bridge settings and the driver options they stand for. */
export const BRIDGE_OPTION_KEYS = {
  bridgeName: "com.docker.network.bridge.name",
  mtu: "com.docker.network.driver.mtu",
  enableIcc: "com.docker.network.bridge.enable_icc",
  enableIpMasquerade: "com.docker.network.bridge.enable_ip_masquerade",
  hostBindingIpv4: "com.docker.network.bridge.host_binding_ipv4",
  gatewayModeIpv4: "com.docker.network.bridge.gateway_mode_ipv4",
  gatewayModeIpv6: "com.docker.network.bridge.gateway_mode_ipv6",
} as const;

/** Typed overlay settings and the driver options they stand for. */
export const OVERLAY_OPTION_KEYS = {
  mtu: "com.docker.network.driver.mtu",
  vxlanIds: "com.docker.network.driver.overlay.vxlanid_list",
  encrypted: "encrypted",
} as const;

/** Typed macvlan settings and the driver options they stand for (`-o parent=eth0 -o macvlan_mode=bridge`). */
export const MACVLAN_OPTION_KEYS = {
  parent: "parent",
  mode: "macvlan_mode",
} as const;

/** Typed ipvlan settings and the driver options they stand for (`-o parent=eth0 -o ipvlan_mode=l2 -o ipvlan_flag=bridge`). */
export const IPVLAN_OPTION_KEYS = {
  parent: "parent",
  mode: "ipvlan_mode",
  flag: "ipvlan_flag",
} as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- engine JSON is untyped at this boundary */

const stringMap = (m: any): Record<string, string> => ({ ...(m ?? {}) });

const withoutEmpty = <T extends object>(o: T): T =>
  Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== undefined && v !== "" && !(typeof v === "object" && Object.keys(v).length === 0),
    ),
  ) as T;

export function ipamConfigFromApi(c: any): IpamConfig {
  return withoutEmpty({
    subnet: c.Subnet,
    gateway: c.Gateway,
    ipRange: c.IPRange,
    auxAddresses: c.AuxiliaryAddresses ? stringMap(c.AuxiliaryAddresses) : undefined,
  });
}

/** Maps `GET /networks/{id}` JSON to the model; the library's own labels are left out. */
export function networkFromApi(n: any): NetworkInfo {
  const labels = stringMap(n.Labels);
  delete labels[MANAGED_LABEL];
  delete labels[OWNER_LABEL];
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    internal: !!n.Internal,
    attachable: !!n.Attachable,
    ingress: !!n.Ingress,
    ipv6: !!n.EnableIPv6,
    enableIpv4: n.EnableIPv4 !== false,
    ipamDriver: n.IPAM?.Driver || "default",
    ipamOptions: stringMap(n.IPAM?.Options),
    ipamConfigs: (n.IPAM?.Config ?? []).map(ipamConfigFromApi),
    options: stringMap(n.Options),
    labels,
    createdAt: n.Created,
    configOnly: !!n.ConfigOnly,
    configFrom: n.ConfigFrom?.Network ?? "",
    containers: Object.entries(n.Containers ?? {}).map(([containerId, c]: [string, any]) => ({
      containerId,
      name: c.Name,
      endpointId: c.EndpointID,
      macAddress: c.MacAddress,
      ipv4Address: c.IPv4Address,
      ipv6Address: c.IPv6Address,
    })),
  };
}

/** Maps a spec to the `POST /networks/create` body. */
export function networkCreateRequest(spec: NetworkSpec): any {
  const labels = { ...spec.labels, [MANAGED_LABEL]: "true", ...(spec.owner ? { [OWNER_LABEL]: spec.owner } : {}) };
  // A configuration takes pools and driver options only: the engine refuses the operator fields
  // (scope, internal, attachable, ingress) and keeps no driver of its own.
  if (spec.configOnly) {
    const { Name, CheckDuplicate, EnableIPv6, IPAM, Options } = networkCreateRequest({ ...spec, configOnly: false });
    return { Name, CheckDuplicate, ConfigOnly: true, EnableIPv6, IPAM, Options, Labels: labels };
  }
  // Pools, options and labels come from each node's configuration network: the engine refuses
  // any of them here ("user-specified configurations are not supported ..."), labels included.
  if (spec.configFrom) {
    return {
      Name: spec.name,
      Driver: spec.driver,
      CheckDuplicate: true,
      Scope: "swarm",
      ConfigFrom: { Network: spec.configFrom },
      ...(spec.attachable ? { Attachable: true } : {}),
    };
  }
  return {
    Name: spec.name,
    Driver: spec.driver,
    CheckDuplicate: true,
    Internal: !!spec.internal,
    Attachable: !!spec.attachable,
    Ingress: !!spec.ingress,
    EnableIPv6: !!spec.ipv6,
    // Sent only when declared: engines before 28 do not know it.
    ...(spec.enableIpv4 !== undefined ? { EnableIPv4: spec.enableIpv4 } : {}),
    IPAM: {
      Driver: spec.ipamDriver ?? "default",
      Options: spec.ipamOptions ?? {},
      Config: (spec.ipamConfigs ?? []).map((c) =>
        withoutEmpty({
          Subnet: c.subnet,
          Gateway: c.gateway,
          IPRange: c.ipRange,
          AuxiliaryAddresses: c.auxAddresses,
        }),
      ),
    },
    Options: spec.options ?? {},
    Labels: labels,
  };
}

/** Maps one entry of a container's `NetworkSettings.Networks` to the model. */
export function endpointFromApi(e: any): EndpointInfo {
  return {
    networkId: e.NetworkID ?? "",
    endpointId: e.EndpointID ?? "",
    staticIpv4Address: e.IPAMConfig?.IPv4Address ?? "",
    staticIpv6Address: e.IPAMConfig?.IPv6Address ?? "",
    linkLocalIps: [...(e.IPAMConfig?.LinkLocalIPs ?? [])],
    driverOptions: stringMap(e.DriverOpts),
    aliases: [...(e.Aliases ?? [])],
    ipv4Address: e.IPAddress ?? "",
    ipv6Address: e.GlobalIPv6Address ?? "",
    macAddress: e.MacAddress ?? "",
    gateway: e.Gateway ?? "",
    gwPriority: e.GwPriority ?? 0,
  };
}

/** Settings for connecting a container to a network (`docker network connect`). */
export interface EndpointSpec {
  readonly aliases?: string[];
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
  readonly linkLocalIps?: string[];
  readonly driverOptions?: Record<string, string>;
  readonly gwPriority?: number;
}

/** Maps endpoint settings to the `POST /networks/{id}/connect` body's EndpointConfig. */
export function endpointConfigRequest(spec: EndpointSpec): any {
  const ipam = withoutEmpty({
    IPv4Address: spec.ipv4Address,
    IPv6Address: spec.ipv6Address,
    LinkLocalIPs: spec.linkLocalIps?.length ? spec.linkLocalIps : undefined,
  });
  return withoutEmpty({
    Aliases: spec.aliases?.length ? spec.aliases : undefined,
    IPAMConfig: Object.keys(ipam).length ? ipam : undefined,
    DriverOpts: spec.driverOptions,
    // Sent only when declared: engines before 28 do not know it.
    GwPriority: spec.gwPriority,
  });
}
