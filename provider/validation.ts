/**
 * Input validation for `check`. Pure, so it runs in preview before anything touches an engine.
 * Every problem is reported (not just the first), each naming its field and the fix. Unknown
 * values (preview) are skipped: they are checked again once known.
 */
import { cidrContains, cidrProblem, cidrsOverlap, parseCidr, parseIp, type Cidr } from "./cidr";
import { BRIDGE_OPTION_KEYS, OVERLAY_OPTION_KEYS } from "./model";
import { parseDuration } from "./swarmModel";
import { isUnknown } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/**
 * `check`'s answer when there are failures. The Pulumi CLI prints a failure with a property as
 * `property P value {V} has a problem: R`, looking V up among the top-level inputs only (a nested
 * field shows as `{<nil>}`); each reason already names its field, so it goes as the resource's
 * own problem: `<type> resource '<name>' has a problem: R`.
 */
export function failedCheck(
  inputs: unknown,
  failures: readonly CheckFailure[],
): { inputs: any; failures: CheckFailure[] } {
  return { inputs, failures: failures.map((f) => ({ property: "", reason: f.reason })) };
}

const known = (v: unknown): boolean => v !== undefined && v !== null && !isUnknown(v);

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// DNS name: labels of letters, digits and hyphens (Docker also accepts '_' and '.'-joined labels).
const ALIAS_RE =
  /^(?=.{1,253}$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*$/;
// Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no '/', ':' or white space.
const IFNAME_RE = /^[a-zA-Z0-9_.-]{1,15}$/;

/** Docker object name rule (network names, container references by name). */
export function nameProblem(field: string, name: unknown): CheckFailure | undefined {
  if (!known(name)) return undefined;
  if (typeof name !== "string" || !NAME_RE.test(name) || name.length > 255) {
    return {
      property: field,
      reason: `${field} "${String(name)}" is not a valid Docker name: use letters, digits, '_', '.' and '-', starting with a letter or digit`,
    };
  }
  return undefined;
}

function stringMapProblems(field: string, map: unknown): CheckFailure[] {
  if (!known(map)) return [];
  if (typeof map !== "object" || Array.isArray(map)) {
    return [{ property: field, reason: `${field} must be a map of strings to strings` }];
  }
  return Object.entries(map as object)
    .filter(([, v]) => known(v) && typeof v !== "string")
    .map(([k]) => ({ property: field, reason: `${field}["${k}"] must be a string` }));
}

interface Subnet {
  readonly index: number;
  readonly cidr: Cidr;
}

function ipamProblems(inputs: any, failures: CheckFailure[]): void {
  const configs = inputs.ipamConfigs;
  if (!known(configs)) return;
  if (!Array.isArray(configs)) {
    failures.push({
      property: "ipamConfigs",
      reason: "ipamConfigs must be a list of { subnet, gateway?, ipRange?, auxAddresses? }",
    });
    return;
  }
  const subnets: Subnet[] = [];
  configs.forEach((c: any, i: number) => {
    const at = `ipamConfigs[${i}]`;
    if (!known(c)) return;
    if (!known(c.subnet)) {
      if (c.subnet === undefined || c.subnet === null) {
        failures.push({
          property: `${at}.subnet`,
          reason: `${at}.subnet is required: give a CIDR such as 10.10.0.0/24`,
        });
      }
      return;
    }
    const problem = cidrProblem(String(c.subnet));
    if (problem) {
      failures.push({ property: `${at}.subnet`, reason: `${at}.subnet ${problem}` });
      return;
    }
    const cidr = parseCidr(c.subnet)!;
    if (cidr.hostBitsSet) {
      failures.push({
        property: `${at}.subnet`,
        reason: `${at}.subnet "${c.subnet}" has host bits set: use the network address of that prefix`,
      });
    }
    if (cidr.family === 6 && inputs.ipv6 !== true && !isUnknown(inputs.ipv6)) {
      failures.push({
        property: `${at}.subnet`,
        reason: `${at}.subnet "${c.subnet}" is IPv6 but ipv6 is not enabled: set ipv6: true`,
      });
    }
    const inside = (field: string, text: unknown, what: "address" | "range"): void => {
      if (!known(text)) return;
      const value = String(text);
      const parsed = what === "range" ? parseCidr(value) : parseIp(value);
      if (!parsed) {
        const fix = what === "range" ? cidrProblem(value) : `"${value}" is not an IP address`;
        failures.push({ property: field, reason: `${field} ${fix}` });
      } else if (!cidrContains(cidr, parsed)) {
        failures.push({
          property: field,
          reason: `${field} ${value} is outside subnet ${c.subnet}: use an ${what} inside the subnet`,
        });
      }
    };
    inside(`${at}.gateway`, c.gateway, "address");
    inside(`${at}.ipRange`, c.ipRange, "range");
    if (known(c.auxAddresses)) {
      failures.push(...stringMapProblems(`${at}.auxAddresses`, c.auxAddresses));
      for (const [host, addr] of Object.entries(c.auxAddresses ?? {})) {
        inside(`${at}.auxAddresses["${host}"]`, addr, "address");
      }
    }
    for (const other of subnets) {
      if (cidrsOverlap(other.cidr, cidr)) {
        failures.push({
          property: `${at}.subnet`,
          reason: `${at}.subnet ${c.subnet} overlaps ipamConfigs[${other.index}].subnet ${configs[other.index].subnet}: give each pool its own range`,
        });
      }
    }
    subnets.push({ index: i, cidr });
  });
}

function integerProblem(field: string, v: unknown, min: number, max: number): CheckFailure | undefined {
  if (!known(v)) return undefined;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    return { property: field, reason: `${field} ${JSON.stringify(v)} must be a whole number from ${min} to ${max}` };
  }
  return undefined;
}

