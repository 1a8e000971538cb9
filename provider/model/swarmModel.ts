/**
 * The swarm model and its mapping to and from the Docker Engine API (`/info`, `/swarm`,
 * `/nodes`). Pure: no dockerode, no Pulumi runtime. Durations are Go-style strings ("5s",
 * "2160h") in the model and nanoseconds in the API.
 */
import { withoutUndefined } from "./values";

/** Swarm-wide settings (`docker swarm init` / `docker swarm update` flags). */
export interface SwarmSpec {
  readonly name?: string;
  readonly labels?: Record<string, string>;
  readonly taskHistoryRetentionLimit?: number;
  readonly snapshotInterval?: number;
  readonly keepOldSnapshots?: number;
  readonly logEntriesForSlowFollowers?: number;
  readonly heartbeatTick?: number;
  readonly electionTick?: number;
  readonly dispatcherHeartbeatPeriod?: string;
  readonly nodeCertExpiry?: string;
  readonly autoLockManagers?: boolean;
}

export type NodeRole = "manager" | "worker";
export type NodeAvailability = "active" | "pause" | "drain";

/** One node of the swarm (`docker node ls` / `docker node inspect`). */
export interface SwarmNodeInfo {
  readonly id: string;
  readonly hostname: string;
  readonly role: NodeRole;
  readonly availability: NodeAvailability;
  /** `ready`, `down`, `unknown` or `disconnected`. */
  readonly state: string;
  readonly address: string;
  readonly labels: Record<string, string>;
  /** Managers only: `reachable` or `unreachable`. */
  readonly managerReachability?: string;
  /** Managers only: the manager's swarm address (`host:2377`). */
  readonly managerAddress?: string;
  readonly leader: boolean;
  /** Object version, required by node updates. */
  readonly version: number;
}

/**
 * A node as a message names it so that a user can find it: hostnames repeat (cloned VMs), so its
 * address and ID go with it: `node-2 (10.0.0.3, node 4f1e2d3c4b5a)`. Only the ID when the
 * managers no longer list the node.
 */
export function nodeLabel(id: string, node?: Pick<SwarmNodeInfo, "hostname" | "address">): string {
  const short = `node ${id.slice(0, 12)}`;
  if (!node?.hostname) return short;
  return `${node.hostname} (${[node.address, short].filter(Boolean).join(", ")})`;
}

/**
 * What else an overlay attachment on a swarm node that timed out (`attaching to network failed
 * ... context deadline exceeded`) can mean: the node's gossip with the others is broken or still
 * healing, and its bulk sync on joining the network times out. "" for any other reason.
 */
export function attachTimeoutHint(reason: string): string {
  return /attaching to network failed/i.test(reason) && /deadline exceeded|timed? ?out/i.test(reason)
    ? `A node whose gossip with the others fails (7946/tcp and udp filtered, or healing for a few seconds after) times out too: its engine's log says "Bulk sync to node ... timed out"`
    : "";
}

/** The swarm as a manager sees it (`docker swarm inspect`, `docker swarm join-token`). */
export interface SwarmInfo {
  readonly clusterId: string;
  readonly createdAt: string;
  readonly spec: SwarmSpec;
  readonly defaultAddrPool: string[];
  readonly subnetSize: number;
  readonly dataPathPort: number;
  readonly workerToken: string;
  readonly managerToken: string;
  /** Object version, required by swarm updates. */
  readonly version: number;
}

/** An engine's own swarm membership (`docker info` → Swarm). */
export interface LocalSwarm {
  /** `inactive`, `pending`, `active`, `error` or `locked`. */
  readonly state: string;
  readonly nodeId: string;
  readonly nodeAddr: string;
  readonly isManager: boolean;
  /** Why the node is in `error` (or why a join is still pending). */
  readonly error: string;
  /** Managers this engine knows, as swarm addresses (`host:2377`). */
  readonly remoteManagers: string[];
  /** Managers only. */
  readonly clusterId?: string;
  readonly hostname: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- engine JSON is untyped at this boundary */

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Parses a Go duration ("90s", "1h30m", "2160h") to nanoseconds; undefined when malformed. */
export function parseDuration(s: string): number | undefined {
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== s) return undefined;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0));
}

