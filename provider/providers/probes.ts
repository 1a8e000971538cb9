/**
 * Proofs made with probes, containers or a probe service's tasks (see model/probe.ts for the
 * rules): a joining engine reaches the managers' swarm ports, and an overlay carries traffic
 * between every pair of hosts.
 */
import { randomBytes } from "node:crypto";
import { Engine } from "../engine/engine";
import { MANAGED_LABEL, type Connection } from "../model/model";
import {
  DEFAULT_PROBE_IMAGE,
  PROBE_LABEL,
  DEFAULT_PROBE_TIMEOUT_S,
  describePort,
  pairProblem,
  parsePing,
  parseTcpProbe,
  pingScript,
  splitHostPort,
  SWARM_PORTS,
  tcpProbeScript,
  type PairResult,
} from "../model/probe";
import { attachTimeoutHint, withSwarmPort } from "../model/swarmModel";
import { until } from "./wait";

/** A probe's settings as declared (`preflight`, `verify`). */
export interface ProbeSettings {
  readonly image?: string;
  readonly timeoutSeconds?: number;
}

/**
 * Before `docker swarm join`: proves from the joining engine's own network (a probe container on
 * the host network) that a manager answers on its swarm port (2377/tcp) and on 7946/tcp. One
 * manager answering on both is enough; else the error names both hosts, each blocked port, its
 * protocol and what it is for. Fails in seconds where the join would wait for its own timeout.
 * A check that is on by default must not make a join impossible: with the default image absent
 * (it is never pulled) it is skipped; an image the user named must be there. Resolves to what
 * happened, for the node's `preflightResult` output.
 */
export async function preflightJoin(
  engine: Engine,
  hostname: string,
  remoteAddrs: string[],
  settings: ProbeSettings,
): Promise<string> {
  if (settings.image === undefined && !(await engine.hasImage(DEFAULT_PROBE_IMAGE))) {
    return `skipped: ${DEFAULT_PROBE_IMAGE} is not on ${hostname} (${engine.host}), and the preflight never pulls; provide it there or name preflight.image to have the ports checked`;
  }
  const image = settings.image ?? DEFAULT_PROBE_IMAGE;
  const timeoutS = settings.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_S;
  const failures: string[] = [];
  for (const addr of remoteAddrs.map(withSwarmPort)) {
    const { host, port } = splitHostPort(addr);
    const checks = [{ ...SWARM_PORTS.management, port }, SWARM_PORTS.gossipTcp].filter(
      (c, i, all) => all.findIndex((o) => o.port === c.port) === i,
    );
    const ports = checks.map((c) => c.port);
    const output = await engine.runProbe({
      image,
      network: "host",
      script: tcpProbeScript(host, ports, timeoutS),
      timeoutMs: (timeoutS * ports.length + 15) * 1000,
    });
    const result = parseTcpProbe(output, ports);
    const blocked = checks.filter((c) => result.get(c.port) !== undefined);
    if (blocked.length === 0) return `passed: ${host} answers on ${ports.map((p) => `${p}/tcp`).join(" and ")}`;
    failures.push(...blocked.map((c) => `${host} ${describePort(c)}: ${result.get(c.port)}`));
  }
  throw new Error(
    `preflight before swarm join: from ${hostname} (${engine.host}), ${failures.join("; ")}. ` +
      `Open these ports from ${hostname} to the manager(s) (host firewall, security group), or set preflight: false to skip this check. Nothing was joined`,
  );
}

/** The AEAD Docker's encrypted overlay asks the kernel for (IPsec ESP with AES-GCM). */
const OVERLAY_ESP_AEAD = "rfc4106(gcm(aes))";

/** How long a probe service's tasks may take to start, and its containers to go once it is removed. */
const PROBE_SERVICE_MS = 60_000;

/** One host's probe on the overlay: a container to exec in, and the name and address its peers ping. */
interface Probe {
  readonly engine: Engine;
  readonly id: string;
  readonly name: string;
  readonly hostname: string;
  readonly address: string;
}

/** The network a verify proves, as check declared it. */
export interface VerifiedNetwork {
  readonly name: string;
  readonly encrypted: boolean;
  readonly attachable: boolean;
  /** A swarm-wide LAN network (macvlan, ipvlan): a failed pair is the LAN's, not VXLAN's. */
  readonly lan?: boolean;
}

/**
 * Proves that a swarm-scoped network (an overlay, a swarm-wide LAN network) carries traffic
 * between every pair of `hosts`: a probe on it per host,
 * then from each a ping to every other by name and by address. On an attachable overlay the probes
 * are standalone containers (`docker run -d --network NET IMAGE sleep`); on any other, which only
 * services may use, the tasks of a short-lived global-mode service created on `manager` (one task
 * per node). The probes are removed whatever happens. Resolves to the per-pair matrix; a failed
 * pair carries its likely cause (see pairProblem).
 */
export async function verifySwarmNetwork(
  network: VerifiedNetwork,
  manager: Connection | undefined,
  hosts: (Connection | undefined)[],
  settings: ProbeSettings,
): Promise<PairResult[]> {
  const image = settings.image ?? DEFAULT_PROBE_IMAGE;
  const timeoutS = settings.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_S;
  const engines = hosts.map((c) => Engine.connect(c));
  const tag = randomBytes(3).toString("hex");
  const probes: Probe[] = [];
  const service = { id: undefined as string | undefined };
  try {
    if (network.attachable) await probeContainers(engines, network.name, image, tag, probes);
    else probes.push(...(await probeService(Engine.connect(manager), engines, network.name, image, tag, service)));
    return await pingMatrix(probes, network, timeoutS);
  } finally {
    if (service.id) await removeProbeService(Engine.connect(manager), service.id, engines);
    else await Promise.all(probes.map((p) => p.engine.removeContainer(p.id).catch(() => undefined)));
  }
}

