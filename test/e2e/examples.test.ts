/**
 * The shipped example programs, each deployed as a user deploys it: the example directory copied
 * into a new project, the library installed from its tarball, and the `pulumi` command (CLI and
 * Node.js language host) running `preview`, `up`, `preview --expect-no-changes`,
 * `refresh --expect-no-changes` and `destroy`. The engines say what happened.
 *
 * examples/with-pulumi-docker is not deployed here: the @pulumi/docker provider plugin cannot be
 * built from the registries these machines reach; it is typechecked and run under mocks
 * (test/unit/examples.test.ts).
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { MANAGED_LABEL } from "../../provider/model/model";
import { ensureTestImage, exec, removeContainers, RUN_ID, startContainer } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { labLeftovers, startLab, type Lab } from "../support/lab";
import { cliProject, requireCli, type CliProject } from "./project";

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs are JSON */

/** `pulumi stack output --json --show-secrets`. */
function outputs(p: CliProject): any {
  return JSON.parse(p.pulumi(["stack", "output", "--json", "--show-secrets"]).stdout);
}

/**
 * The resource counts of a `pulumi` run's last summary ("+ 4 created"; `up --yes` prints the
 * preview's summary first), so a program that deploys nothing fails its test.
 */
function changes(out: string): Record<string, number> {
  const summary = out.split(/^Resources:$/m).pop()!;
  return Object.fromEntries(
    [...summary.matchAll(/^\s+(?:[-+~]|\+-)?\s*(\d+) (to \w+|created|deleted|updated|replaced|unchanged)$/gm)].map(
      (m) => [m[2], Number(m[1])],
    ),
  );
}

/** Preview and refresh of a converged stack plan nothing. */
function assertConverged(p: CliProject): void {
  p.pulumi(["preview", "--expect-no-changes"]);
  p.pulumi(["refresh", "--yes", "--expect-no-changes"]);
}

