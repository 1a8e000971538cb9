/**
 * A swarm across three lab hosts as a real Pulumi stack: `SwarmCluster` (1 manager, 2 workers),
 * an attachable `OverlayNetwork`, containers on both workers attached with aliases. The workers'
 * engines are reached over TLS `tcp://` and over `ssh://`. The real Pulumi CLI runs preview / up /
 * refresh / destroy; the engines of the lab say what happened.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import type * as automation from "@pulumi/pulumi/automation";
import { Engine } from "../../provider/engine/engine";
import { ensureTestImage, exec, RUN_ID, startContainer, TEST_LABEL } from "../support/fixtures";
import { labLeftovers, startLab, type Lab, type LabHost } from "../support/lab";
import { disposeStack, makeUserProject, requireCli, type UserProject } from "./project";

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs and checkpoints are JSON */

interface Params {
  readonly retention?: number;
  readonly rotate?: string;
  readonly drainFirstWorker?: boolean;
  readonly managers?: number;
}

const REPO = process.cwd();

function checkpointOf(project: UserProject, stack: automation.Stack): string {
  const dir = path.join(project.dir, "state", ".pulumi", "stacks");
  const find = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? find(path.join(d, e.name)) : e.name === `${stack.name}.json` ? [path.join(d, e.name)] : [],
      );
  return fs.readFileSync(find(dir)[0], "utf8");
}