/** A probe container per host on an attachable overlay; each joins `probes` as soon as it runs, so it is removed whatever follows. */
async function probeContainers(
  engines: Engine[],
  network: string,
  image: string,
  tag: string,
  probes: Probe[],
): Promise<void> {
  for (const [i, engine] of engines.entries()) {
    const name = `pdn-probe-${tag}-${i}`;
    const hostname = (await engine.localSwarm()).hostname || engine.host;
    const id = await engine.startProbe({ image, network, name, cmd: ["sleep", "600"] }).catch((err: Error) => {
      if (!/attaching to network failed/i.test(err.message)) throw err;
      const gossip = attachTimeoutHint(err.message);
      throw new Error(
        `probe on ${hostname} could not join network "${network}": ${err.message}. A node whose availability is drain or pause takes no new containers on overlays (docker node update --availability active), and a node outside the swarm none at all${gossip && `. ${gossip}`}`,
      );
    });
    const container = await engine.inspectContainer(id);
    probes.push({ engine, id, name, hostname, address: container?.networks[network]?.ipv4Address ?? "" });
  }
}

/**
 * A global-mode probe service on the overlay (`docker service create --mode global --network NET`),
 * labelled as the library's probe, and its task on each host. The image must be on every host
 * asked (it is never pulled): when it has the same ID on all of them the service names it by ID, so
 * no swarm agent tries a pull first. `service.id` is set at once, for the caller's cleanup.
 */
async function probeService(
  manager: Engine,
  engines: Engine[],
  network: string,
  image: string,
  tag: string,
  service: { id?: string },
): Promise<Probe[]> {
  const ids = await Promise.all(engines.map((e) => e.imageId(image)));
  const missing = ids.findIndex((id) => id === undefined);
  if (missing >= 0) throw engines[missing].missingProbeImage(image);
  const labels = { [MANAGED_LABEL]: "true", [PROBE_LABEL]: "true" };
  service.id = await manager.createService({
    Name: `pdn-probe-${tag}`,
    Labels: labels,
    Mode: { Global: {} },
    TaskTemplate: {
      ContainerSpec: {
        Image: new Set(ids).size === 1 ? ids[0] : image,
        Command: ["sleep", "600"],
        Labels: labels,
        StopGracePeriod: 1_000_000_000,
      },
      Networks: [{ Target: network }],
      RestartPolicy: { Condition: "none" },
    },
  });
  const serviceId = service.id;
  return Promise.all(
    engines.map(async (engine) => {
      const local = await engine.localSwarm();
      const hostname = local.hostname || engine.host;
      const running = await until(PROBE_SERVICE_MS, async () => {
        const mine = await engine.containersLabelled(`com.docker.swarm.service.id=${serviceId}`);
        return mine.find((c) => c.state === "running");
      });
      if (!running) {
        const tasks = await manager.listTasks({ service: [serviceId], node: [local.nodeId] }).catch(() => []);
        const seen =
          tasks.map((t) => `${t.state}${t.error ? `: ${t.error}` : ""}`).join("; ") || "no task placed there";
        throw new Error(
          `probe service task on ${hostname} did not start within ${PROBE_SERVICE_MS / 1000} s (${seen}). A node whose availability is drain or pause runs no tasks (docker node update --availability active), and a node outside the swarm none at all`,
        );
      }
      const container = await engine.inspectContainer(running.id);
      // A task's container name resolves on the overlay, as a standalone container's does.
      const name = container?.name ?? running.id;
      return { engine, id: running.id, name, hostname, address: container?.networks[network]?.ipv4Address ?? "" };
    }),
  );
}

/** Removes the probe service and waits (bounded) until its containers are gone, so the network is free again. */
async function removeProbeService(manager: Engine, serviceId: string, engines: Engine[]): Promise<void> {
  await manager.removeService(serviceId).catch(() => undefined);
  await until(PROBE_SERVICE_MS, async () => {
    const left = await Promise.all(
      engines.map((e) => e.containersLabelled(`com.docker.swarm.service.id=${serviceId}`).catch(() => [])),
    );
    return left.every((l) => l.length === 0) ? true : undefined;
  });
}

/** From each probe, a ping to every other by name and by address; the probes run side by side. */
async function pingMatrix(probes: Probe[], network: VerifiedNetwork, timeoutS: number): Promise<PairResult[]> {
  const { encrypted, lan } = network;
  // The kernel's IPsec support, asked once (its /proc/crypto, seen from any container) and only
  // when an encrypted pair fails.
  let ipsec: Promise<boolean> | undefined;
  const hasIpsec = (p: Probe): Promise<boolean> =>
    (ipsec ??= p.engine.execProbe(p.id, "cat /proc/crypto", 15_000).then((c) => c.includes(OVERLAY_ESP_AEAD)));
  const rows = await Promise.all(
    probes.map(async (from) => {
      const out: PairResult[] = [];
      for (const to of probes.filter((p) => p !== from)) {
        const script = pingScript(to.name, to.address, timeoutS);
        const seen = parsePing(await from.engine.execProbe(from.id, script, (2 * timeoutS + 15) * 1000));
        const failed = !(seen.byName && seen.byAddress);
        const ipsec = !(encrypted && failed) || (await hasIpsec(from));
        const problem = pairProblem({ ...seen, encrypted, ipsec, lan });
        out.push({ from: from.hostname, to: to.hostname, ...seen, ...(problem ? { problem } : {}) });
      }
      return out;
    }),
  );
  return rows.flat();
}
