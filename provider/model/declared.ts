/**
 * What a resource tells its provider beyond its arguments, computed the same way by both faces
 * of the library: the TypeScript classes (from the program's objects) and the provider plugin
 * (from a URN and the inputs the engine sends). Pure: no Pulumi runtime.
 */
import { defaultGateway, type Connection, type IpamConfig } from "./model";
import type { LanKind, LanNeighbour } from "./lanValidation";

/** A resource's run-independent identity, `<project>/<stack>/<kind>/<name>`: who made an engine object. */
export function ownerOf(project: string, stack: string, kind: string, name: string): string {
  return `${project}/${stack}/${kind}/${name}`;
}

/** Whether a connection carries key material: it is then secret as a whole, in inputs and outputs. */
export function carriesKeys(connection: Partial<Connection> | undefined): boolean {
  return !!(connection && (connection.caMaterial || connection.certMaterial || connection.keyMaterial));
}

/**
 * The subnets and gateways an attachment to a network must respect: the declared pools (known in
 * a preview, before the network exists; a gateway left out is the one the engine will take),
 * else the engine's.
 */
export function attachmentPools(
  declared: readonly IpamConfig[] | undefined,
  observed: readonly IpamConfig[] | undefined,
): { subnets: string[]; gateways: string[] } {
  const pools = declared ?? observed ?? [];
  return {
    subnets: pools.flatMap((c) => (c.subnet ? [c.subnet] : [])),
    gateways: declared
      ? declared.flatMap((c) => defaultGateway(c) ?? [])
      : pools.flatMap((c) => (c.gateway ? [c.gateway] : [])),
  };
}

/** A LAN network as the LAN networks declared after it see it (their `lanNeighbours`). */
export function lanNeighbour(
  resource: string,
  kind: LanKind,
  args: { connection?: Partial<Connection>; parent?: string; mode?: string; ipamConfigs?: readonly IpamConfig[] },
): LanNeighbour {
  return {
    resource,
    kind,
    host: args.connection?.host,
    parent: args.parent,
    mode: args.mode,
    // Pools not known yet (a preview) are left out, as an unknown neighbour is in TypeScript.
    ipamConfigs: Array.isArray(args.ipamConfigs)
      ? args.ipamConfigs.map((c) => ({ subnet: c.subnet, ipRange: c.ipRange }))
      : undefined,
  };
}