describe("the shipped examples with the pulumi command", function () {
  this.timeout(600_000);

  describe("examples/quickstart on one engine", () => {
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];
    const docker = (): Docker => testEngine().docker;
    const stackName = `qs${RUN_ID}`;
    // The program labels its network with the stack's name: the run's networks, found by label.
    const networksOfStack = async (): Promise<string[]> =>
      (await docker().listNetworks({ filters: { label: [`com.example.stack=${stackName}`, MANAGED_LABEL] } })).map(
        (n) => n.Name,
      );

    before(async function () {
      requireCli(this);
      containers = await Promise.all([startContainer(docker(), "qs-a"), startContainer(docker(), "qs-b")]);
      project = cliProject({ example: "quickstart" }, stackName);
    });

    after(async () => {
      project?.pulumi(["destroy", "--yes"], { allowFailure: true });
      project?.remove();
      await removeContainers(containers);
    });

    it("preview plans the network and both attachments; up makes them, and the containers reach each other by alias", async () => {
      const p = project!;
      const names = await Promise.all(containers.map(async (c) => (await c.inspect()).Name.slice(1)));
      names.forEach((n, i) => p.pulumi(["config", "set", "--path", `containers[${i}]`, n]));

      const preview = p.pulumi(["preview"]);
      assert.deepEqual(changes(preview.stdout), { "to create": 4 }, preview.stdout);
      assert.deepEqual(await networksOfStack(), [], "preview created nothing");

      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 4 }, up.stdout);
      const out = outputs(p);
      assert.deepEqual(await networksOfStack(), [out.networkName]);
      assert.deepEqual(
        out.attached,
        names.map((n, i) => `${n} 10.250.10.${10 + i}/24`).sort(),
        "the lookup, ordered after the attachments, lists both on the first up",
      );
      const ping = await exec(docker(), containers[0].id, ["ping", "-c", "1", "-W", "5", "svc-1"]);
      assert.equal(ping.code, 0, ping.output);
      assert.match(ping.output, /10\.250\.10\.11/);

      assertConverged(p);
    });

    it("destroy removes the network and leaves the containers as they were", async () => {
      const destroy = project!.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 4 }, destroy.stdout);
      assert.deepEqual(await networksOfStack(), []);
      for (const c of containers) {
        const state = await c.inspect();
        assert.equal(state.State.Running, true);
        assert.deepEqual(Object.keys(state.NetworkSettings.Networks), ["bridge"]);
      }
    });
  });

  describe("examples/swarm on three lab hosts", () => {
    let lab: Lab | undefined;
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];

    before(async function () {
      requireCli(this);
      lab = await startLab(3, { ssh: [3] });
      const h = lab.hosts;
      await Promise.all([h[1], h[2]].map((x) => ensureTestImage(x.docker)));
      containers = await Promise.all([startContainer(h[1].docker, "ex-a"), startContainer(h[2].docker, "ex-b")]);
      project = cliProject({ example: "swarm" }, `swarm${RUN_ID}`);
      // Configured as the example's header says: host 3 over ssh:// with its key as a secret.
      const hosts = [h[0].host, h[1].host, h[2].ssh!.host];
      hosts.forEach((host, i) => {
        project!.pulumi(["config", "set", "--path", `hosts[${i}].host`, host]);
        project!.pulumi(["config", "set", "--path", `hosts[${i}].advertiseAddr`, h[i].address]);
      });
      project.pulumi(["config", "set", "--secret", "sshKey"], { input: h[2].ssh!.key });
      for (const [i, c] of containers.entries()) {
        const name = (await c.inspect()).Name.slice(1);
        project.pulumi(["config", "set", "--path", `attach[${i}].host`, String(i + 1)]);
        project.pulumi(["config", "set", "--path", `attach[${i}].container`, name]);
        project.pulumi(["config", "set", "--path", `attach[${i}].alias`, `peer${i}`]);
      }
    });

    after(async () => {
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
    });

    it("up builds the swarm and the overlay; containers on two workers reach each other by alias", async () => {
      const p = project!;
      const h = lab!.hosts;
      const preview = p.pulumi(["preview"]);
      // The stack, the component, 3 nodes, the overlay, 2 attachments.
      assert.deepEqual(changes(preview.stdout), { "to create": 8 }, preview.stdout);

      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 8 }, up.stdout);
      assert.doesNotMatch(up.stdout + up.stderr, /SWMTKN|BEGIN OPENSSH PRIVATE KEY/, "no token or key printed");
      const out = outputs(p);
      assert.deepEqual(
        out.nodes.map((n: any) => [n.hostname, n.role]),
        h.map((x, i) => [x.hostname, i === 0 ? "manager" : "worker"]),
      );
      const swarm = await h[0].docker.swarmInspect();
      assert.equal(out.clusterId, swarm.ID);
      assert.equal((await h[0].docker.listNodes()).length, 3);
      const ping = await exec(h[1].docker, containers[0].id, ["ping", "-c", "1", "-W", "5", "peer1"]);
      assert.equal(ping.code, 0, ping.output);
      assert.match(ping.output, new RegExp(out.addresses[1].replace(/\./g, "\\.")));
      // The overlay's verify proved every pair, over the unix sockets and ssh://.
      assert.deepEqual(
        out.meshVerification.map((r: any) => `${r.from}>${r.to} ${r.byName} ${r.byAddress}`).sort(),
        h.flatMap((a) => h.filter((b) => b !== a).map((b) => `${a.hostname}>${b.hostname} true true`)).sort(),
      );

      assertConverged(p);
    });

    it("destroy takes the overlay down and every host out of the swarm", async () => {
      const destroy = project!.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 8 }, destroy.stdout);
      for (const x of lab!.hosts) assert.equal((await x.docker.info()).Swarm.LocalNodeState, "inactive", x.hostname);
      for (const c of containers) assert.equal((await c.inspect()).State.Running, true);
    });
  });
});
