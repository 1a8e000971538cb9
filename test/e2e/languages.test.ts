/**
 * The library from Python, Go and Pulumi YAML programs, as their users run them: the provider
 * plugin installed from its tarball (`pulumi plugin install --file`), the Python SDK from its
 * wheel, the Go SDK by a go.mod replace, the `pulumi` command with each language's host running
 * the program. The engines say what happened; the same provider code as for TypeScript, so the
 * same labels, names and refusals.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import { MANAGED_LABEL, OWNER_LABEL } from "../../provider/model/model";
import { ensureTestImage, exec, RUN_ID, startContainer } from "../support/fixtures";
import { labLeftovers, startLab, type Lab } from "../support/lab";
import { answersSettled, createTestService, runningTasks } from "../support/swarm";
import {
  assertConverged,
  changes,
  languageProject,
  languagesUnavailable,
  outputs,
  requireCli,
  type CliProject,
} from "./project";
import { configureSwarmExample, destroySwarmExample, disposeOnLab, swarmLab, upSwarmExample } from "./swarmExample";

/** The networks of a stack (the examples label theirs with the stack's name). */
async function networksOf(docker: Docker, stack: string): Promise<Docker.NetworkInspectInfo[]> {
  return docker.listNetworks({ filters: { label: [`com.example.stack=${stack}`, MANAGED_LABEL] } });
}

