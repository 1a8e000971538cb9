/**
 * `check` rules of the networks that put containers on the host's LAN (macvlan, ipvlan): the
 * parent interface, the driver's modes, and what two such networks of one program must not share.
 * Pure. The IPAM pools are checked as a bridge's are (networkValidation.ts).
 */
import { resolveHost } from "./connection";
import { cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { IPVLAN_OPTION_KEYS, MACVLAN_OPTION_KEYS } from "./model";
import { ifnameProblem, typedOptionConflicts, verifyProblems } from "./networkValidation";
import { isUnknown } from "./values";
import { known, oneOfProblem, type CheckFailure } from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

export const MACVLAN_MODES = ["bridge", "private", "vepa", "passthru"] as const;
export const IPVLAN_MODES = ["l2", "l3", "l3s"] as const;
export const IPVLAN_FLAGS = ["bridge", "private", "vepa"] as const;

/** The kinds of LAN network, by resource type. */
export type LanKind = "MacvlanNetwork" | "IpvlanNetwork";

/**
 * Another LAN network of the same program, as its resource class hands it to `check`
 * (`lanNeighbours`): enough to tell whether the two would share a parent or hand out the same
 * LAN addresses.
 */
export interface LanNeighbour {
  readonly resource: string;
  readonly kind: LanKind;
  /** Its `connection.host` as declared (left out: `DOCKER_HOST`, else the local socket). */
  readonly host?: string;
  readonly parent?: string;
  readonly mode?: string;
  readonly ipamConfigs?: { subnet?: string; ipRange?: string }[];
}

/** `parent`: an interface name; a VLAN sub-interface (`eth0.50`) names its VLAN ID too. */
function parentProblems(inputs: any): CheckFailure[] {
  const parent = inputs.parent;
  if (!known(parent)) {
    // A swarm-scoped network takes its parent from each node's configuration.
    const fromConfig = inputs.configFrom !== undefined;
    if (parent === undefined && !fromConfig && inputs.internal !== true && !isUnknown(inputs.internal)) {
      return [
        {
          property: "parent",
          reason:
            'parent is required: the host interface on the LAN (-o parent=eth0), or a VLAN sub-interface of it ("eth0.50"); leave it out only with internal: true, for a network that stays on the host',
        },
      ];
    }
    return [];
  }
  const named = ifnameProblem("parent", parent);
  if (named) return [named];
  const vlan = /\.(\d+)$/.exec(String(parent));
  if (vlan && (Number(vlan[1]) < 1 || Number(vlan[1]) > 4094)) {
    return [
      {
        property: "parent",
        reason: `parent "${parent}": VLAN ID ${vlan[1]} must be from 1 to 4094 (an 802.1Q sub-interface is <interface>.<VLAN ID>)`,
      },
    ];
  }
  return [];
}

/** What a configuration network cannot take, and what a network made from configurations takes from them. */
function swarmWideProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (inputs.configOnly === true) {
    for (const field of ["internal", "attachable", "ingress", "configFrom"]) {
      if (inputs[field] !== undefined && inputs[field] !== false) {
        failures.push({
          property: field,
          reason: `${field}: a configuration network (configOnly) holds a node's parent, pools and options only; set ${field} on the swarm-scoped network made configFrom it`,
        });
      }
    }
  }
  // verify proves a network between hosts: only a swarm-wide one spans them.
  if (inputs.verify !== undefined && inputs.configFrom === undefined) {
    failures.push({
      property: "verify",
      reason:
        "verify: a network of one host has no other host to prove it with; verify the swarm-wide network (configFrom) made from each node's configuration, or ping the LAN's router from a container on this one",
    });
  }
  failures.push(...verifyProblems(inputs));
  if (inputs.configFrom !== undefined) {
    for (const field of ["parent", "mode", "flag", "ipamConfigs", "options", "ipv6", "internal", "labels"]) {
      if (inputs[field] !== undefined) {
        failures.push({
          property: field,
          reason: `${field}: a network made configFrom "${known(inputs.configFrom) ? inputs.configFrom : "its configurations"}" takes it from each node's configuration network: declare it there (configOnly: true), or leave configFrom out`,
        });
      }
    }
    const names: unknown[] = Array.isArray(inputs.configFromNames) ? inputs.configFromNames : [];
    const distinct = [...new Set(names.filter((n) => known(n)))];
    if (distinct.length > 1) {
      failures.push({
        property: "configFrom",
        reason: `configFrom: the configuration networks are named ${distinct.map((n) => `"${String(n)}"`).join(", ")}, and each node finds its own by the one name the swarm-scoped network gives: give them one name (name: "${String(distinct[0])}")`,
      });
    }
  }
  return failures;
}

