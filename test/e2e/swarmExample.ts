/**
 * The swarm example (a SwarmCluster of three lab hosts, an attachable overlay verified over all of
 * them, a container on each worker attached by alias), shared by its TypeScript (examples/swarm)
 * and Python (examples/python-swarm) versions: the lab, the config its header describes, what a
 * user sees once it is up, and the teardown that proves nothing is left.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { ensureTestImage, exec, removeContainers, startContainer } from "../support/fixtures";
import { labLeftovers, startLab, type Lab } from "../support/lab";
import { changes, outputs, type CliProject } from "./project";

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs are JSON */

/** Three lab hosts (the third over ssh://) and a container on each worker, named `<prefix>-a` and `-b`. */
export async function swarmLab(prefix: string): Promise<{ lab: Lab; containers: Docker.Container[] }> {
  const lab = await startLab(3, { ssh: [3] });
  const h = lab.hosts;
  await Promise.all([h[1], h[2]].map((x) => ensureTestImage(x.docker)));
  const containers = await Promise.all([
    startContainer(h[1].docker, `${prefix}-a`),
    startContainer(h[2].docker, `${prefix}-b`),
  ]);
  return { lab, containers };
}

/** The config the example's header describes: host 3 over ssh:// with its key as a secret; the containers as peer0 and peer1. */
export async function configureSwarmExample(p: CliProject, lab: Lab, containers: Docker.Container[]): Promise<void> {
  const h = lab.hosts;
  [h[0].host, h[1].host, h[2].ssh!.host].forEach((host, i) => {
    p.pulumi(["config", "set", "--path", `hosts[${i}].host`, host]);
    p.pulumi(["config", "set", "--path", `hosts[${i}].advertiseAddr`, h[i].address]);
  });
  p.pulumi(["config", "set", "--secret", "sshKey"], { input: h[2].ssh!.key });
  for (const [i, c] of containers.entries()) {
    const name = (await c.inspect()).Name.slice(1);
    p.pulumi(["config", "set", "--path", `attach[${i}].host`, String(i + 1)]);
    p.pulumi(["config", "set", "--path", `attach[${i}].container`, name]);
    p.pulumi(["config", "set", "--path", `attach[${i}].alias`, `peer${i}`]);
  }
}

/**
 * Preview plans the stack, the component, 3 nodes, the overlay and 2 attachments; up makes them
 * without printing a token or key; the swarm is the output's, the workers' containers reach each
 * other by alias, and the overlay's verify proved every pair (over the unix sockets and ssh://).
 * Resolves to the stack's outputs.
 */
export async function upSwarmExample(p: CliProject, lab: Lab, containers: Docker.Container[]): Promise<any> {
  const h = lab.hosts;
  const preview = p.pulumi(["preview"]);
  assert.deepEqual(changes(preview.stdout), { "to create": 8 }, preview.stdout);
  const up = p.pulumi(["up", "--yes"]);
  assert.deepEqual(changes(up.stdout), { created: 8 }, up.stdout);
  assert.doesNotMatch(up.stdout + up.stderr, /SWMTKN|BEGIN OPENSSH PRIVATE KEY/, "no token or key printed");
  const out = outputs(p);
  assert.equal(out.clusterId, (await h[0].docker.swarmInspect()).ID);
  assert.equal((await h[0].docker.listNodes()).length, 3);
  const ping = await exec(h[1].docker, containers[0].id, ["ping", "-c", "1", "-W", "5", "peer1"]);
  assert.equal(ping.code, 0, ping.output);
  assert.match(ping.output, new RegExp(out.addresses[1].replace(/\./g, "\\.")));
  assert.deepEqual(
    out.meshVerification.map((r: any) => `${r.from}>${r.to} ${r.byName} ${r.byAddress}`).sort(),
    h.flatMap((a) => h.filter((b) => b !== a).map((b) => `${a.hostname}>${b.hostname} true true`)).sort(),
  );
  return out;
}

/** Destroy takes the overlay down and every host out of the swarm; the containers run on. */
export async function destroySwarmExample(p: CliProject, lab: Lab, containers: Docker.Container[]): Promise<void> {
  const destroy = p.pulumi(["destroy", "--yes"]);
  assert.deepEqual(changes(destroy.stdout), { deleted: 8 }, destroy.stdout);
  for (const x of lab.hosts) assert.equal((await x.docker.info()).Swarm.LocalNodeState, "inactive", x.hostname);
  for (const c of containers) assert.equal((await c.inspect()).State.Running, true);
}

/** After an example: its stack destroyed, its project and containers removed, then its lab (if any), proven to leave nothing. */
export async function disposeOnLab(
  project: CliProject | undefined,
  containers: Docker.Container[],
  lab: Lab | undefined,
): Promise<void> {
  try {
    project?.pulumi(["destroy", "--yes"], { allowFailure: true });
    project?.remove();
    await removeContainers(containers);
  } finally {
    if (lab) {
      await lab.stop();
      assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
    }
  }
}
