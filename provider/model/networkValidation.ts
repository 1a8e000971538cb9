/** `check` rules of networks: the shared settings, IPAM pools, and each driver's typed options. Pure. */
import { cidrContains, cidrProblem, cidrsOverlap, parseCidr, parseIp, type Cidr } from "./cidr";
import { GATEWAY_MODES } from "./engineFeatures";
import { BRIDGE_OPTION_KEYS, OVERLAY_OPTION_KEYS } from "./model";
import { isUnknown } from "./values";
import {
  booleanProblems,
  integerProblem,
  known,
  nameProblem,
  oneOfProblem,
  probeProblems,
  stringMapProblems,
  IFNAME_RE,
  type CheckFailure,
} from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

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
  failures.push(...booleanProblems(inputs, ["enableIcc", "enableIpMasquerade", "enableIpv4"]));
  failures.push(...ipv6OnlyProblems(inputs));
  failures.push(...gatewayModeProblems(inputs));
  if (known(inputs.hostBindingIpv4) && parseIp(String(inputs.hostBindingIpv4))?.family !== 4) {
    failures.push({
      property: "hostBindingIpv4",
      reason: `hostBindingIpv4 "${String(inputs.hostBindingIpv4)}" must be an IPv4 address`,
    });
  }
  failures.push(...typedOptionConflicts(inputs, BRIDGE_OPTION_KEYS));
  return failures;
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

/** Typed overlay fields, validated as the options they become. */
export function overlayOptionProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const mtu = integerProblem("mtu", inputs.mtu, 68, 65535);
  if (mtu) failures.push(mtu);
  failures.push(...booleanProblems(inputs, ["encrypted"]));
  failures.push(...verifyProblems(inputs));
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

/** An overlay's `verify`: two hosts or more. */
function verifyProblems(inputs: any): CheckFailure[] {
  const v = inputs.verify;
  if (!known(v) || v === undefined) return [];
  const failures = probeProblems("verify", v, false, "{ hosts, image?, timeoutSeconds? }");
  if (failures.length > 0) return failures;
  if (known(v.hosts) && (!Array.isArray(v.hosts) || v.hosts.length < 2)) {
    failures.push({ property: "verify", reason: "verify.hosts must list the connections of two hosts or more" });
  }
  return failures;
}
