/**
 * Swarm services as far as networking goes: the Engine API's service and task JSON mapped to
 * camelCase models, a service spec with one network added or removed (what `docker service update
 * --network-add / --network-rm` sends), and how an update's progress reads. Pure, no engine I/O.
 */

import { nodeLabel, type SwarmNodeInfo } from "./swarmModel";

/* eslint-disable @typescript-eslint/no-explicit-any -- the Engine API's JSON is untyped */

/** One of a service's networks: `--network name=NET,alias=A,driver-opt=K=V`. */
export interface ServiceNetwork {
  readonly networkId: string;
  readonly aliases: string[];
  readonly driverOptions: Record<string, string>;
}

/** A service (`docker service inspect`), networking fields only. */
export interface ServiceInfo {
  readonly id: string;
  readonly name: string;
  /** The spec's version: an update must name it (`?version=`), so that two updates never silently overwrite each other. */
  readonly version: number;
  readonly mode: "replicated" | "global" | "other";
  /** Replicated services only. */
  readonly replicas?: number;
  /** `vip` (one virtual IP per network, load-balanced by the kernel's IPVS) or `dnsrr` (the name resolves to every task). */
  readonly endpointMode: string;
  readonly networks: ServiceNetwork[];
  /** The service's virtual IP on each network, by network ID (`vip` mode). */
  readonly virtualIps: Record<string, string>;
  readonly labels: Record<string, string>;
  /** The last update's state (`updating`, `completed`, `paused`, `rollback_*`), when there was one. */
  readonly updateStatus?: UpdateStatus;
}

export interface UpdateStatus {
  readonly state: string;
  readonly startedAt: string;
  readonly message: string;
}

/** A task (`docker service ps`): where it runs and its addresses. */
export interface TaskInfo {
  readonly id: string;
  readonly serviceId: string;
  /** Replicated services: the replica's number; 0 for global ones. */
  readonly slot: number;
  readonly nodeId: string;
  /** `new` ... `running`, `complete`, `failed`, `rejected`, `shutdown`. */
  readonly state: string;
  readonly desiredState: string;
  /** Why it failed or waits, as the swarm says it. */
  readonly error: string;
  readonly message: string;
  /** Its container, once it has one. */
  readonly containerId: string;
  /**
   * For a standalone container on an attachable overlay (no service: the swarm keeps a network
   * attachment task for it, which `docker service ps` never lists), that container's ID; "" for a
   * service's task.
   */
  readonly attachedContainerId: string;
  /** Its addresses, by network ID (CIDR form, as the swarm allocated them). */
  readonly addresses: Record<string, string[]>;
  /** The networks its spec asks for: the service's networks when the task was made. */
  readonly specNetworks: ServiceNetwork[];
}

/** The networks a spec asks for: the task template's, or the older top-level field the CLI moves there. */
const specNetworks = (spec: any): any[] => spec?.TaskTemplate?.Networks ?? spec?.Networks ?? [];

const networkFromApi = (n: any): ServiceNetwork => ({
  networkId: String(n.Target ?? ""),
  aliases: [...(n.Aliases ?? [])],
  driverOptions: { ...n.DriverOpts },
});

export function serviceFromApi(s: any): ServiceInfo {
  const mode = s.Spec?.Mode ?? {};
  const replicated = mode.Replicated !== undefined;
  return {
    id: String(s.ID),
    name: String(s.Spec?.Name ?? ""),
    version: Number(s.Version?.Index ?? 0),
    mode: replicated ? "replicated" : mode.Global !== undefined ? "global" : "other",
    ...(replicated ? { replicas: Number(mode.Replicated.Replicas ?? 1) } : {}),
    endpointMode: String(s.Spec?.EndpointSpec?.Mode ?? s.Endpoint?.Spec?.Mode ?? "vip"),
    networks: specNetworks(s.Spec).map(networkFromApi),
    virtualIps: Object.fromEntries(
      (s.Endpoint?.VirtualIPs ?? []).map((v: any) => [String(v.NetworkID), String(v.Addr ?? "")]),
    ),
    labels: { ...s.Spec?.Labels },
    ...(s.UpdateStatus
      ? {
          updateStatus: {
            state: String(s.UpdateStatus.State ?? ""),
            startedAt: String(s.UpdateStatus.StartedAt ?? ""),
            message: String(s.UpdateStatus.Message ?? ""),
          },
        }
      : {}),
  };
}

export function taskFromApi(t: any): TaskInfo {
  return {
    id: String(t.ID),
    serviceId: String(t.ServiceID ?? ""),
    slot: Number(t.Slot ?? 0),
    nodeId: String(t.NodeID ?? ""),
    state: String(t.Status?.State ?? ""),
    desiredState: String(t.DesiredState ?? ""),
    error: String(t.Status?.Err ?? ""),
    message: String(t.Status?.Message ?? ""),
    containerId: String(t.Status?.ContainerStatus?.ContainerID ?? ""),
    attachedContainerId: String(t.Spec?.NetworkAttachmentSpec?.ContainerID ?? ""),
    addresses: Object.fromEntries(
      (t.NetworksAttachments ?? []).map((a: any) => [String(a.Network?.ID ?? ""), [...(a.Addresses ?? [])]]),
    ),
    specNetworks: specNetworks(t.Spec).map(networkFromApi),
  };
}