function booleanProblems(inputs: any, fields: string[]): CheckFailure[] {
  return fields
    .filter((f) => known(inputs[f]) && typeof inputs[f] !== "boolean")
    .map((f) => ({ property: f, reason: `${f} must be true or false` }));
}

/** Checks the settings every network driver shares. */
export function networkProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  push(nameProblem("name", inputs.name));
  ipamProblems(inputs, failures);
  failures.push(
    ...booleanProblems(inputs, ["ipv6", "internal", "attachable", "ingress", "disconnectOnDelete", "adopt"]),
  );
  failures.push(...stringMapProblems("labels", inputs.labels));
  failures.push(...stringMapProblems("options", inputs.options));
  failures.push(...stringMapProblems("ipamOptions", inputs.ipamOptions));
  if (known(inputs.ipamDriver) && (typeof inputs.ipamDriver !== "string" || inputs.ipamDriver === "")) {
    failures.push({ property: "ipamDriver", reason: "ipamDriver must be a non-empty driver name, e.g. default" });
  }
  if (inputs.adopt === true && inputs.name === undefined) {
    failures.push({ property: "adopt", reason: "adopt needs an explicit name: the existing network is found by name" });
  }
  return failures;
}

/** Typed bridge fields, validated as the options they become. */
export function bridgeOptionProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (known(inputs.bridgeName) && (typeof inputs.bridgeName !== "string" || !IFNAME_RE.test(inputs.bridgeName))) {
    failures.push({
      property: "bridgeName",
      reason: `bridgeName "${String(inputs.bridgeName)}" is not a Linux interface name: 1-15 letters, digits, '_', '.' or '-'`,
    });
  }
  const mtu = integerProblem("mtu", inputs.mtu, 68, 65535);
  if (mtu) failures.push(mtu);
  failures.push(...booleanProblems(inputs, ["enableIcc", "enableIpMasquerade"]));
  if (known(inputs.hostBindingIpv4) && parseIp(String(inputs.hostBindingIpv4))?.family !== 4) {
    failures.push({
      property: "hostBindingIpv4",
      reason: `hostBindingIpv4 "${String(inputs.hostBindingIpv4)}" must be an IPv4 address`,
    });
  }
  failures.push(...typedOptionConflicts(inputs, BRIDGE_OPTION_KEYS));
  return failures;
}

