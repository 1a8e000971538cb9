/**
 * The topology the engines report (hosts, their swarm membership, networks, containers and their
 * endpoints, the swarm's services and their tasks) and its renderings as Graphviz DOT, Mermaid and an HTML page: pure, no engine I/O
 * (lookups.ts gathers it; the CLI renders DOT to SVG with Graphviz compiled to WebAssembly).
 */
import type { EndpointInfo, NetworkInfo } from "./model";
import type { LocalSwarm, SwarmNodeInfo } from "./swarmModel";
import type { ServiceInfo, TaskInfo } from "./serviceModel";

/** What {@link getTopology} returns: every host asked, and the swarm's nodes as a manager lists them. */
export interface Topology {
  readonly hosts: TopologyHost[];
  /** Empty when no host asked is a swarm manager. */
  readonly swarmNodes: TopologySwarmNode[];
  /** The swarm's services and their running tasks, as a manager lists them; empty when no host asked is a manager. */
  readonly services: TopologyService[];
}

/** A swarm service (`docker service inspect`) and where its tasks run (`docker service ps`). */
export interface TopologyService {
  readonly id: string;
  readonly name: string;
  /** `replicated` or `global`. */
  readonly mode: string;
  readonly replicas?: number;
  /** `vip` or `dnsrr`. */
  readonly endpointMode: string;
  readonly networks: TopologyServiceNetwork[];
  readonly tasks: TopologyTask[];
}

export interface TopologyServiceNetwork {
  readonly networkId: string;
  /** The network's name, where a host asked knows it; else its ID. */
  readonly network: string;
  /** The service's virtual IP there (CIDR form), "" in `dnsrr` mode. */
  readonly virtualIp: string;
  readonly aliases: string[];
}

export interface TopologyTask {
  readonly id: string;
  /** The replica's number; 0 for a global service's task. */
  readonly slot: number;
  readonly nodeId: string;
  /** The node's hostname, where the manager lists it. */
  readonly hostname: string;
  /** `running`, `preparing`, `pending`, ... */
  readonly state: string;
  /** Its container, once it has one (on `hostname`). */
  readonly containerId: string;
  /** Its overlay addresses (CIDR form). */
  readonly addresses: { readonly networkId: string; readonly network: string; readonly address: string }[];
}

/** One engine, as it reports itself. */
export interface TopologyHost {
  /** The engine's address, as connected to. */
  readonly host: string;
  readonly hostname: string;
  /** Its swarm membership, when it is in one. */
  readonly swarm?: { readonly nodeId: string; readonly role: "manager" | "worker"; readonly address: string };
  readonly networks: TopologyNetwork[];
  readonly containers: TopologyContainer[];
}

export interface TopologyNetwork {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  /** `local`, or `swarm` for a network that spans the swarm's hosts. */
  readonly scope: string;
  readonly subnets: string[];
  readonly attachable: boolean;
  readonly encrypted: boolean;
  readonly internal: boolean;
  /** A LAN network's (macvlan, ipvlan) host interface: its containers have addresses on that LAN. */
  readonly parent?: string;
}

/** Drivers whose containers sit on the host's LAN, through a parent interface. */
const LAN_DRIVERS = new Set(["macvlan", "ipvlan"]);

export interface TopologyContainer {
  readonly id: string;
  readonly name: string;
  readonly endpoints: TopologyEndpoint[];
}

export interface TopologyEndpoint {
  readonly networkId: string;
  /** The network's name. */
  readonly network: string;
  readonly ipv4Address: string;
  readonly ipv6Address: string;
  /** Names the container answers to on the network (its own ID's start among them, as the engine adds it). */
  readonly aliases: string[];
}

export interface TopologySwarmNode {
  readonly id: string;
  readonly hostname: string;
  readonly role: string;
  /** `ready`, `down`, ... */
  readonly state: string;
  readonly availability: string;
  readonly address: string;
}

/** Networks that carry no traffic between containers of their own (`host`, `none`). */
const NOT_DRAWN = new Set(["host", "null"]);