describe("a swarm across three hosts with the real Pulumi CLI", function () {
  this.timeout(300_000);
  let lab: Lab;
  let h: LabHost[];
  let project: UserProject;
  let stack: automation.Stack;
  let containers: Docker.Container[] = [];
  let params: Params = {};

  const program = async (): Promise<Record<string, unknown>> => {
    const { SwarmCluster, OverlayNetwork, NetworkAttachment, getSwarmOutput } = project.lib;
    const { secret } = project.pulumi;
    // Host 1 over its unix socket, host 2 over TLS tcp://, host 3 over ssh://: key material as secrets.
    const connections = [
      { host: h[0].host },
      {
        host: h[1].tls!.host,
        caMaterial: h[1].tls!.ca,
        certMaterial: h[1].tls!.cert,
        keyMaterial: secret(h[1].tls!.key),
      },
      { host: h[2].ssh!.host, keyMaterial: secret(h[2].ssh!.key) },
    ];
    const cluster = new SwarmCluster("lab", {
      hosts: h.map((x, i) => ({
        connection: connections[i],
        advertiseAddr: x.address,
        nodeLabels: i === 1 ? { zone: params.drainFirstWorker ? "b" : "a" } : undefined,
        availability: i === 1 && params.drainFirstWorker ? ("drain" as const) : undefined,
      })),
      managers: params.managers ?? 1,
      defaultAddrPool: ["10.236.0.0/16"],
      subnetSize: 24,
      spec: params.retention === undefined ? undefined : { taskHistoryRetentionLimit: params.retention },
      rotateTokens: params.rotate,
      // The data plane proven between every pair, over the unix, TLS and ssh connections.
      verify: true,
    });
    const net = new OverlayNetwork("mesh", { swarm: cluster, attachable: true, labels: { [TEST_LABEL]: RUN_ID } });
    const atts = containers.map(
      (c, i) =>
        new NetworkAttachment(`peer-${i}`, {
          network: net,
          container: c.id,
          aliases: [`peer${i}`],
          connection: connections[i + 1],
        }),
    );
    // After every node has joined, so the lookup sees them all.
    const joined = project.pulumi.all(cluster.nodes.map((n) => n.nodeId));
    const seen = getSwarmOutput({ connection: joined.apply(() => connections[0]) });
    return {
      clusterId: cluster.clusterId,
      workerToken: cluster.workerToken,
      nodeIds: cluster.nodes.map((n) => n.nodeId),
      networkId: net.networkId,
      addresses: atts.map((a) => a.ipv4Address),
      nodesSeen: seen.nodes.apply((nodes) => nodes.length),
      verification: cluster.verification,
    };
  };

  before(async function () {
    requireCli(this);
    this.timeout(600_000);
    lab = await startLab(3, { tls: [2], ssh: [3] });
    h = lab.hosts;
    await Promise.all([h[1], h[2]].map((x) => ensureTestImage(x.docker)));
    containers = await Promise.all([startContainer(h[1].docker, "sw-a"), startContainer(h[2].docker, "sw-b")]);
    project = makeUserProject();
    process.chdir(project.dir);
    stack = await project.stack(`swarm${RUN_ID}`, program);
  });

  after(async function () {
    this.timeout(300_000);
    process.chdir(REPO);
    try {
      await disposeStack(stack);
      await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    } finally {
      project?.remove();
      if (lab) {
        await lab.stop();
        assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
      }
    }
  });

  it("preview plans the cluster, the overlay and the attachments; no engine joins a swarm", async () => {
    const r = await stack.preview({ color: "never" });
    // The component, 3 nodes, its verify overlay, the network, 2 attachments (plus the stack itself).
    assert.equal(r.changeSummary.create, 1 + 1 + 3 + 1 + 1 + 2, JSON.stringify(r.changeSummary));
    for (const x of h) assert.equal((await Engine.connect({ host: x.host }).localSwarm()).state, "inactive");
  });

  it("up: the manager lists three ready nodes; containers on the two workers ping each other by alias", async () => {
    const up = await stack.up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const nodes = await Engine.connect({ host: h[0].host }).listNodes();
    assert.deepEqual(
      nodes.map((n) => `${n.hostname} ${n.role} ${n.state}`).sort(),
      [`${h[0].hostname} manager ready`, `${h[1].hostname} worker ready`, `${h[2].hostname} worker ready`].sort(),
    );
    assert.equal(up.outputs.workerToken.secret, true, "workerToken is a secret stack output");
    assert.deepEqual([up.outputs.nodesSeen.value, up.outputs.nodesSeen.secret], [3, true], "getSwarmOutput");
    const matrix = up.outputs.verification.value as { from: string; to: string; byName: boolean; byAddress: boolean }[];
    assert.deepEqual(
      matrix.map((r) => `${r.from}>${r.to} ${r.byName} ${r.byAddress}`).sort(),
      h.flatMap((a) => h.filter((b) => b !== a).map((b) => `${a.hostname}>${b.hostname} true true`)).sort(),
      "the cluster's verification matrix",
    );
    const warnings = (up.stdout + up.stderr).split("\n").filter((l) => /DeprecationWarning/.test(l));
    assert.deepEqual(warnings, [], "the provider printed deprecation warnings");
    for (const [from, to] of [
      [0, 1],
      [1, 0],
    ]) {
      const r = await exec(h[from + 1].docker, containers[from].id, ["ping", "-c", "2", "-W", "3", `peer${to}`]);
      assert.equal(r.code, 0, `peer${from} → peer${to} across hosts: ${r.output}`);
    }
  });

  it("refresh finds no drift; a second up changes nothing", async () => {
    await stack.refresh({ color: "never", expectNoChanges: true } as automation.RefreshOptions);
    const again = await stack.up({ color: "never" });
    assert.deepEqual(again.summary.resourceChanges, { same: 1 + 1 + 3 + 1 + 1 + 2 });
  });

  it("join tokens and key material are stored only as secrets in the state file", async () => {
    const swarm: any = await h[0].docker.swarmInspect();
    const checkpoint = checkpointOf(project, stack);
    for (const token of [swarm.JoinTokens.Worker, swarm.JoinTokens.Manager]) {
      assert.ok(!checkpoint.includes(token), "a join token in plaintext in the state file");
    }
    const keyBody = (pem: string): string => pem.split("\n")[1];
    assert.ok(!checkpoint.includes(keyBody(h[1].tls!.key)), "the TLS client key in plaintext in the state file");
    assert.ok(!checkpoint.includes(keyBody(h[2].ssh!.key)), "the SSH key in plaintext in the state file");
    assert.match(checkpoint, /ciphertext/);
  });

  it("labels, availability, a spec field and token rotation update in place; every node stays", async () => {
    const before = await stack.outputs();
    params = { retention: 9, rotate: "r1", drainFirstWorker: true };
    const preview = await stack.preview({ color: "never" });
    const { create, replace, delete: del, update } = preview.changeSummary;
    assert.deepEqual({ create, replace, delete: del }, { create: undefined, replace: undefined, delete: undefined });
    // The init node (spec, rotation) and the first worker (labels, availability); the other worker
    // only stores its new token.
    assert.equal(update, 3, JSON.stringify(preview.changeSummary));
    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.outputs.nodeIds.value, before.nodeIds.value, "the same nodes");
    assert.notEqual(up.outputs.workerToken.value, before.workerToken.value, "rotated");
    const swarm: any = await h[0].docker.swarmInspect();
    assert.equal(swarm.Spec.Orchestration.TaskHistoryRetentionLimit, 9);
    const worker = await Engine.connect({ host: h[0].host }).inspectNode(before.nodeIds.value[1]);
    assert.equal(worker?.availability, "drain");
    assert.deepEqual(worker?.labels, { zone: "b" });
    const again = await stack.preview({ color: "never" });
    assert.equal(again.changeSummary.update, undefined, JSON.stringify(again.changeSummary));
  });

  it("managers 1 → 3 promotes the two workers in place: three reachable managers, the same nodes", async () => {
    const before = await stack.outputs();
    params = { ...params, managers: 3 };
    const preview = await stack.preview({ color: "never" });
    const { create, replace, delete: del } = preview.changeSummary;
    assert.deepEqual({ create, replace, delete: del }, { create: undefined, replace: undefined, delete: undefined });
    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.outputs.nodeIds.value, before.nodeIds.value, "the same nodes");
    const nodes = await Engine.connect({ host: h[0].host }).listNodes();
    assert.deepEqual(
      nodes.map((n) => `${n.role} ${n.managerReachability}`),
      ["manager reachable", "manager reachable", "manager reachable"],
    );
    const again = await stack.preview({ color: "never" });
    assert.equal(again.changeSummary.update, undefined, JSON.stringify(again.changeSummary));
  });

  it("destroy: the attachments, the overlay and every membership end (managers demoted first); no engine is left in a swarm", async () => {
    const d = await stack.destroy({ color: "never" });
    assert.equal(d.summary.result, "succeeded");
    for (const x of h) assert.equal((await Engine.connect({ host: x.host }).localSwarm()).state, "inactive");
    for (const c of containers) {
      const nets = Object.keys((await c.inspect()).NetworkSettings.Networks);
      assert.deepEqual(nets, ["bridge"], "only the default network is left");
    }
  });
});