describe("programs in Python, Go and YAML, through the provider plugin", function () {
  this.timeout(600_000);
  let lab: Lab | undefined;
  const docker = (): Docker => lab!.hosts[0].docker;

  before(async function () {
    requireCli(this, languagesUnavailable());
    lab = await startLab(1);
    await ensureTestImage(docker());
  });

  after(async () => {
    if (!lab) return;
    await lab.stop();
    assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
  });

  /** An example's project with two running containers of its own (`<prefix>-a`, `-b`) on the lab's host. */
  async function onLabHost(
    example: string,
    prefix: string,
    stack: string,
  ): Promise<{ project: CliProject; containers: Docker.Container[] }> {
    const containers = await Promise.all([
      startContainer(docker(), `${prefix}-a`),
      startContainer(docker(), `${prefix}-b`),
    ]);
    return { containers, project: languageProject({ example }, stack, { DOCKER_HOST: lab!.hosts[0].host }) };
  }

  describe("examples/python: the quickstart in Python", () => {
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];
    const stack = `py${RUN_ID}`;

    before(async () => ({ project, containers } = await onLabHost("python", "py", stack)));
    after(() => disposeOnLab(project, containers, undefined));

    it("preview plans, up makes the network and both attachments; the containers reach each other by alias; converged", async () => {
      const p = project!;
      const names = await Promise.all(containers.map(async (c) => (await c.inspect()).Name.slice(1)));
      names.forEach((n, i) => p.pulumi(["config", "set", "--path", `containers[${i}]`, n]));

      const preview = p.pulumi(["preview"]);
      assert.deepEqual(changes(preview.stdout), { "to create": 4 }, preview.stdout);
      assert.deepEqual(await networksOf(docker(), stack), [], "preview created nothing");

      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 4 }, up.stdout);
      const out = outputs(p);
      const [net] = await networksOf(docker(), stack);
      assert.equal(net.Name, out.networkName);
      assert.match(out.networkName, /^app-[0-9a-f]{7}$/, "auto-named as in TypeScript");
      assert.equal(net.Labels?.[OWNER_LABEL], `docker-networking-python/${stack}/BridgeNetwork/app`);
      assert.deepEqual(out.addresses, Object.fromEntries(names.map((n, i) => [n, `10.250.20.${10 + i}`])));
      assert.deepEqual(
        out.attached,
        names.map((n, i) => `${n} 10.250.20.${10 + i}/24`).sort(),
        "the lookup (an invoke), ordered after the attachments, lists both on the first up",
      );
      const ping = await exec(docker(), containers[0].id, ["ping", "-c", "1", "-W", "5", "svc-1"]);
      assert.equal(ping.code, 0, ping.output);
      assert.match(ping.output, /10\.250\.20\.11/);
      assertConverged(p);
    });

    it("edits: a field changed in place updates (and back), static addresses replace the attachments, each followed by a no-op preview", async () => {
      const p = project!;
      const program = fs.readFileSync(path.join(p.dir, "__main__.py"), "utf8");
      p.write("__main__.py", program.replace("mtu=1450,", "mtu=1450,\n    disconnect_on_delete=True,"));
      const inPlace = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(inPlace.stdout), { updated: 1, unchanged: 3 }, inPlace.stdout);
      p.pulumi(["preview", "--expect-no-changes"]);

      p.write("__main__.py", program.replace("10.250.20.{10 + i}", "10.250.20.{20 + i}"));
      const replaced = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(replaced.stdout), { updated: 1, replaced: 2 }, replaced.stdout);
      const c0 = await containers[0].inspect();
      assert.equal(c0.NetworkSettings.Networks[outputs(p).networkName].IPAddress, "10.250.20.20");
      p.pulumi(["preview", "--expect-no-changes"]);
    });

    it("a mistake is refused by the preview naming the field, as in TypeScript; nothing changes", async () => {
      const p = project!;
      const program = fs.readFileSync(path.join(p.dir, "__main__.py"), "utf8");
      p.write("__main__.py", program.replace('subnet="10.250.20.0/24"', 'subnet="10.250.20.0/33"'));
      const preview = p.pulumi(["preview"], { allowFailure: true });
      assert.notEqual(preview.status, 0);
      assert.match(preview.stdout + preview.stderr, /10\.250\.20\.0\/33": prefix must be 0-32/);
      assert.match(preview.stdout + preview.stderr, /ipamConfigs/, "the field is named");
      p.write("__main__.py", program);
      p.pulumi(["preview", "--expect-no-changes"]);
    });

    it("a secret input stays secret in state and outputs", async () => {
      const p = project!;
      const program = fs.readFileSync(path.join(p.dir, "__main__.py"), "utf8");
      p.pulumi(["config", "set", "--secret", "owner", "s3cr3t-owner-value"]);
      p.write(
        "__main__.py",
        program.replace(
          'labels={"com.example.stack": pulumi.get_stack()},',
          'labels={"com.example.stack": pulumi.get_stack(), "com.example.owner": config.require_secret("owner")},',
        ) + '\npulumi.export("labels", net.labels)\n',
      );
      p.pulumi(["up", "--yes"]);
      const state = p.pulumi(["stack", "export"]).stdout;
      assert.doesNotMatch(state, /s3cr3t-owner-value/, "the state holds it encrypted");
      assert.match(p.pulumi(["stack", "output", "labels"]).stdout, /\[secret\]/);
      assert.equal(outputs(p).labels["com.example.owner"], "s3cr3t-owner-value");
      p.pulumi(["preview", "--expect-no-changes"]);
    });

    it("destroy removes the network and leaves the containers as they were", async () => {
      const destroy = project!.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 4 }, destroy.stdout);
      assert.deepEqual(await networksOf(docker(), stack), []);
      for (const c of containers) {
        const state = await c.inspect();
        assert.equal(state.State.Running, true);
        assert.deepEqual(Object.keys(state.NetworkSettings.Networks), ["bridge"]);
      }
    });
  });

  describe("examples/go: the quickstart in Go", () => {
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];
    const stack = `go${RUN_ID}`;

    before(async () => ({ project, containers } = await onLabHost("go", "go", stack)));
    after(() => disposeOnLab(project, containers, undefined));

    it("preview, up (the lookup lists both), ping by alias, converged, a refused mistake, destroy", async () => {
      const p = project!;
      const names = await Promise.all(containers.map(async (c) => (await c.inspect()).Name.slice(1)));
      names.forEach((n, i) => p.pulumi(["config", "set", "--path", `containers[${i}]`, n]));
      const preview = p.pulumi(["preview"]);
      assert.deepEqual(changes(preview.stdout), { "to create": 4 }, preview.stdout);
      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 4 }, up.stdout);
      const out = outputs(p);
      assert.deepEqual(out.addresses, Object.fromEntries(names.map((n, i) => [n, `10.250.40.${10 + i}`])));
      assert.deepEqual(out.attached, names.map((n, i) => `${n} 10.250.40.${10 + i}/24`).sort());
      const ping = await exec(docker(), containers[0].id, ["ping", "-c", "1", "-W", "5", "svc-1"]);
      assert.equal(ping.code, 0, ping.output);
      assertConverged(p);

      const program = fs.readFileSync(path.join(p.dir, "main.go"), "utf8");
      p.write("main.go", program.replace('"10.250.40.%d", 10+i', '"10.250.41.%d", 10+i'));
      const refused = p.pulumi(["preview"], { allowFailure: true });
      assert.notEqual(refused.status, 0);
      assert.match(
        refused.stdout + refused.stderr,
        /ipv4Address 10\.250\.41\.1[01] is outside the network's subnets \(10\.250\.40\.0\/24\)/,
      );
      p.write("main.go", program);

      const destroy = p.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 4 }, destroy.stdout);
      assert.deepEqual(await networksOf(docker(), stack), []);
    });
  });

  describe("examples/yaml: the quickstart in Pulumi YAML", () => {
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];
    const stack = `yaml${RUN_ID}`;

    before(async () => ({ project, containers } = await onLabHost("yaml", "yaml", stack)));
    after(() => disposeOnLab(project, containers, undefined));

    it("up, converged, an edit in place, one that replaces, a refused mistake, refresh, destroy", async () => {
      const p = project!;
      const names = await Promise.all(containers.map(async (c) => (await c.inspect()).Name.slice(1)));
      p.pulumi(["config", "set", "web", names[0]]);
      p.pulumi(["config", "set", "db", names[1]]);
      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 4 }, up.stdout);
      const out = outputs(p);
      assert.deepEqual(out.addresses, { web: "10.250.30.10", db: "10.250.30.11" });
      assert.deepEqual(
        out.attached.map((c: { name: string; ipv4Address: string }) => `${c.name} ${c.ipv4Address}`).sort(),
        [`${names[0]} 10.250.30.10/24`, `${names[1]} 10.250.30.11/24`].sort(),
      );
      assert.deepEqual(
        out.listed.map((n: { name: string }) => n.name),
        [out.networkName],
        "listNetworks (a function whose result is a list) by the network's name",
      );
      const ping = await exec(docker(), containers[1].id, ["ping", "-c", "1", "-W", "5", "svc-0"]);
      assert.equal(ping.code, 0, ping.output);
      assertConverged(p);

      const program = fs.readFileSync(path.join(p.dir, "Pulumi.yaml"), "utf8");
      p.write("Pulumi.yaml", program.replace("      mtu: 1450", "      mtu: 1450\n      disconnectOnDelete: true"));
      const inPlace = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(inPlace.stdout), { updated: 1, unchanged: 3 }, inPlace.stdout);
      p.pulumi(["preview", "--expect-no-changes"]);

      p.write("Pulumi.yaml", program.replace("ipv4Address: 10.250.30.11", "ipv4Address: 10.250.30.21"));
      const edit = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(edit.stdout), { updated: 1, replaced: 1 }, edit.stdout);
      p.pulumi(["preview", "--expect-no-changes"]);

      p.write("Pulumi.yaml", program.replace("ipv4Address: 10.250.30.11", "ipv4Address: 10.250.99.11"));
      const refused = p.pulumi(["preview"], { allowFailure: true });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stdout + refused.stderr, /ipv4Address 10\.250\.99\.11.*10\.250\.30\.0\/24/s);

      p.write("Pulumi.yaml", program);
      p.pulumi(["up", "--yes"]);
      assertConverged(p);
      const destroy = p.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 4 }, destroy.stdout);
      assert.deepEqual(await networksOf(docker(), stack), []);
    });
  });

  describe("examples/python-swarm on three lab hosts: SwarmCluster (a component the plugin constructs), an overlay, attachments", () => {
    let swarm: Lab | undefined;
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];

    before(async () => {
      ({ lab: swarm, containers } = await swarmLab("pys"));
      project = languageProject({ example: "python-swarm" }, `pyswarm${RUN_ID}`);
      await configureSwarmExample(project, swarm, containers);
    });

    after(() => disposeOnLab(project, containers, swarm));

    it("up builds the swarm and the overlay; containers on two workers reach each other by alias; tokens and keys stay secret; converged", async () => {
      const p = project!;
      const out = await upSwarmExample(p, swarm!, containers);
      const state = p.pulumi(["stack", "export"]).stdout.split("\n");
      // The lines that would hold one (a throwaway lab's), to tell where it leaked.
      const leaked = state.map((l, i) => `${i}: ${l}`).filter((l) => /SWMTKN|BEGIN OPENSSH PRIVATE KEY/.test(l));
      assert.deepEqual(leaked, [], "no token or key in the state");
      assert.match(p.pulumi(["stack", "output", "workerToken"]).stdout, /\[secret\]/);
      assert.match(out.workerToken, /^SWMTKN-/);
      assert.deepEqual(
        out.nodes,
        swarm!.hosts.map((x) => x.hostname),
        "the component's nodes output: the SwarmNode resources it made",
      );
      assert.deepEqual(out.swarmNodes, swarm!.hosts.map((x) => x.hostname).sort(), "getSwarm, after the cluster");
      const names = await Promise.all(containers.map(async (c) => (await c.inspect()).Name.slice(1)));
      assert.deepEqual(
        out.meshMembers,
        Object.fromEntries(swarm!.hosts.map((x, i) => [x.hostname, i === 0 ? [] : [names[i - 1]]])),
        "getTopology over the three hosts (one over ssh://), after the attachments",
      );
      assert.doesNotMatch(p.pulumi(["stack", "output", "meshMembers"]).stdout, /\[secret\]/);
      assertConverged(p);
    });

    it("edits: the overlay's delete behaviour in place, an alias by replacing its attachment; each followed by a no-op preview", async () => {
      const p = project!;
      const program = fs.readFileSync(path.join(p.dir, "__main__.py"), "utf8");
      p.write("__main__.py", program.replace("attachable=True,", "attachable=True,\n    disconnect_on_delete=True,"));
      const inPlace = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(inPlace.stdout), { updated: 1, unchanged: 7 }, inPlace.stdout);
      p.pulumi(["preview", "--expect-no-changes"]);

      p.pulumi(["config", "set", "--path", "attach[1].alias", "peer1b"]);
      const replaced = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(replaced.stdout), { replaced: 1, unchanged: 7 }, replaced.stdout);
      const ping = await exec(swarm!.hosts[1].docker, containers[0].id, ["ping", "-c", "1", "-W", "5", "peer1b"]);
      assert.equal(ping.code, 0, ping.output);
      p.pulumi(["preview", "--expect-no-changes"]);
    });

    it("a service another tool made joins the overlay by a ServiceAttachment and answers there by alias; taking it out of the config takes the overlay off the service", async () => {
      const p = project!;
      const h = swarm!.hosts;
      // As `docker stack deploy` would have made it, on no network of this stack; dnsrr, so its
      // alias resolves to each task's own address.
      let made = "";
      const shop = await createTestService(h[0].docker, "pyshop", [], { endpointMode: "dnsrr" }, (id) => (made = id));
      try {
        p.pulumi(["config", "set", "--path", "services[0].service", shop.name]);
        p.pulumi(["config", "set", "--path", "services[0].alias", "shop"]);
        const up = p.pulumi(["up", "--yes"]);
        assert.deepEqual(changes(up.stdout), { created: 1, unchanged: 8 }, up.stdout);
        assert.deepEqual(outputs(p).services, [{ service: shop.name, virtualIp: "" }]);
        const taskNetworks = async (): Promise<{ Target: string; Aliases?: string[] }[]> =>
          (await h[0].docker.getService(shop.id).inspect()).Spec.TaskTemplate.Networks ?? [];
        const meshId = (await h[0].docker.getNetwork(outputs(p).meshName).inspect()).Id;
        assert.deepEqual(
          (await taskNetworks()).map((n) => [n.Target, n.Aliases]),
          [[meshId, ["shop"]]],
        );
        // From a worker's container on the overlay, the alias answers with every task, whichever host it runs on.
        const tasks = await runningTasks(h[0].docker, shop.id, 3);
        const want = tasks.map((t) => t.container.slice(0, 12)).sort();
        assert.deepEqual(await answersSettled(h[1].docker, containers[0].id, "shop", want), want);
        assertConverged(p);

        p.pulumi(["config", "rm", "services"]);
        const off = p.pulumi(["up", "--yes"]);
        assert.deepEqual(changes(off.stdout), { deleted: 1, unchanged: 8 }, off.stdout);
        assert.deepEqual(await taskNetworks(), [], "the overlay is off the service; the service runs on");
        p.pulumi(["preview", "--expect-no-changes"]);
      } finally {
        if (made) await h[0].docker.getService(made).remove();
      }
    });

    it("destroy takes the overlay down and every host out of the swarm", () =>
      destroySwarmExample(project!, swarm!, containers));
  });
});