/** One host's part, from what its engine answered. */
export function topologyHost(
  host: string,
  local: LocalSwarm,
  networks: NetworkInfo[],
  containers: { id: string; name: string; networks: Record<string, EndpointInfo> }[],
): TopologyHost {
  const byId = new Map(networks.map((n) => [n.id, n]));
  return {
    host,
    hostname: local.hostname,
    ...(local.state === "active"
      ? { swarm: { nodeId: local.nodeId, role: local.isManager ? "manager" : "worker", address: local.nodeAddr } }
      : {}),
    networks: networks.map((n) => ({
      id: n.id,
      name: n.name,
      driver: n.driver,
      scope: n.scope,
      subnets: n.ipamConfigs.map((c) => c.subnet).filter((s): s is string => !!s),
      attachable: n.attachable,
      encrypted: "encrypted" in n.options,
      internal: n.internal,
      ...(LAN_DRIVERS.has(n.driver) && n.options.parent ? { parent: n.options.parent } : {}),
    })),
    containers: containers.map((c) => ({
      id: c.id,
      name: c.name,
      endpoints: Object.entries(c.networks)
        .filter(([, e]) => e.networkId === "" || byId.has(e.networkId))
        .map(([name, e]) => ({
          networkId: e.networkId,
          network: name,
          ipv4Address: e.ipv4Address,
          ipv6Address: e.ipv6Address,
          aliases: e.aliases,
        })),
    })),
  };
}

export function swarmNodesOf(nodes: SwarmNodeInfo[]): TopologySwarmNode[] {
  return nodes.map((n) => ({
    id: n.id,
    hostname: n.hostname,
    role: n.role,
    state: n.state,
    availability: n.availability,
    address: n.address,
  }));
}

/**
 * The services and the tasks that should be running (`desired-state=running`, whatever their
 * state now), with network names from the networks the hosts reported and hostnames from the
 * node list.
 */
export function servicesOf(
  services: ServiceInfo[],
  tasks: TaskInfo[],
  nodes: SwarmNodeInfo[],
  networks: { id: string; name: string }[],
): TopologyService[] {
  const networkName = (id: string): string => networks.find((n) => n.id === id)?.name ?? id;
  return services.map((s) => ({
    id: s.id,
    name: s.name,
    mode: s.mode,
    ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
    endpointMode: s.endpointMode,
    networks: s.networks.map((n) => ({
      networkId: n.networkId,
      network: networkName(n.networkId),
      virtualIp: s.virtualIps[n.networkId] ?? "",
      aliases: n.aliases,
    })),
    tasks: tasks
      .filter((t) => t.serviceId === s.id && t.desiredState === "running")
      .sort((a, b) => a.slot - b.slot || a.nodeId.localeCompare(b.nodeId))
      .map((t) => ({
        id: t.id,
        slot: t.slot,
        nodeId: t.nodeId,
        hostname: nodes.find((n) => n.id === t.nodeId)?.hostname ?? t.nodeId,
        state: t.state,
        containerId: t.containerId,
        addresses: Object.entries(t.addresses).flatMap(([networkId, addrs]) =>
          addrs.map((address) => ({ networkId, network: networkName(networkId), address })),
        ),
      })),
  }));
}

/** DOT's quoted string. */
const q = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
/** A DOT/Mermaid identifier made of [A-Za-z0-9_]. */
const ident = (...parts: string[]): string => parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");

function networkLabel(n: TopologyNetwork): string {
  const driver = n.parent ? `${n.driver} on ${n.parent} (LAN)` : n.driver;
  const flags = [driver, n.scope === "swarm" ? "spans hosts" : "", n.attachable ? "attachable" : ""]
    .concat(n.encrypted ? ["encrypted"] : [], n.internal ? ["internal"] : [])
    .filter(Boolean);
  return [n.name, n.subnets.join(", "), flags.join(", ")].filter(Boolean).join("\n");
}

const endpointLabel = (e: TopologyEndpoint): string =>
  [e.ipv4Address, e.ipv6Address].filter(Boolean).join("\n") || "(not running)";

/** Swarm-scoped networks are drawn once, outside the hosts, so an overlay visibly spans them. */
function spanning(t: Topology): TopologyNetwork[] {
  const seen = new Map<string, TopologyNetwork>();
  for (const h of t.hosts) for (const n of h.networks) if (n.scope === "swarm" && !seen.has(n.id)) seen.set(n.id, n);
  return [...seen.values()];
}

/** A host's own networks, drawn inside its box. */
const localNetworks = (h: TopologyHost): TopologyNetwork[] =>
  h.networks.filter((n) => n.scope !== "swarm" && !NOT_DRAWN.has(n.driver));

const serviceLabel = (s: TopologyService): string =>
  [
    s.name,
    `service, ${s.mode === "replicated" ? `${s.replicas ?? "?"} replica(s)` : s.mode}`,
    s.endpointMode === "dnsrr" ? "dnsrr" : "",
  ]
    .filter(Boolean)
    .join("\n");

const taskLabel = (s: TopologyService, t: TopologyTask): string =>
  `${s.name}.${t.slot || t.hostname}${t.state === "running" ? "" : ` (${t.state})`}`;