/** The endpoint settings a ServiceAttachment declares for its network. */
export interface ServiceNetworkSpec {
  readonly aliases?: string[];
  readonly driverOptions?: Record<string, string>;
}

/**
 * The spec with the network `networkId` set to `settings` (added, or its entry replaced), in the
 * task template as `docker service update --network-add` puts it; every other field as it was.
 */
export function specWithNetwork(spec: any, networkId: string, settings: ServiceNetworkSpec): any {
  const entry = {
    Target: networkId,
    ...(settings.aliases?.length ? { Aliases: settings.aliases } : {}),
    ...(settings.driverOptions && Object.keys(settings.driverOptions).length > 0
      ? { DriverOpts: settings.driverOptions }
      : {}),
  };
  const others = specNetworks(spec).filter((n) => n.Target !== networkId);
  return withNetworks(spec, [...others, entry]);
}

/** The spec without the network `networkId` (`docker service update --network-rm`). */
export function specWithoutNetwork(spec: any, networkId: string): any {
  return withNetworks(
    spec,
    specNetworks(spec).filter((n) => n.Target !== networkId),
  );
}

function withNetworks(spec: any, networks: any[]): any {
  // The top-level field is deprecated: the CLI moves its entries to the task template, and the
  // engine refuses a spec that has both.
  const { Networks: _legacy, ...rest } = spec;
  return { ...rest, TaskTemplate: { ...spec.TaskTemplate, Networks: networks } };
}

/** What a task that stays in an early state waits for. */
const WAITING: Record<string, string> = {
  new: " (not allocated: is the network out of addresses?)",
  pending: " (not scheduled: no node meets its constraints or resources)",
};

/** Where an update stands, from the service's update status and its tasks. */
export type UpdateProgress =
  | { readonly state: "converged" }
  | { readonly state: "updating"; readonly detail: string }
  | { readonly state: "failed"; readonly detail: string; readonly rolledBack: boolean };

/**
 * How the update that followed `before` (the update status seen before it was sent) is doing.
 * The swarm reports an update it started with a new `startedAt`; until then its status is the
 * previous update's. An update that needs no task restarted may never get a status of its own:
 * then every task that should run, running the new spec (`wanted` in its networks), is converged.
 */
export function updateProgress(
  service: ServiceInfo,
  before: UpdateStatus | undefined,
  tasks: TaskInfo[],
  wanted: (task: TaskInfo) => boolean,
  nodes: readonly Pick<SwarmNodeInfo, "id" | "hostname" | "address">[] = [],
): UpdateProgress {
  const mine = tasks.filter((t) => t.serviceId === service.id);
  const live = mine.filter((t) => t.desiredState === "running");
  const name = (t: TaskInfo): string =>
    `task ${t.id.slice(0, 12)}${t.slot ? ` (replica ${t.slot})` : ""}${
      t.nodeId
        ? ` on ${nodeLabel(
            t.nodeId,
            nodes.find((n) => n.id === t.nodeId),
          )}`
        : ""
    }`;
  // Tasks that should run (or be ready to: a replacement waiting for the old task to stop) and do
  // not, and tasks of the new spec that failed; not older history.
  const problems = mine
    .filter(
      (t) =>
        (["running", "ready"].includes(t.desiredState) && (t.state !== "running" || t.error)) ||
        (wanted(t) && ["failed", "rejected"].includes(t.state)),
    )
    .map((t) => `${name(t)}: ${t.state}${t.error ? `, ${t.error}` : ""}${WAITING[t.state] ?? ""}`);
  // Else, what the update still waits for: tasks that run the previous spec, or are stopping.
  const behind = mine
    .filter(
      (t) => (t.desiredState === "running" && !wanted(t)) || (t.state === "running" && t.desiredState !== "running"),
    )
    .map((t) =>
      t.desiredState === "running"
        ? `${name(t)}: ${t.state}, still on the previous spec`
        : `${name(t)}: ${t.state}, to be ${t.desiredState}`,
    );
  const summary = `${live.filter(wanted).length} of ${live.length} task(s) run the new spec`;
  const detail = [...new Set(problems.length > 0 ? problems : behind)].slice(0, 5).join("; ") || summary;
  const s = service.updateStatus;
  const ours = s !== undefined && (before === undefined || s.startedAt !== before.startedAt);
  if (ours && s) {
    if (s.state === "completed") return { state: "converged" };
    if (s.state === "paused") return { state: "failed", detail: `${s.message}; ${detail}`, rolledBack: false };
    if (s.state.startsWith("rollback")) {
      return s.state === "rollback_completed" || s.state === "rollback_paused"
        ? { state: "failed", detail: `${s.message}; ${detail}`, rolledBack: true }
        : { state: "updating", detail: `rolling back: ${s.message}` };
    }
    return { state: "updating", detail };
  }
  const settled = (live.length > 0 || service.replicas === 0) && live.every((t) => t.state === "running" && wanted(t));
  return settled && !ours ? { state: "converged" } : { state: "updating", detail };
}
