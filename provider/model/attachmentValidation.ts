/** `check` rules of NetworkAttachment. Pure. */
import { cidrContains, parseCidr, parseIp, sameAddress, type Cidr } from "./cidr";
import {
  addressProblem,
  aliasProblems,
  booleanProblems,
  connectionProblems,
  integerProblem,
  known,
  nameProblem,
  stringMapProblems,
  unknownArgProblems,
  type CheckFailure,
} from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

/** `network` and the other object the attachment plugs into it: each required, each a Docker name or ID. */
export function referenceProblems(inputs: any, fields: readonly string[]): CheckFailure[] {
  return fields.flatMap((field) => {
    const v = inputs[field];
    if (v === undefined || v === null || v === "") {
      return [{ property: field, reason: `${field} is required: give the ${field}'s name or ID` }];
    }
    return known(v) ? [nameProblem(field, v)].filter((f): f is CheckFailure => f !== undefined) : [];
  });
}

/** The arguments of a NetworkAttachment, as its provider takes them. */
export const ATTACHMENT_ARGS = [
  "network",
  "container",
  "aliases",
  "ipv4Address",
  "ipv6Address",
  "linkLocalIps",
  "driverOptions",
  "gwPriority",
  "adopt",
  "connection",
];

/** Inputs the NetworkAttachment class adds: ownership, and the network's pools when it was given the resource. */
export const ATTACHMENT_INTERNAL = ["owner", "networkSubnets", "networkGateways", "networkResource"];

/**
 * The network resource of the same program an attachment was given (set by the resource classes,
 * never by users): its kind, which `check` can judge, and its name, which messages use in place
 * of the ID the attachment connects by.
 */
export interface NetworkResourceRef {
  readonly kind: string;
  readonly name: string;
}

/** The network as messages name it: the resource's name when known, else the reference given. */
export function networkShown(inputs: any): string {
  const name = inputs.networkResource?.name;
  return typeof name === "string" && known(name) ? name : String(inputs.network);
}

/** What `docker network connect` refuses on the engine's own networks, by name. */
function predefinedNetworkProblems(inputs: any): CheckFailure[] {
  const network = inputs.network;
  if (network === "host" || network === "none") {
    return [
      {
        property: "network",
        reason: `network "${network}": a container joins the ${network} network only when it is created (docker run --network ${network}), never by docker network connect: attach it to a BridgeNetwork or OverlayNetwork`,
      },
    ];
  }
  if (network !== "bridge") return [];
  return ["aliases", "ipv4Address", "ipv6Address"]
    .filter((f) => known(inputs[f]) && !(Array.isArray(inputs[f]) && inputs[f].length === 0))
    .map((f) => ({
      property: f,
      reason: `${f}: the default bridge network takes no ${f === "aliases" ? "aliases" : "static addresses"} (the engine allows them on user-defined networks only): attach to a BridgeNetwork of your own`,
    }));
}

/**
 * Checks a NetworkAttachment's inputs; `networkSubnets` and `networkGateways` are the network's,
 * when the attachment was given the network resource and they are known.
 */
