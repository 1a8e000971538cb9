/**
 * Proofs made with probe containers (see model/probe.ts for the rules): a joining engine reaches
 * the managers' swarm ports, and an overlay carries traffic between every pair of hosts.
 */
import { randomBytes } from "node:crypto";
import { Engine } from "../engine/engine";
import type { Connection } from "../model/model";
import {
  DEFAULT_PROBE_IMAGE,
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
import { withSwarmPort } from "../model/swarmModel";

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

/**
 * Proves that an attachable overlay carries traffic between every pair of `hosts`: a probe
 * container on it per host (`docker run -d --network NET IMAGE sleep`), then from each a ping to
 * every other by name and by address. The probes are removed whatever happens. Resolves to the
 * per-pair matrix; a failed pair carries its likely cause (see pairProblem).
 */
export async function verifyOverlay(
  network: { name: string; encrypted: boolean },
  hosts: (Connection | undefined)[],
  settings: ProbeSettings,
): Promise<PairResult[]> {
  const image = settings.image ?? DEFAULT_PROBE_IMAGE;
  const timeoutS = settings.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_S;
  const engines = hosts.map((c) => Engine.connect(c));
  const tag = randomBytes(3).toString("hex");
  const probes: { engine: Engine; id: string; name: string; hostname: string; address: string }[] = [];
  try {
    for (const [i, engine] of engines.entries()) {
      const name = `pdn-probe-${tag}-${i}`;
      const local = await engine.localSwarm();
      const hostname = local.hostname || engine.host;
      const id = await engine
        .startProbe({ image, network: network.name, name, cmd: ["sleep", "600"] })
        .catch((err: Error) => {
          if (!/attaching to network failed/i.test(err.message)) throw err;
          throw new Error(
            `probe on ${hostname} could not join overlay "${network.name}": ${err.message}. A node whose availability is drain or pause takes no new containers on overlays (docker node update --availability active), and a node outside the swarm none at all`,
          );
        });
      const container = await engine.inspectContainer(id);
      const address = container?.networks[network.name]?.ipv4Address ?? "";
      probes.push({ engine, id, name, hostname, address });
    }
    // The kernel's IPsec support, asked once (its /proc/crypto, seen from any container) and only
    // when an encrypted pair fails.
    let ipsec: Promise<boolean> | undefined;
    const hasIpsec = (p: (typeof probes)[number]): Promise<boolean> =>
      (ipsec ??= p.engine.execProbe(p.id, "cat /proc/crypto", 15_000).then((c) => c.includes(OVERLAY_ESP_AEAD)));
    // Each probe pings its peers one after another; the probes run side by side.
    const rows = await Promise.all(
      probes.map(async (from) => {
        const out: PairResult[] = [];
        for (const to of probes.filter((p) => p !== from)) {
          const script = pingScript(to.name, to.address, timeoutS);
          const seen = parsePing(await from.engine.execProbe(from.id, script, (2 * timeoutS + 15) * 1000));
          const failed = !(seen.byName && seen.byAddress);
          const encrypted = network.encrypted;
          const problem = pairProblem({ ...seen, encrypted, ipsec: !(encrypted && failed) || (await hasIpsec(from)) });
          out.push({ from: from.hostname, to: to.hostname, ...seen, ...(problem ? { problem } : {}) });
        }
        return out;
      }),
    );
    return rows.flat();
  } finally {
    await Promise.all(probes.map((p) => p.engine.removeContainer(p.id).catch(() => undefined)));
  }
}