/** A typed field and the raw option it stands for, both set to different values. */
function typedOptionConflicts(inputs: any, keys: Record<string, string>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [field, key] of Object.entries(keys)) {
    const declared = inputs.options?.[key];
    if (known(inputs[field]) && known(declared) && String(inputs[field]) !== declared) {
      failures.push({
        property: field,
        reason: `${field} ${JSON.stringify(inputs[field])} conflicts with options["${key}"] "${declared}": set one of them`,
      });
    }
  }
  return failures;
}

function addressProblem(field: string, v: unknown, family: 4 | 6): CheckFailure | undefined {
  if (!known(v)) return undefined;
  if (parseIp(String(v))?.family !== family) {
    return { property: field, reason: `${field} "${String(v)}" is not an IPv${family} address` };
  }
  return undefined;
}

/** Checks a NetworkAttachment's inputs; `subnets` are the network's, when known. */
export function attachmentProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  for (const field of ["network", "container"]) {
    const v = inputs[field];
    if (v === undefined || v === null || v === "") {
      failures.push({ property: field, reason: `${field} is required: give the ${field}'s name or ID` });
    } else if (known(v)) {
      push(nameProblem(field, v));
    }
  }
  if (known(inputs.aliases)) {
    if (!Array.isArray(inputs.aliases)) {
      failures.push({ property: "aliases", reason: "aliases must be a list of DNS names" });
    } else {
      inputs.aliases.forEach((a: unknown, i: number) => {
        if (known(a) && (typeof a !== "string" || !ALIAS_RE.test(a))) {
          failures.push({
            property: `aliases[${i}]`,
            reason: `aliases[${i}] "${String(a)}" is not a valid DNS name: use labels of letters, digits and '-', joined by '.'`,
          });
        }
      });
    }
  }
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
  return failures;
}

/** Typed overlay fields, validated as the options they become. */
export function overlayOptionProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const mtu = integerProblem("mtu", inputs.mtu, 68, 65535);
  if (mtu) failures.push(mtu);
  failures.push(...booleanProblems(inputs, ["encrypted"]));
  if (known(inputs.vxlanIds)) {
    if (!Array.isArray(inputs.vxlanIds)) {
      failures.push({ property: "vxlanIds", reason: "vxlanIds must be a list of VXLAN IDs, one per subnet" });
    } else {
      inputs.vxlanIds.forEach((v: unknown, i: number) => {
        const p = integerProblem(`vxlanIds[${i}]`, v, 4097, 16777215);
        if (p) failures.push(p);
      });
      // Without declared subnets the swarm allocates one, and one ID may be given for it.
      const pools = Array.isArray(inputs.ipamConfigs) ? inputs.ipamConfigs.length : 0;
      if (inputs.vxlanIds.length !== Math.max(pools, 1)) {
        failures.push({
          property: "vxlanIds",
          reason: pools
            ? `vxlanIds has ${inputs.vxlanIds.length} ID(s) but ipamConfigs declares ${pools} subnet(s): give one VXLAN ID per declared subnet`
            : `vxlanIds has ${inputs.vxlanIds.length} ID(s) but no subnet is declared: give one ID (for the subnet the swarm allocates), or declare a subnet in ipamConfigs for each`,
        });
      }
    }
  }
  const { encrypted: _encrypted, ...valued } = OVERLAY_OPTION_KEYS;
  failures.push(...typedOptionConflicts(inputs, valued));
  return failures;
}