export function attachmentProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [
    ...unknownArgProblems(inputs, ATTACHMENT_ARGS, {
      internal: ATTACHMENT_INTERNAL,
      hints: { ip: "did you mean ipv4Address (or ipv6Address)?" },
    }),
    ...referenceProblems(inputs, ["network", "container"]),
    ...predefinedNetworkProblems(inputs),
    ...connectionProblems("connection", inputs.connection),
  ];
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  failures.push(...aliasProblems(inputs.aliases));
  push(addressProblem("ipv4Address", inputs.ipv4Address, 4));
  push(addressProblem("ipv6Address", inputs.ipv6Address, 6));
  if (known(inputs.linkLocalIps)) {
    (Array.isArray(inputs.linkLocalIps) ? inputs.linkLocalIps : [inputs.linkLocalIps]).forEach(
      (ip: unknown, i: number) => {
        if (known(ip) && !parseIp(String(ip))) {
          failures.push({
            property: `linkLocalIps[${i}]`,
            reason: `linkLocalIps[${i}] "${String(ip)}" is not an IP address`,
          });
        }
      },
    );
  }
  failures.push(...stringMapProblems("driverOptions", inputs.driverOptions));
  push(integerProblem("gwPriority", inputs.gwPriority, -(2 ** 31), 2 ** 31 - 1));
  failures.push(...booleanProblems(inputs, ["adopt"]));
  // The network's pools, when the attachment was given the network resource and they are known.
  const subnets = known(inputs.networkSubnets) && Array.isArray(inputs.networkSubnets) ? inputs.networkSubnets : [];
  for (const [field, family] of [
    ["ipv4Address", 4],
    ["ipv6Address", 6],
  ] as const) {
    const ip = known(inputs[field]) ? parseIp(String(inputs[field])) : undefined;
    if (!ip || ip.family !== family || subnets.some((s: unknown) => !known(s))) continue;
    const pools = subnets
      .map((s: string) => parseCidr(s))
      .filter((c: Cidr | undefined): c is Cidr => c?.family === family);
    if (pools.length > 0 && !pools.some((c: Cidr) => cidrContains(c, ip))) {
      failures.push({
        property: field,
        reason: `${field} ${inputs[field]} is outside the network's subnets (${subnets.join(", ")}): pick an address inside one of them`,
      });
    }
  }
  const gateways = known(inputs.networkGateways) && Array.isArray(inputs.networkGateways) ? inputs.networkGateways : [];
  for (const field of ["ipv4Address", "ipv6Address"]) {
    if (known(inputs[field]) && gateways.some((g: unknown) => known(g) && sameAddress(g, inputs[field]))) {
      failures.push({
        property: field,
        reason: `${field} ${inputs[field]} is the network's gateway: pick another address of the subnet`,
      });
    }
  }
  return failures;
}

/** The arguments of a ServiceAttachment, as its provider takes them. */
export const SERVICE_ATTACHMENT_ARGS = [
  "network",
  "service",
  "aliases",
  "driverOptions",
  "timeoutSeconds",
  "adopt",
  "connection",
];

/** Set by the resource class: see {@link NetworkResourceRef}. */
export const SERVICE_ATTACHMENT_INTERNAL = ["networkResource"];

/** A network resource of a kind whose networks a service cannot join (a bridge is local to one engine). */
function serviceNetworkKindProblem(ref: NetworkResourceRef | undefined): CheckFailure | undefined {
  if (!known(ref?.kind) || ref?.kind !== "BridgeNetwork") return undefined;
  return {
    property: "network",
    reason: `network: BridgeNetwork "${known(ref.name) ? ref.name : "(being created)"}" is local to one engine, and a service's tasks join only swarm-scoped networks: give an OverlayNetwork, a swarm-wide LAN network (configFrom), or the name or ID of a swarm-scoped network`,
  };
}

/** Checks a ServiceAttachment's inputs. */
export function serviceAttachmentProblems(inputs: any): CheckFailure[] {
  return [
    ...unknownArgProblems(inputs, SERVICE_ATTACHMENT_ARGS, { internal: SERVICE_ATTACHMENT_INTERNAL }),
    ...[serviceNetworkKindProblem(inputs.networkResource)].filter((f): f is CheckFailure => !!f),
    ...referenceProblems(inputs, ["network", "service"]),
    ...connectionProblems("connection", inputs.connection),
    ...aliasProblems(inputs.aliases),
    ...stringMapProblems("driverOptions", inputs.driverOptions),
    ...[integerProblem("timeoutSeconds", inputs.timeoutSeconds, 1, 3600)].filter((f): f is CheckFailure => !!f),
    ...booleanProblems(inputs, ["adopt"]),
  ];
}