/**
 * The services' part of the picture (node IDs of both renderings): a node per service outside
 * the hosts, an edge to each of its networks (labelled with its virtual IP), and an edge to each
 * task: to the task's container where its host was asked (drawn there already), else to a node of
 * its own labelled with its host, joined to its networks by its addresses.
 */
function serviceParts(t: Topology): {
  nodes: { id: string; label: string; kind: "service" | "task" }[];
  edges: { from: string; to: string; label: string; dashed: boolean }[];
} {
  const nodes: { id: string; label: string; kind: "service" | "task" }[] = [];
  const out: { from: string; to: string; label: string; dashed: boolean }[] = [];
  const drawn = new Set(spanning(t).map((n) => n.id));
  for (const s of t.services) {
    const sid = ident("svc", s.id);
    nodes.push({ id: sid, label: serviceLabel(s), kind: "service" });
    for (const n of s.networks.filter((x) => drawn.has(x.networkId))) {
      out.push({
        from: sid,
        to: ident("net", n.networkId),
        label: n.virtualIp ? `VIP ${n.virtualIp}` : "",
        dashed: false,
      });
    }
    for (const task of s.tasks) {
      const i = t.hosts.findIndex((h) => h.containers.some((c) => c.id === task.containerId));
      if (i >= 0) {
        out.push({
          from: sid,
          to: ident("ctr", String(i), task.containerId),
          label: `task ${task.slot || ""}`.trim(),
          dashed: true,
        });
        continue;
      }
      const tid = ident("task", task.id);
      nodes.push({ id: tid, label: `${taskLabel(s, task)}\non ${task.hostname}`, kind: "task" });
      out.push({ from: sid, to: tid, label: "", dashed: true });
      for (const a of task.addresses.filter((x) => drawn.has(x.networkId))) {
        out.push({ from: tid, to: ident("net", a.networkId), label: a.address.split("/")[0], dashed: false });
      }
    }
  }
  return { nodes, edges: out };
}

/** Host `i`'s container-to-network edges (node IDs of both renderings), labelled with the addresses. */
function edges(h: TopologyHost, i: number): { from: string; to: string; label: string }[] {
  return h.containers.flatMap((c) =>
    c.endpoints.flatMap((e) => {
      const n = h.networks.find((x) => x.id === e.networkId || (e.networkId === "" && x.name === e.network));
      if (!n || NOT_DRAWN.has(n.driver)) return [];
      const to = n.scope === "swarm" ? ident("net", n.id) : ident("net", String(i), n.id);
      return [{ from: ident("ctr", String(i), c.id), to, label: endpointLabel(e) }];
    }),
  );
}

/**
 * Graphviz DOT: each host a box (its hostname, address and swarm role) holding its local networks
 * and its containers; swarm-scoped networks outside every box; an edge from each container to
 * each network it is on, labelled with its address there.
 */