/** Typed macvlan fields, validated as the options they become. */
export function macvlanOptionProblems(inputs: any): CheckFailure[] {
  return [
    ...swarmWideProblems(inputs),
    ...parentProblems(inputs),
    ...[oneOfProblem("mode", inputs.mode, MACVLAN_MODES)].filter((f): f is CheckFailure => !!f),
    ...typedOptionConflicts(inputs, MACVLAN_OPTION_KEYS),
    ...neighbourProblems(inputs),
  ];
}

/** Typed ipvlan fields; L3 modes route, so the network has no gateway. */
export function ipvlanOptionProblems(inputs: any): CheckFailure[] {
  const failures = [
    ...swarmWideProblems(inputs),
    ...parentProblems(inputs),
    ...[oneOfProblem("mode", inputs.mode, IPVLAN_MODES), oneOfProblem("flag", inputs.flag, IPVLAN_FLAGS)].filter(
      (f): f is CheckFailure => !!f,
    ),
    ...typedOptionConflicts(inputs, IPVLAN_OPTION_KEYS),
    ...neighbourProblems(inputs),
  ];
  if (inputs.mode === "l3" || inputs.mode === "l3s") {
    (Array.isArray(inputs.ipamConfigs) ? inputs.ipamConfigs : []).forEach((c: any, i: number) => {
      if (known(c?.gateway)) {
        failures.push({
          property: `ipamConfigs[${i}].gateway`,
          reason: `ipamConfigs[${i}].gateway ${c.gateway}: an ipvlan network in mode "${inputs.mode}" routes through its parent and has no gateway; leave gateway out (the containers' default route is the parent interface)`,
        });
      }
    });
  }
  return failures;
}

/** The addresses a network hands out: its ranges, else its subnets. */
function rangesOf(pools: LanNeighbour["ipamConfigs"]): { text: string; cidr: Cidr }[] {
  return (Array.isArray(pools) ? pools : []).flatMap((p) => {
    const text = known(p?.ipRange) ? String(p.ipRange) : known(p?.subnet) ? String(p.subnet) : "";
    const cidr = parseCidr(text);
    return cidr ? [{ text, cidr }] : [];
  });
}

/**
 * What this network and the program's other LAN networks (`lanNeighbours`) must not share: the
 * parent of a passthru network on the same engine (it takes the whole interface; networks in the
 * other modes share a parent); and, on the same LAN (overlapping subnets), the addresses they
 * hand out: two networks handing out the same address put two containers on one LAN address.
 */
function neighbourProblems(inputs: any): CheckFailure[] {
  const neighbours: LanNeighbour[] = known(inputs.lanNeighbours) ? inputs.lanNeighbours : [];
  if (!Array.isArray(neighbours)) return [];
  const failures: CheckFailure[] = [];
  const host = isUnknown(inputs.connection?.host) ? undefined : resolveHost(inputs.connection);
  const mine = rangesOf(inputs.ipamConfigs);
  for (const n of neighbours) {
    if (!known(n) || !known(n.resource)) continue;
    const sameHost = host !== undefined && !isUnknown(n.host) && resolveHost({ host: n.host }) === host;
    const sameParent = sameHost && known(inputs.parent) && known(n.parent) && n.parent === inputs.parent;
    if (sameParent && [inputs.mode, n.mode].includes("passthru")) {
      failures.push({
        property: "parent",
        reason: `parent "${inputs.parent}" on ${host} is also the parent of ${n.kind} "${n.resource}", and a passthru network takes the whole interface: give one of them another interface, or a VLAN sub-interface ("${inputs.parent}.<VLAN ID>")`,
      });
    }
    for (const theirs of rangesOf(n.ipamConfigs)) {
      for (const m of mine) {
        if (cidrsOverlap(m.cidr, theirs.cidr)) {
          failures.push({
            property: "ipamConfigs",
            reason: `ipamConfigs hands out ${m.text}, which overlaps ${theirs.text} of ${n.kind} "${n.resource}" on the same LAN: give each network (each host) its own ipRange inside the subnet, so that no two containers get one address`,
          });
        }
      }
    }
  }
  return failures;
}