/** Formats nanoseconds the short way: 5e9 → "5s", 7.776e15 → "2160h", 90e9 → "1m30s". */
export function formatDuration(ns: number): string {
  if (ns === 0) return "0s";
  let rest = ns;
  let out = "";
  for (const [unit, size] of [
    ["h", 3600e9],
    ["m", 60e9],
    ["s", 1e9],
    ["ms", 1e6],
    ["us", 1e3],
    ["ns", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

const stringMap = (m: any): Record<string, string> => ({ ...(m ?? {}) });

/** Maps the API's swarm spec to the model (every field, as the engine reports it). */
export function swarmSpecFromApi(s: any): SwarmSpec {
  return {
    name: s?.Name ?? "default",
    labels: stringMap(s?.Labels),
    taskHistoryRetentionLimit: s?.Orchestration?.TaskHistoryRetentionLimit ?? 0,
    snapshotInterval: s?.Raft?.SnapshotInterval ?? 0,
    keepOldSnapshots: s?.Raft?.KeepOldSnapshots ?? 0,
    logEntriesForSlowFollowers: s?.Raft?.LogEntriesForSlowFollowers ?? 0,
    heartbeatTick: s?.Raft?.HeartbeatTick ?? 0,
    electionTick: s?.Raft?.ElectionTick ?? 0,
    dispatcherHeartbeatPeriod: formatDuration(s?.Dispatcher?.HeartbeatPeriod ?? 0),
    nodeCertExpiry: formatDuration(s?.CAConfig?.NodeCertExpiry ?? 0),
    autoLockManagers: !!s?.EncryptionConfig?.AutoLockManagers,
  };
}

/**
 * The API spec for `POST /swarm/init` or `/swarm/update`: the declared fields over `current`
 * (the engine's spec on update, nothing on init: the engine fills in its defaults).
 */
export function swarmSpecToApi(declared: SwarmSpec | undefined, current: any = {}): any {
  const d = declared ?? {};
  const set = <T>(v: T | undefined, old: T): T => (v === undefined ? old : v);
  const dur = (v: string | undefined, old: number | undefined): number | undefined =>
    v === undefined ? old : parseDuration(v);
  return withoutUndefined({
    ...current,
    Name: set(d.name, current.Name),
    Labels: set(d.labels, current.Labels),
    Orchestration: {
      ...current.Orchestration,
      TaskHistoryRetentionLimit: set(d.taskHistoryRetentionLimit, current.Orchestration?.TaskHistoryRetentionLimit),
    },
    Raft: {
      ...current.Raft,
      SnapshotInterval: set(d.snapshotInterval, current.Raft?.SnapshotInterval),
      KeepOldSnapshots: set(d.keepOldSnapshots, current.Raft?.KeepOldSnapshots),
      LogEntriesForSlowFollowers: set(d.logEntriesForSlowFollowers, current.Raft?.LogEntriesForSlowFollowers),
      HeartbeatTick: set(d.heartbeatTick, current.Raft?.HeartbeatTick),
      ElectionTick: set(d.electionTick, current.Raft?.ElectionTick),
    },
    Dispatcher: {
      ...current.Dispatcher,
      HeartbeatPeriod: dur(d.dispatcherHeartbeatPeriod, current.Dispatcher?.HeartbeatPeriod),
    },
    CAConfig: { ...current.CAConfig, NodeCertExpiry: dur(d.nodeCertExpiry, current.CAConfig?.NodeCertExpiry) },
    EncryptionConfig: {
      ...current.EncryptionConfig,
      AutoLockManagers: set(d.autoLockManagers, current.EncryptionConfig?.AutoLockManagers),
    },
  });
}

/** What a swarm uses when init was given no address pools or data port (Engine 20.10 then reports none). */
export const SWARM_DEFAULTS = { defaultAddrPool: ["10.0.0.0/8"], subnetSize: 24, dataPathPort: 4789 } as const;

/** Maps `GET /swarm` JSON to the model; pool settings as in force, defaults included. */
export function swarmFromApi(s: any): SwarmInfo {
  return {
    clusterId: s.ID,
    createdAt: s.CreatedAt,
    spec: swarmSpecFromApi(s.Spec),
    defaultAddrPool: s.DefaultAddrPool?.length ? [...s.DefaultAddrPool] : [...SWARM_DEFAULTS.defaultAddrPool],
    subnetSize: s.SubnetSize || SWARM_DEFAULTS.subnetSize,
    dataPathPort: s.DataPathPort || SWARM_DEFAULTS.dataPathPort,
    workerToken: s.JoinTokens?.Worker ?? "",
    managerToken: s.JoinTokens?.Manager ?? "",
    version: s.Version?.Index ?? 0,
  };
}

/** Maps one `GET /nodes` entry to the model. */
export function nodeFromApi(n: any): SwarmNodeInfo {
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? "",
    role: n.Spec?.Role === "manager" ? "manager" : "worker",
    availability: n.Spec?.Availability ?? "active",
    state: n.Status?.State ?? "unknown",
    address: n.Status?.Addr ?? "",
    labels: stringMap(n.Spec?.Labels),
    managerReachability: n.ManagerStatus?.Reachability,
    managerAddress: n.ManagerStatus?.Addr,
    leader: !!n.ManagerStatus?.Leader,
    version: n.Version?.Index ?? 0,
  };
}

/** Maps `GET /info` JSON to the engine's own membership. */
export function localSwarmFromInfo(info: any): LocalSwarm {
  const s = info?.Swarm ?? {};
  return {
    state: s.LocalNodeState || "inactive",
    nodeId: s.NodeID ?? "",
    nodeAddr: s.NodeAddr ?? "",
    isManager: !!s.ControlAvailable,
    error: s.Error ?? "",
    remoteManagers: (s.RemoteManagers ?? []).map((m: any) => String(m.Addr)),
    clusterId: s.Cluster?.ID || undefined,
    hostname: info?.Name ?? "",
  };
}

/** The swarm port a manager address defaults to (`docker swarm join HOST` means HOST:2377). */
export const SWARM_PORT = 2377;

/** `host` → `host:2377`; `host:port` and `[v6]:port` as they are. */
export function withSwarmPort(addr: string): string {
  if (/^\[.*\]:\d+$/.test(addr) || /^[^:]+:\d+$/.test(addr)) return addr;
  return addr.includes(":") ? `[${addr}]:${SWARM_PORT}` : `${addr}:${SWARM_PORT}`;
}
