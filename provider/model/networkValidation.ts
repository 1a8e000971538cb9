/** `check` rules of networks: the shared settings, IPAM pools, and each driver's typed options. Pure. */
import { cidrContains, cidrProblem, cidrsOverlap, formatCidr, parseCidr, parseIp, type Cidr } from "./cidr";
import { GATEWAY_MODES } from "./engineFeatures";
import { BRIDGE_OPTION_KEYS, IPVLAN_OPTION_KEYS, MACVLAN_OPTION_KEYS, OVERLAY_OPTION_KEYS } from "./model";
import { isUnknown } from "./values";
import {
  addressProblem,
  booleanProblems,
  connectionProblems,
  integerProblem,
  known,
  nameProblem,
  oneOfProblem,
  probeProblems,
  stringMapProblems,
  unknownArgProblems,
  IFNAME_RE,
  type CheckFailure,
} from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

/** Which address of an IPv4 subnet no host may have (its network and broadcast addresses), if `ip` is one. */
function reservedAddress(cidr: Cidr, ip: bigint): string | undefined {
  if (cidr.family !== 4 || cidr.prefix > 30) return undefined;
  if (ip === cidr.network) return "network address";
  if (ip === cidr.network + (1n << BigInt(32 - cidr.prefix)) - 1n) return "broadcast address";
  return undefined;
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
        reason: `${at}.subnet "${c.subnet}" has host bits set: use ${formatCidr(cidr)}, the network address of that prefix`,
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
      } else if ("hostBitsSet" in parsed && parsed.hostBitsSet) {
        // Engines 26.1 and later refuse it at create; 20.10 takes it silently, and reports it as given.
        failures.push({
          property: field,
          reason: `${field} "${value}" has host bits set: use ${formatCidr(parsed)}, the range that prefix aligns to`,
        });
      }
    };
    inside(`${at}.gateway`, c.gateway, "address");
    inside(`${at}.ipRange`, c.ipRange, "range");
    const gateway = known(c.gateway) ? parseIp(String(c.gateway)) : undefined;
    const reserved = gateway && cidrContains(cidr, gateway) ? reservedAddress(cidr, gateway.value) : undefined;
    if (reserved) {
      failures.push({
        property: `${at}.gateway`,
        reason: `${at}.gateway ${c.gateway} is the ${reserved} of subnet ${c.subnet}: give a host address, or leave gateway out (the engine takes the first one)`,
      });
    }
    if (known(c.auxAddresses)) {
      failures.push(...stringMapProblems(`${at}.auxAddresses`, c.auxAddresses));
      for (const [host, addr] of Object.entries(c.auxAddresses ?? {})) {
        inside(`${at}.auxAddresses["${host}"]`, addr, "address");
        const aux = known(addr) ? parseIp(String(addr)) : undefined;
        if (gateway && aux?.family === gateway.family && aux.value === gateway.value) {
          failures.push({
            property: `${at}.auxAddresses["${host}"]`,
            reason: `${at}.auxAddresses["${host}"] ${String(addr)} is the gateway: the gateway is reserved already, remove this entry`,
          });
        }
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

/** The networks every engine has; `docker network connect` refuses host and none, and aliases or static addresses on bridge. */
export const PREDEFINED_NETWORKS = ["bridge", "host", "none"];

/** The arguments every network resource takes. */
export const NETWORK_ARGS = [
  "name",
  "ipamConfigs",
  "ipamDriver",
  "ipamOptions",
  "ipv6",
  "internal",
  "attachable",
  "labels",
  "options",
  "disconnectOnDelete",
  "adopt",
  "connection",
];
const DRIVER_ARGS = {
  BridgeNetwork: [...Object.keys(BRIDGE_OPTION_KEYS), "enableIpv4"],
  OverlayNetwork: [...Object.keys(OVERLAY_OPTION_KEYS), "ingress", "verify", "swarm"],
  MacvlanNetwork: [...Object.keys(MACVLAN_OPTION_KEYS), "configOnly", "configFrom", "swarm", "verify"],
  IpvlanNetwork: [...Object.keys(IPVLAN_OPTION_KEYS), "configOnly", "configFrom", "swarm", "verify"],
};
const IPAM_ARGS = ["subnet", "gateway", "ipRange", "auxAddresses"];

/** The network resource kinds. */
export type NetworkKind = keyof typeof DRIVER_ARGS;

/** Arguments neither the network nor its driver takes, with where they belong when that is known. */
export function networkArgProblems(inputs: any, kind: NetworkKind): CheckFailure[] {
  const elsewhere: Record<string, string> = {};
  for (const [other, args] of Object.entries(DRIVER_ARGS)) {
    for (const f of args) {
      if (other !== kind && !DRIVER_ARGS[kind].includes(f))
        elsewhere[f] ??= `${f} is an argument of ${other}, not of ${kind}`;
    }
  }
  const hints = {
    ...Object.fromEntries(IPAM_ARGS.map((f) => [f, `it belongs in ipamConfigs: [{ ${f}: ... }]`])),
    ...elsewhere,
  };
  return unknownArgProblems(inputs, [...NETWORK_ARGS, ...DRIVER_ARGS[kind]], {
    // Added by the resource classes: auto-naming, ownership, the swarm an overlay follows, the
    // program's other LAN networks.
    internal: [
      "owner",
      "autoNamePrefix",
      "autoNameScope",
      "clusterId",
      "swarmNodeId",
      "nodeConnections",
      ...(kind === "MacvlanNetwork" || kind === "IpvlanNetwork" ? ["lanNeighbours", "configFromNames"] : []),
    ],
    hints,
  });
}

/** Checks the settings every network driver shares. */
export function networkProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  push(nameProblem("name", inputs.name));
  if (PREDEFINED_NETWORKS.includes(inputs.name)) {
    failures.push({
      property: "name",
      reason: `name "${inputs.name}" is one of the engine's own networks (${PREDEFINED_NETWORKS.join(", ")}), which it creates itself and never removes: choose another name, or read it with getNetwork`,
    });
  }
  ipamProblems(inputs, failures);
  failures.push(...connectionProblems("connection", inputs.connection));
  failures.push(
    ...booleanProblems(inputs, [
      "ipv6",
      "internal",
      "attachable",
      "ingress",
      "disconnectOnDelete",
      "adopt",
      "configOnly",
    ]),
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
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  push(ifnameProblem("bridgeName", inputs.bridgeName));
  push(integerProblem("mtu", inputs.mtu, 68, 65535));
  failures.push(...booleanProblems(inputs, ["enableIcc", "enableIpMasquerade", "enableIpv4"]));
  failures.push(...ipv6OnlyProblems(inputs));
  failures.push(...gatewayModeProblems(inputs));
  push(addressProblem("hostBindingIpv4", inputs.hostBindingIpv4, 4));
  failures.push(...typedOptionConflicts(inputs, BRIDGE_OPTION_KEYS));
  failures.push(...optionValueProblems(inputs, BRIDGE_OPTION_RULES));
  failures.push(...onePoolPerFamily(inputs));
  return failures;
}

/** A bridge has one subnet per address family: the engine refuses more ("bridge driver doesn't support multiple subnets"). */
function onePoolPerFamily(inputs: any): CheckFailure[] {
  if (!Array.isArray(inputs.ipamConfigs)) return [];
  const failures: CheckFailure[] = [];
  const first: Partial<Record<4 | 6, number>> = {};
  inputs.ipamConfigs.forEach((c: any, i: number) => {
    const family = known(c?.subnet) ? parseCidr(String(c.subnet))?.family : undefined;
    if (!family) return;
    if (first[family] === undefined) first[family] = i;
    else {
      failures.push({
        property: `ipamConfigs[${i}].subnet`,
        reason: `ipamConfigs[${i}].subnet ${c.subnet} is a second IPv${family} subnet (after ipamConfigs[${first[family]}]): a bridge network takes one per address family; make another BridgeNetwork for it`,
      });
    }
  });
  return failures;
}

export function ifnameProblem(field: string, v: unknown): CheckFailure | undefined {
  if (!known(v) || (typeof v === "string" && IFNAME_RE.test(v))) return undefined;
  return {
    property: field,
    reason: `${field} "${String(v)}" is not a Linux interface name: 1-15 letters, digits, '_', '.' or '-'`,
  };
}

/** How the engine reads a driver option's value; `name` is the field as the message shows it. */
type OptionRule = (name: string, value: string) => CheckFailure | undefined;
// Go's strconv.ParseBool, which the drivers use for their flags.
const GO_BOOLS = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"];
const flagOption: OptionRule = (name, v) =>
  GO_BOOLS.includes(v) ? undefined : { property: name, reason: `${name} "${v}" must be "true" or "false"` };
const mtuOption: OptionRule = (name, v) => integerProblem(name, v, 68, 65535);

const BRIDGE_OPTION_RULES: Record<string, OptionRule> = {
  [BRIDGE_OPTION_KEYS.bridgeName]: ifnameProblem,
  [BRIDGE_OPTION_KEYS.mtu]: mtuOption,
  [BRIDGE_OPTION_KEYS.enableIcc]: flagOption,
  [BRIDGE_OPTION_KEYS.enableIpMasquerade]: flagOption,
  [BRIDGE_OPTION_KEYS.hostBindingIpv4]: (name, v) => addressProblem(name, v, 4),
  "com.docker.network.bridge.inhibit_ipv4": flagOption,
};

/** VXLAN network identifiers: 24 bits, 0 excluded. */
const VXLAN_ID_MIN = 1;
const VXLAN_ID_MAX = 16777215;

const OVERLAY_OPTION_RULES: Record<string, OptionRule> = {
  [OVERLAY_OPTION_KEYS.mtu]: mtuOption,
  [OVERLAY_OPTION_KEYS.vxlanIds]: (name, v) =>
    v
      .split(",")
      .map((id) => integerProblem(name, id.trim(), VXLAN_ID_MIN, VXLAN_ID_MAX))
      .find((f) => f !== undefined),
};

/** Raw `options` the driver reads as numbers, flags or addresses, checked as their typed fields are. */
function optionValueProblems(inputs: any, rules: Record<string, OptionRule>): CheckFailure[] {
  if (!known(inputs.options) || typeof inputs.options !== "object") return [];
  return Object.entries(inputs.options as Record<string, unknown>).flatMap(([key, v]) => {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    const failure = rule && typeof v === "string" ? rule(`options["${key}"]`, v) : undefined;
    return failure ? [failure] : [];
  });
}

/** `enableIpv4: false` (`--ipv4=false`): an IPv6-only network, so IPv6 on and no IPv4 pool. */
function ipv6OnlyProblems(inputs: any): CheckFailure[] {
  if (inputs.enableIpv4 !== false) return [];
  const failures: CheckFailure[] = [];
  if (inputs.ipv6 !== true && !isUnknown(inputs.ipv6)) {
    failures.push({
      property: "enableIpv4",
      reason: "enableIpv4: false makes an IPv6-only network, which needs ipv6: true",
    });
  }
  if (Array.isArray(inputs.ipamConfigs)) {
    inputs.ipamConfigs.forEach((c: any, i: number) => {
      if (known(c?.subnet) && parseCidr(String(c.subnet))?.family === 4) {
        failures.push({
          property: `ipamConfigs[${i}].subnet`,
          reason: `ipamConfigs[${i}].subnet ${c.subnet} is IPv4 but enableIpv4 is false: declare IPv6 subnets only, or leave enableIpv4 out`,
        });
      }
    });
  }
  return failures;
}

/** Gateway modes, typed or as raw options: a known mode, and `isolated` only on an internal network. */
function gatewayModeProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const field of ["gatewayModeIpv4", "gatewayModeIpv6"] as const) {
    const key = BRIDGE_OPTION_KEYS[field];
    for (const [name, mode] of [
      [field, inputs[field]],
      [`options["${key}"]`, inputs.options?.[key]],
    ]) {
      const p = oneOfProblem(name, mode, Object.keys(GATEWAY_MODES));
      if (p) failures.push(p);
      else if (mode === "isolated" && inputs.internal !== true && !isUnknown(inputs.internal)) {
        failures.push({
          property: name,
          reason: `${name} "isolated" needs internal: true (an isolated network has no address on the host, so no way out)`,
        });
      }
    }
  }
  return failures;
}