export function topologyToDot(t: Topology): string {
  const lines = [
    "graph topology {",
    '  graph [rankdir=LR, fontname="Helvetica", compound=true, newrank=true];',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const global = spanning(t);
  for (const n of global) {
    lines.push(
      `  ${ident("net", n.id)} [shape=box, style="rounded,filled", fillcolor="#fde7c4", label=${q(networkLabel(n))}];`,
    );
  }
  t.hosts.forEach((h, i) => {
    const role = h.swarm ? `swarm ${h.swarm.role}` : "no swarm";
    lines.push(`  subgraph cluster_host_${i} {`);
    lines.push(
      `    label=${q(`${h.hostname}\n${h.swarm?.address || h.host}\n${role}`)}; style=rounded; color="#4a6fa5";`,
    );
    // Graphviz leaves out an empty cluster: a host with nothing on it still shows as its box.
    lines.push(`    ${ident("host", String(i))} [shape=point, style=invis];`);
    for (const n of localNetworks(h)) {
      lines.push(
        `    ${ident("net", String(i), n.id)} [shape=box, style="rounded,filled", fillcolor="#dbe9f7", label=${q(networkLabel(n))}];`,
      );
    }
    for (const c of h.containers) {
      lines.push(`    ${ident("ctr", String(i), c.id)} [shape=ellipse, label=${q(c.name)}];`);
    }
    lines.push("  }");
    for (const e of edges(h, i)) lines.push(`  ${e.from} -- ${e.to} [label=${q(e.label)}];`);
  });
  const services = serviceParts(t);
  for (const n of services.nodes) {
    lines.push(
      n.kind === "service"
        ? `  ${n.id} [shape=hexagon, style=filled, fillcolor="#d9f2d9", label=${q(n.label)}];`
        : `  ${n.id} [shape=ellipse, style=dashed, label=${q(n.label)}];`,
    );
  }
  for (const e of services.edges) {
    lines.push(`  ${e.from} -- ${e.to} [label=${q(e.label)}${e.dashed ? ", style=dashed" : ""}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Mermaid flowchart: the same picture as {@link topologyToDot}, for Markdown viewers. */
export function topologyToMermaid(t: Topology): string {
  const m = (s: string): string => `"${s.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;
  const lines = ["flowchart LR"];
  for (const n of spanning(t)) lines.push(`  ${ident("net", n.id)}[${m(networkLabel(n))}]`);
  t.hosts.forEach((h, i) => {
    lines.push(`  subgraph ${ident("host", String(i))}[${m(`${h.hostname} (${h.swarm?.role ?? "no swarm"})`)}]`);
    for (const n of localNetworks(h)) {
      lines.push(`    ${ident("net", String(i), n.id)}[${m(networkLabel(n))}]`);
    }
    for (const c of h.containers) lines.push(`    ${ident("ctr", String(i), c.id)}([${m(c.name)}])`);
    lines.push("  end");
    for (const e of edges(h, i)) lines.push(`  ${e.from} ---|${m(e.label)}| ${e.to}`);
  });
  const services = serviceParts(t);
  for (const n of services.nodes)
    lines.push(n.kind === "service" ? `  ${n.id}{{${m(n.label)}}}` : `  ${n.id}([${m(n.label)}])`);
  for (const e of services.edges) {
    const link = e.dashed ? "-.-" : "---";
    lines.push(e.label ? `  ${e.from} ${link}|${m(e.label)}| ${e.to}` : `  ${e.from} ${link} ${e.to}`);
  }
  return lines.join("\n") + "\n";
}

const html = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A self-contained page: the picture (SVG) and, under it, the same facts as tables. */
export function topologyToHtml(t: Topology, svg: string): string {
  // A LAN address is named so: the container answers on the host's LAN, through that interface.
  const lan = (h: TopologyHost, e: TopologyEndpoint): string => {
    const parent = h.networks.find((n) => n.id === e.networkId || n.name === e.network)?.parent;
    return parent ? ` (LAN, on ${parent})` : "";
  };
  const rows = t.hosts.flatMap((h) =>
    h.containers.flatMap((c) =>
      c.endpoints.map(
        (e) =>
          `<tr><td>${html(h.hostname)}</td><td>${html(c.name)}</td><td>${html(e.network + lan(h, e))}</td><td>${html(
            [e.ipv4Address, e.ipv6Address].filter(Boolean).join(" "),
          )}</td><td>${html(e.aliases.join(", "))}</td></tr>`,
      ),
    ),
  );
  const nodes = t.swarmNodes.map(
    (n) =>
      `<tr><td>${html(n.hostname)}</td><td>${html(n.role)}</td><td>${html(n.state)}</td><td>${html(n.availability)}</td><td>${html(n.address)}</td></tr>`,
  );
  const tasks = t.services.flatMap((s) =>
    s.tasks.map(
      (task) =>
        `<tr><td>${html(s.name)}</td><td>${html(s.networks.map((n) => `${n.network}${n.virtualIp ? ` (VIP ${n.virtualIp})` : ""}`).join(", "))}</td><td>${html(
          taskLabel(s, task),
        )}</td><td>${html(task.hostname)}</td><td>${html(task.addresses.map((a) => `${a.network} ${a.address}`).join(", "))}</td></tr>`,
    ),
  );
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Docker network topology</title>
<style>body{font-family:Helvetica,Arial,sans-serif;margin:16px}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #bbb;padding:3px 8px;font-size:13px;text-align:left}</style>
</head><body>
<h1>Docker network topology</h1>
${svg.replace(/^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?/, "")}
<h2>Swarm nodes</h2>
<table><tr><th>hostname</th><th>role</th><th>state</th><th>availability</th><th>address</th></tr>${nodes.join("") || '<tr><td colspan="5">no swarm manager among the hosts asked</td></tr>'}</table>
<h2>Services</h2>
<table><tr><th>service</th><th>networks</th><th>task</th><th>host</th><th>addresses</th></tr>${tasks.join("") || '<tr><td colspan="5">no service (or no swarm manager among the hosts asked)</td></tr>'}</table>
<h2>Endpoints</h2>
<table><tr><th>host</th><th>container</th><th>network</th><th>addresses</th><th>aliases</th></tr>${rows.join("")}</table>
</body></html>
`;
}
