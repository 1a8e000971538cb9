/** `check` rules of SwarmNode: membership, addresses, join token, pools, spec. Pure. */
import { cidrProblem, parseCidr, parseIp } from "./cidr";
import { parseDuration } from "./swarmModel";
import {
  booleanProblems,
  connectionProblems,
  integerProblem,
  known,
  oneOfProblem,
  probeProblems,
  stringMapProblems,
  unknownArgProblems,
  type CheckFailure,
} from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

const SWARM_TOKEN_RE = /^SWMTKN-1-[0-9a-z]{20,}-[0-9a-z]{10,}$/;
const INIT_ONLY = ["dataPathPort", "defaultAddrPool", "subnetSize", "forceNewCluster"] as const;
// A host name or a network interface name (eth0, br-lan.10).
const HOST_OR_IFACE_RE = /^[a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/;

/**
 * Why an address is not one the engine takes for --advertise-addr, --listen-addr,
 * --data-path-addr or a join's remote address: an IP (IPv6 in brackets when a port follows), a
 * host or interface name, optionally with :port. `specific` refuses the unspecified address
 * (0.0.0.0, ::), which no other node can reach.
 */
function addrProblem(field: string, v: unknown, specific = false): CheckFailure | undefined {
  if (!known(v)) return undefined;
  const form = `${field} "${String(v)}" must be an IP address, host or interface name, optionally with :port (IPv6 in brackets: [fd00::1]:2377)`;
  if (typeof v !== "string") return { property: field, reason: form };
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(v);
  let host: string;
  let port: string | undefined;
  if (bracketed) [, host, port] = bracketed;
  else if ((v.match(/:/g) ?? []).length > 1)
    host = v; // a bare IPv6 address: no port
  else [host, port] = v.split(":");
  const ip = parseIp(host);
  const hostOk =
    bracketed || host.includes(":")
      ? ip?.family === 6
      : ip !== undefined || (HOST_OR_IFACE_RE.test(host) && !/^[\d.]+$/.test(host));
  if (!hostOk) return { property: field, reason: form };
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    return { property: field, reason: `${field} "${v}": port "${port}" must be a number from 1 to 65535` };
  }
  if (specific && ip?.value === 0n) {
    return {
      property: field,
      reason: `${field} "${v}" is the unspecified address, which other nodes cannot reach: give this host's address (or interface name) on the network the nodes share`,
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

/** The arguments of a SwarmNode, as its provider takes them. */
export const SWARM_NODE_ARGS = [
  "join",
  "advertiseAddr",
  "listenAddr",
  "dataPathAddr",
  "dataPathPort",
  "defaultAddrPool",
  "subnetSize",
  "forceNewCluster",
  "spec",
  "role",
  "availability",
  "nodeLabels",
  "rotateTokens",
  "forceLeave",
  "managerConnection",
  "preflight",
  "connection",
];

/** Checks a SwarmNode's inputs. */
export function swarmNodeProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = unknownArgProblems(inputs, SWARM_NODE_ARGS);
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
  push(addrProblem("advertiseAddr", inputs.advertiseAddr, true));
  push(addrProblem("dataPathAddr", inputs.dataPathAddr, true));
  push(addrProblem("listenAddr", inputs.listenAddr));
  failures.push(...connectionProblems("connection", inputs.connection));
  failures.push(...connectionProblems("managerConnection", inputs.managerConnection));
  push(integerProblem("dataPathPort", inputs.dataPathPort, 1024, 49151));
  failures.push(...addrPoolProblems(inputs.defaultAddrPool, inputs.subnetSize));
  push(integerProblem("subnetSize", inputs.subnetSize, 8, 29));
  failures.push(...booleanProblems(inputs, ["forceNewCluster", "forceLeave"]));
  failures.push(...swarmSpecProblems(inputs.spec));
  push(oneOfProblem("role", inputs.role, ["manager", "worker"]));
  push(oneOfProblem("availability", inputs.availability, ["active", "pause", "drain"]));
  failures.push(...stringMapProblems("nodeLabels", inputs.nodeLabels));
  failures.push(...probeProblems("preflight", inputs.preflight, true));
  if (known(inputs.rotateTokens) && !["string", "number"].includes(typeof inputs.rotateTokens)) {
    failures.push({
      property: "rotateTokens",
      reason: "rotateTokens must be a string or number; change it to rotate the join tokens",
    });
  }
  return failures;
}