/** A typed field and the raw option it stands for, both set to different values. */
export function typedOptionConflicts(inputs: any, keys: Record<string, string>): CheckFailure[] {
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

/** Typed overlay fields, validated as the options they become. */
export function overlayOptionProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const mtu = integerProblem("mtu", inputs.mtu, 68, 65535);
  if (mtu) failures.push(mtu);
  failures.push(...booleanProblems(inputs, ["encrypted"]));
  failures.push(...optionValueProblems(inputs, OVERLAY_OPTION_RULES));
  failures.push(...verifyProblems(inputs));
  if (known(inputs.vxlanIds)) {
    if (!Array.isArray(inputs.vxlanIds)) {
      failures.push({ property: "vxlanIds", reason: "vxlanIds must be a list of VXLAN IDs, one per subnet" });
    } else {
      inputs.vxlanIds.forEach((v: unknown, i: number) => {
        const p = integerProblem(`vxlanIds[${i}]`, v, VXLAN_ID_MIN, VXLAN_ID_MAX);
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

/** A swarm-scoped network's `verify` (an overlay's, a swarm-wide LAN network's): two hosts or more. */
export function verifyProblems(inputs: any): CheckFailure[] {
  const v = inputs.verify;
  if (!known(v) || v === undefined) return [];
  const failures = probeProblems("verify", v, false, "{ hosts, image?, timeoutSeconds? }");
  if (failures.length > 0) return failures;
  if (known(v.hosts) && (!Array.isArray(v.hosts) || v.hosts.length < 2)) {
    failures.push({ property: "verify", reason: "verify.hosts must list the connections of two hosts or more" });
  } else if (known(v.hosts)) {
    v.hosts.forEach((h: unknown, i: number) => failures.push(...connectionProblems(`verify.hosts[${i}]`, h)));
  }
  return failures;
}