const SWARM_TOKEN_RE = /^SWMTKN-1-[0-9a-z]{20,}-[0-9a-z]{10,}$/;
// An address the engine accepts for --advertise-addr/--listen-addr/--data-path-addr: an IP, a
// host name or an interface name, with an optional port.
const SWARM_ADDR_RE = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9_.:-]+?)(:\d{1,5})?$/;
const INIT_ONLY = ["dataPathPort", "defaultAddrPool", "subnetSize", "forceNewCluster"] as const;

function addrProblem(field: string, v: unknown): CheckFailure | undefined {
  if (!known(v)) return undefined;
  const m = typeof v === "string" ? SWARM_ADDR_RE.exec(v) : null;
  if (!m || (m[2] && Number(m[2].slice(1)) > 65535)) {
    return {
      property: field,
      reason: `${field} "${String(v)}" must be an IP address, host or interface name, optionally with :port`,
    };
  }
  return undefined;
}

function swarmSpecProblems(spec: any): CheckFailure[] {
  if (!known(spec)) return [];
  if (typeof spec !== "object" || Array.isArray(spec)) return [{ property: "spec", reason: "spec must be an object" }];
  const failures: CheckFailure[] = [];
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  const at = (f: string): string => `spec.${f}`;
  for (const f of ["taskHistoryRetentionLimit", "snapshotInterval", "keepOldSnapshots", "logEntriesForSlowFollowers"]) {
    push(integerProblem(at(f), spec[f], 0, 2 ** 31 - 1));
  }
  push(integerProblem(at("heartbeatTick"), spec.heartbeatTick, 1, 2 ** 31 - 1));
  push(integerProblem(at("electionTick"), spec.electionTick, 2, 2 ** 31 - 1));
  if (known(spec.heartbeatTick) && known(spec.electionTick) && !(spec.electionTick > spec.heartbeatTick)) {
    failures.push({
      property: at("electionTick"),
      reason: `spec.electionTick ${spec.electionTick} must be greater than spec.heartbeatTick ${spec.heartbeatTick}`,
    });
  }
  for (const [f, min, minText] of [
    ["dispatcherHeartbeatPeriod", 1, "more than 0s"],
    ["nodeCertExpiry", 3600e9, "at least 1h"],
  ] as const) {
    if (!known(spec[f])) continue;
    const ns = typeof spec[f] === "string" ? parseDuration(spec[f]) : undefined;
    if (ns === undefined || ns < min) {
      failures.push({
        property: at(f),
        reason: `spec.${f} "${String(spec[f])}" must be a duration ${minText}, like "5s", "90m" or "2160h"`,
      });
    }
  }
  // Measured on Engine 20.10: init fails with 'swarm spec must be named "default"'.
  if (known(spec.name) && spec.name !== "default") {
    failures.push({
      property: at("name"),
      reason: `spec.name "${String(spec.name)}": Docker only accepts "default" as a swarm's name; leave it out`,
    });
  }
  failures.push(...stringMapProblems(at("labels"), spec.labels));
  failures.push(...booleanProblems(spec, ["autoLockManagers"]).map((f) => ({ ...f, property: at(f.property) })));
  return failures;
}

function joinProblems(join: any): CheckFailure[] {
  if (typeof join !== "object" || Array.isArray(join)) {
    return [{ property: "join", reason: "join must be { remoteAddrs, token }" }];
  }
  const failures: CheckFailure[] = [];
  const addrs = join.remoteAddrs;
  if (addrs === undefined) {
    failures.push({
      property: "join.remoteAddrs",
      reason: "join.remoteAddrs is required: give a manager's address, e.g. 192.0.2.10:2377",
    });
  } else if (known(addrs) && (!Array.isArray(addrs) || addrs.length === 0)) {
    failures.push({
      property: "join.remoteAddrs",
      reason: "join.remoteAddrs must be a non-empty list of manager addresses (host[:port])",
    });
  } else if (known(addrs)) {
    addrs.forEach((a: unknown, i: number) => {
      const p = addrProblem(`join.remoteAddrs[${i}]`, a);
      if (p) failures.push(p);
    });
  }
  if (join.token === undefined || join.token === "") {
    failures.push({
      property: "join.token",
      reason: "join.token is required: a manager's workerToken or managerToken",
    });
  } else if (known(join.token) && (typeof join.token !== "string" || !SWARM_TOKEN_RE.test(join.token))) {
    // Never echo the token: it is a secret.
    failures.push({
      property: "join.token",
      reason:
        "join.token is not a swarm join token (SWMTKN-1-<digest>-<secret>): use a manager's workerToken or managerToken output, or docker swarm join-token -q",
    });
  }
  return failures;
}

