/**
 * What the library proves about the network with probe containers, as pure rules: the swarm ports
 * and what each is for, the probe's shell script, and how its output reads. No engine I/O here.
 */

/** A port the swarm needs open between hosts. */
export interface SwarmPort {
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  /** What breaks when it is filtered. */
  readonly purpose: string;
}

/** The swarm's ports, as Docker documents them. */
export const SWARM_PORTS = {
  management: { port: 2377, protocol: "tcp", purpose: "swarm cluster management: join, and traffic to managers" },
  gossipTcp: { port: 7946, protocol: "tcp", purpose: "node gossip: membership and overlay peer discovery" },
  gossipUdp: { port: 7946, protocol: "udp", purpose: "node gossip: overlay peer and name discovery" },
  vxlan: { port: 4789, protocol: "udp", purpose: "overlay data: the VXLAN traffic between containers" },
} as const satisfies Record<string, SwarmPort>;

/** `2377/tcp (swarm cluster management: ...)`. */
export const describePort = (p: SwarmPort): string => `${p.port}/${p.protocol} (${p.purpose})`;

/** The probe image used when none is named: a small one users commonly have; never pulled by the library. */
export const DEFAULT_PROBE_IMAGE = "busybox:latest";

/** How long one probe may wait for an answer when none is declared. */
export const DEFAULT_PROBE_TIMEOUT_S = 3;

/** Label on every probe container, so a leak check can find one left behind. */
export const PROBE_LABEL = "pulumi-docker-networking.probe";

/** Quotes a word for sh. */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The script a probe container with the host's network runs: a TCP connect to each port of
 * `host`, one line each: `PORT open`, or `PORT closed <nc's reason>`. Needs `sh` and busybox's
 * `nc` (any busybox image has both).
 */
export function tcpProbeScript(host: string, ports: readonly number[], timeoutS: number): string {
  return ports
    .map(
      (p) =>
        `if r=$(nc -w ${timeoutS} ${sh(host)} ${p} -e true 2>&1); then echo "${p} open"; else echo "${p} closed $r"; fi`,
    )
    .join("; ");
}

/** Each probed port's result: undefined when it answered, else why not (nc's words). */
export function parseTcpProbe(output: string, ports: readonly number[]): Map<number, string | undefined> {
  const result = new Map<number, string | undefined>();
  for (const p of ports) {
    const line = output.split(/\r?\n/).find((l) => l.startsWith(`${p} `));
    if (!line) result.set(p, `no answer from the probe (output: ${output.trim() || "none"})`);
    else if (line === `${p} open`) result.set(p, undefined);
    else result.set(p, reasonOf(line.slice(`${p} closed`.length).trim()));
  }
  return result;
}

/** nc's message in a user's words. */
function reasonOf(nc: string): string {
  if (/timed out/i.test(nc) || nc === "") return "no answer (filtered, or the host is down)";
  if (/refused/i.test(nc)) return "connection refused (nothing listens there: is it a swarm manager?)";
  return nc.replace(/^nc:\s*/, "");
}

/** `host:port` or `[v6]:port` → its host and port. */
export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^\[(.*)\]:(\d+)$/.exec(addr) ?? /^([^:]*):(\d+)$/.exec(addr);
  if (!m) throw new Error(`"${addr}": expected host:port`);
  return { host: m[1], port: Number(m[2]) };
}

/** One pair's result in an overlay's data-plane check. */
export interface PairResult {
  /** The hosts (hostnames) the ping ran from and reached for. */
  readonly from: string;
  readonly to: string;
  /** Whether the peer probe's container name resolved on `from`. */
  readonly resolved: boolean;
  /** Whether the peer probe answered a ping to its name, and to its overlay address. */
  readonly byName: boolean;
  readonly byAddress: boolean;
  /** Undefined when both answered; else the likely cause and what to open. */
  readonly problem?: string;
}

/**
 * What a failed pair most likely means. A peer's name and location reach the other host by gossip
 * (7946); once known, packets to it need the VXLAN data path (4789/udp). Encrypted traffic also
 * needs IPsec (XFRM) in the kernels.
 */
export function pairProblem(r: {
  resolved: boolean;
  byName: boolean;
  byAddress: boolean;
  encrypted: boolean;
  ipsec: boolean;
  /** A LAN network (macvlan, ipvlan): its packets cross the LAN itself, not VXLAN. */
  lan?: boolean;
}): string | undefined {
  if (r.byName && r.byAddress) return undefined;
  if (r.lan && !r.byAddress) {
    return "no reply by LAN address: the LAN does not carry it between the hosts: a parent interface down or on another LAN (wrong parent, or a subnet that is not the LAN's), or the switch dropping unknown MAC addresses (on a virtual machine's NIC: promiscuous mode or forged transmits off)";
  }
  if (r.encrypted && !r.ipsec) {
    return "the overlay is encrypted and this kernel cannot do IPsec (no XFRM): encrypted overlay traffic cannot cross hosts here; use an unencrypted overlay, or kernels with XFRM/ESP";
  }
  if (!r.resolved) {
    return `the peer's name does not resolve: likely ${describePort(SWARM_PORTS.gossipUdp)} or 7946/tcp filtered between the hosts: open both, both ways`;
  }
  return `no reply: likely ${describePort(SWARM_PORTS.vxlan)} filtered between the hosts: open it both ways`;
}

/**
 * The script a probe on the overlay runs against a peer probe: one line each, `name ok|noreply|unresolved`
 * and `address ok|noreply`, by busybox ping.
 */
export function pingScript(name: string, address: string, timeoutS: number): string {
  const ping = (target: string, what: string): string =>
    `if o=$(ping -c 1 -W ${timeoutS} ${sh(target)} 2>&1); then echo "${what} ok"; ` +
    `else case "$o" in *"bad address"*) echo "${what} unresolved";; *) echo "${what} noreply";; esac; fi`;
  return `${ping(name, "name")}; ${ping(address, "address")}`;
}

/** Reads {@link pingScript}'s output. */
export function parsePing(output: string): { resolved: boolean; byName: boolean; byAddress: boolean } {
  const word = (what: string): string =>
    /^\w+ (\w+)/.exec(output.split(/\r?\n/).find((l) => l.startsWith(`${what} `)) ?? "")?.[1] ?? "";
  const name = word("name");
  return { resolved: name === "ok" || name === "noreply", byName: name === "ok", byAddress: word("address") === "ok" };
}

/** A failed matrix as one message: each failing pair and its likely cause. */
export function matrixFailure(network: string, results: PairResult[], kind = "overlay"): string | undefined {
  const failed = results.filter((r) => r.problem);
  if (failed.length === 0) return undefined;
  const pairs = failed.map(
    (r) =>
      `${r.from} -> ${r.to}: by name ${r.byName ? "ok" : "failed"}, by address ${r.byAddress ? "ok" : "failed"}; ${r.problem}`,
  );
  return `${kind} "${network}" does not carry traffic between ${failed.length} of ${results.length} host pairs: ${pairs.join(" | ")}`;
}
