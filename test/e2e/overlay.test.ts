/**
 * An overlay declared on its swarm (`swarm:`) as a real Pulumi stack on a lab host: a re-apply
 * plans nothing; an in-place update of the init node plans no change to the overlay; replacing the init node makes a new swarm, and the overlay and its attachment
 * follow it; an ingress network is replaced by deleting first (a swarm has one ingress).
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import type * as automation from "@pulumi/pulumi/automation";
import { ensureTestImage, exec, RUN_ID, removeContainers, startContainer, TEST_LABEL } from "../support/fixtures";
import { labLeftovers, startLab, type Lab } from "../support/lab";
import { disposeStack, makeUserProject, requireCli, type UserProject } from "./project";

const REPO = process.cwd();

describe("an overlay on its swarm with the real Pulumi CLI", function () {
  this.timeout(300_000);
  let lab: Lab | undefined;
  let project: UserProject | undefined;
  let stack: automation.Stack;
  let containers: Docker.Container[] = [];
  let params = { listenPort: 2377, ingress: false, ingressLabel: "a", rotate: undefined as string | undefined };

  const program = async (): Promise<Record<string, unknown>> => {
    const { SwarmNode, OverlayNetwork, NetworkAttachment } = project!.lib;
    const h = lab!.hosts[0];
    const labels = { [TEST_LABEL]: RUN_ID };
    const node = new SwarmNode("solo", {
      connection: { host: h.host },
      advertiseAddr: h.address,
      listenAddr: `0.0.0.0:${params.listenPort}`,
      forceLeave: true,
      rotateTokens: params.rotate,
    });
    const mesh = new OverlayNetwork("mesh", { swarm: node, attachable: true, labels });
    const peers = containers.map(
      (c, i) => new NetworkAttachment(`peer-${i}`, { network: mesh, container: c.id, aliases: [`peer${i}`] }),
    );
    const ingress = params.ingress
      ? new OverlayNetwork("ing", { swarm: node, ingress: true, labels: { ...labels, v: params.ingressLabel } })
      : undefined;
    return {
      clusterId: node.clusterId,
      meshId: mesh.networkId,
      meshCluster: mesh.clusterId,
      addresses: peers.map((p) => p.ipv4Address),
      ingressId: ingress?.networkId,
    };
  };

  const assertConverged = async (what: string): Promise<void> => {
    const pv = await stack.preview({ color: "never", diff: true });
    const { same, ...changes } = pv.changeSummary;
    if (Object.keys(changes).length) console.log(pv.stdout);
    assert.deepEqual(changes, {}, `${what}: a second preview plans ${JSON.stringify(changes)}`);
    assert.ok((same ?? 0) > 0);
  };

  before(async function () {
    requireCli(this);
    lab = await startLab(1);
    await ensureTestImage(lab.hosts[0].docker);
    containers = await Promise.all([0, 1].map((i) => startContainer(lab!.hosts[0].docker, `ovs-${i}`)));
    project = makeUserProject();
    process.chdir(project.dir);
    stack = await project.stack(`ovs${RUN_ID}`, program);
  });

  after(async function () {
    process.chdir(REPO);
    try {
      await disposeStack(stack);
      await removeContainers(containers);
      project?.remove();
    } finally {
      if (lab) {
        await lab.stop();
        assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
      }
    }
  });

  it("up: the overlay is made on the swarm's engine after it; a re-apply plans nothing", async () => {
    const up = await stack.up({ color: "never" });
    assert.equal(up.outputs.meshCluster.value, up.outputs.clusterId.value);
    const ping = await exec(lab!.hosts[0].docker, containers[0].id, ["ping", "-c", "1", "-W", "5", "peer1"]);
    assert.equal(ping.code, 0, ping.output);
    await assertConverged("re-apply");
    await stack.refresh({ color: "never", expectNoChanges: true } as automation.RefreshOptions);
  });

  it("the init node updated in place (token rotation): only that update is planned; the overlay stays", async () => {
    const before = await stack.outputs();
    params = { ...params, rotate: "r1" };
    const preview = await stack.preview({ color: "never", diff: true });
    const { same: _same, ...changes } = preview.changeSummary;
    assert.deepEqual(changes, { update: 1 }, preview.stdout);
    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 4 });
    assert.equal(up.outputs.meshId.value, before.meshId.value, "the same overlay");
    await assertConverged("after the rotation");
  });

  it("a new swarm (the init node replaced): the overlay and its attachments are re-created on it", async () => {
    const before = await stack.outputs();
    params = { ...params, listenPort: 2378 };
    const preview = await stack.preview({ color: "never" });
    assert.equal(preview.changeSummary.replace, 1 + 1 + containers.length, JSON.stringify(preview.changeSummary));
    const up = await stack.up({ color: "never" });
    assert.notEqual(up.outputs.clusterId.value, before.clusterId.value, "a new swarm");
    assert.equal(up.outputs.meshCluster.value, up.outputs.clusterId.value, "the overlay is on the new swarm");
    const docker = lab!.hosts[0].docker;
    assert.equal((await docker.getNetwork(up.outputs.meshId.value).inspect()).Scope, "swarm");
    const ping = await exec(docker, containers[0].id, ["ping", "-c", "1", "-W", "5", "peer1"]);
    assert.equal(ping.code, 0, ping.output);
    await assertConverged("after the new swarm");
  });

  it("an ingress network is replaced by deleting first", async () => {
    const docker = lab!.hosts[0].docker;
    // A swarm has one ingress network: the default one makes way for the declared one.
    await docker.getNetwork("ingress").remove();
    params = { ...params, ingress: true };
    const first = await stack.up({ color: "never" });
    params = { ...params, ingressLabel: "b" };
    const up = await stack.up({ color: "never" });
    assert.notEqual(up.outputs.ingressId.value, first.outputs.ingressId.value);
    const ing = await docker.getNetwork(up.outputs.ingressId.value).inspect();
    assert.equal(ing.Ingress, true);
    assert.equal(ing.Labels?.v, "b");
    await assertConverged("after the ingress replacement");
  });
});