function addrPoolProblems(pools: unknown, subnetSize: unknown): CheckFailure[] {
  if (!known(pools)) return [];
  if (!Array.isArray(pools) || pools.length === 0) {
    return [{ property: "defaultAddrPool", reason: "defaultAddrPool must be a non-empty list of IPv4 CIDRs" }];
  }
  const failures: CheckFailure[] = [];
  pools.forEach((c: unknown, i: number) => {
    if (!known(c)) return;
    const problem = typeof c === "string" ? cidrProblem(c) : "not a CIDR";
    const cidr = problem ? undefined : parseCidr(String(c));
    if (cidr?.family !== 4) {
      failures.push({
        property: `defaultAddrPool[${i}]`,
        reason: `defaultAddrPool[${i}] "${String(c)}": ${problem ?? "must be an IPv4 CIDR"}`,
      });
    } else if (known(subnetSize) && Number(subnetSize) < cidr.prefix) {
      failures.push({
        property: "subnetSize",
        reason: `subnetSize ${subnetSize} is larger than pool ${String(c)}: use a prefix length of at least ${cidr.prefix}`,
      });
    }
  });
  return failures;
}

function oneOfProblem(field: string, v: unknown, allowed: readonly string[]): CheckFailure | undefined {
  if (!known(v) || allowed.includes(v as string)) return undefined;
  const choices = allowed.length === 2 ? allowed.join(" or ") : `one of ${allowed.join(", ")}`;
  return { property: field, reason: `${field} "${String(v)}" must be ${choices}` };
}

/** Checks a SwarmNode's inputs. */
export function swarmNodeProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  if (known(inputs.join)) {
    failures.push(...joinProblems(inputs.join));
    for (const f of INIT_ONLY) {
      if (inputs[f] !== undefined) {
        failures.push({
          property: f,
          reason: `${f} applies to swarm init only: remove it, or remove join to init a new swarm`,
        });
      }
    }
    for (const f of ["spec", "rotateTokens"]) {
      if (inputs[f] !== undefined) {
        failures.push({
          property: f,
          reason: `${f} is swarm-wide: declare it on the SwarmNode that inits the swarm (the one without join)`,
        });
      }
    }
  }
  for (const f of ["advertiseAddr", "listenAddr", "dataPathAddr"]) push(addrProblem(f, inputs[f]));
  push(integerProblem("dataPathPort", inputs.dataPathPort, 1024, 49151));
  failures.push(...addrPoolProblems(inputs.defaultAddrPool, inputs.subnetSize));
  push(integerProblem("subnetSize", inputs.subnetSize, 8, 29));
  failures.push(...booleanProblems(inputs, ["forceNewCluster", "forceLeave"]));
  failures.push(...swarmSpecProblems(inputs.spec));
  push(oneOfProblem("role", inputs.role, ["manager", "worker"]));
  push(oneOfProblem("availability", inputs.availability, ["active", "pause", "drain"]));
  failures.push(...stringMapProblems("nodeLabels", inputs.nodeLabels));
  if (known(inputs.rotateTokens) && !["string", "number"].includes(typeof inputs.rotateTokens)) {
    failures.push({
      property: "rotateTokens",
      reason: "rotateTokens must be a string or number; change it to rotate the join tokens",
    });
  }
  return failures;
}
