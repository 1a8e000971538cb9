/**
 * The shipped example programs, each deployed as a user deploys it: the example directory copied
 * into a new project, the library installed from its tarball, and the `pulumi` command (CLI and
 * Node.js language host) running `preview`, `up`, `preview --expect-no-changes`,
 * `refresh --expect-no-changes` and `destroy`. The engines say what happened.
 *
 * examples/with-pulumi-docker is not deployed here: the @pulumi/docker provider plugin cannot be
 * built from the registries these machines reach; it is typechecked and run under mocks
 * (test/unit/examples.test.ts), as is examples/swarm-services' `app` service, which is
 * configured off here (`app: false`) while the rest of that program is deployed.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { MANAGED_LABEL } from "../../provider/model/model";
import { ensureTestImage, exec, RUN_ID, startContainer } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { startLab, type Lab } from "../support/lab";
import { answersOf, createTestService, runningTasks } from "../support/swarm";
import { assertConverged, changes, cliProject, outputs, requireCli, type CliProject } from "./project";
import { configureSwarmExample, destroySwarmExample, disposeOnLab, swarmLab, upSwarmExample } from "./swarmExample";

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs are JSON */

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

    after(() => disposeOnLab(project, containers, undefined));

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
      ({ lab, containers } = await swarmLab("ex"));
      project = cliProject({ example: "swarm" }, `swarm${RUN_ID}`);
      await configureSwarmExample(project, lab, containers);
    });

    after(() => disposeOnLab(project, containers, lab));

    it("up builds the swarm and the overlay; containers on two workers reach each other by alias", async () => {
      const out = await upSwarmExample(project!, lab!, containers);
      assert.deepEqual(
        out.nodes.map((n: any) => [n.hostname, n.role]),
        lab!.hosts.map((x, i) => [x.hostname, i === 0 ? "manager" : "worker"]),
      );
      assertConverged(project!);
    });

    it("destroy takes the overlay down and every host out of the swarm", () =>
      destroySwarmExample(project!, lab!, containers));
  });

  describe("examples/lan on three lab hosts sharing one LAN", () => {
    let lab: Lab | undefined;
    let project: CliProject | undefined;
    let containers: Docker.Container[] = [];
    let lan = "";

    before(async function () {
      requireCli(this);
      lab = await startLab(3);
      const h = lab.hosts;
      lan = h[0].address.replace(/\.\d+$/, "");
      await Promise.all([h[0], h[1]].map((x) => ensureTestImage(x.docker)));
      containers = await Promise.all([startContainer(h[0].docker, "lan-a"), startContainer(h[1].docker, "lan-b")]);
      project = cliProject({ example: "lan" }, `lan${RUN_ID}`);
      // Configured as the example's header says: the lab's LAN, one range per host.
      project.pulumi(["config", "set", "subnet", `${lan}.0/24`]);
      project.pulumi(["config", "set", "gateway", `${lan}.1`]);
      for (const i of [0, 1]) {
        project.pulumi(["config", "set", "--path", `hosts[${i}].host`, h[i].host]);
        project.pulumi(["config", "set", "--path", `hosts[${i}].ipRange`, `${lan}.${192 + 16 * i}/28`]);
      }
      for (const [i, c] of containers.entries()) {
        project.pulumi(["config", "set", "--path", `attach[${i}].host`, String(i)]);
        project.pulumi(["config", "set", "--path", `attach[${i}].container`, (await c.inspect()).Name.slice(1)]);
        project.pulumi(["config", "set", "--path", `attach[${i}].address`, `${lan}.${193 + 16 * i}`]);
      }
    });

    after(() => disposeOnLab(project, containers, lab));

    it("up puts a container of each of two hosts on the LAN: they ping each other by LAN address, and so does a third host", async () => {
      const p = project!;
      const h = lab!.hosts;
      const preview = p.pulumi(["preview"]);
      // The stack, 2 networks, 2 attachments.
      assert.deepEqual(changes(preview.stdout), { "to create": 5 }, preview.stdout);
      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 5 }, up.stdout);
      const out = outputs(p);
      for (const [i, name] of out.networkNames.entries()) {
        const n: any = await h[i].docker.getNetwork(name).inspect();
        assert.deepEqual(
          [n.Driver, n.Options.parent, n.IPAM.Config[0].IPRange],
          ["macvlan", "eth0", `${lan}.${192 + 16 * i}/28`],
        );
      }
      const ping = await exec(h[0].docker, containers[0].id, ["ping", "-c", "2", "-W", "2", `${lan}.209`]);
      assert.equal(ping.code, 0, ping.output);
      assert.ok(
        lab!.inHost(2, "/bin/busybox", "ping", "-c", "1", "-W", "2", `${lan}.193`),
        "the third host reaches it",
      );
      assertConverged(p);
    });

    it("a host's range given to the other too is refused by the preview, naming both; nothing changes", async () => {
      const p = project!;
      p.pulumi(["config", "set", "--path", "hosts[1].ipRange", `${lan}.192/27`]);
      const r = p.pulumi(["preview"], { allowFailure: true });
      p.pulumi(["config", "set", "--path", "hosts[1].ipRange", `${lan}.208/28`]);
      assert.notEqual(r.status, 0);
      assert.match(
        r.stdout + r.stderr,
        /MacvlanNetwork resource 'lan-1' has a problem: ipamConfigs hands out [\d.]+\/27, which overlaps [\d.]+\/28 of MacvlanNetwork "lan-0" on the same LAN/,
      );
      assertConverged(p);
    });

    it("destroy takes the containers off the LAN and removes the networks", async () => {
      const destroy = project!.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 5 }, destroy.stdout);
      for (const [i, c] of containers.entries()) {
        const state = await c.inspect();
        assert.equal(state.State.Running, true);
        assert.deepEqual(Object.keys(state.NetworkSettings.Networks), ["bridge"], `container ${i}`);
      }
      for (const x of lab!.hosts) {
        assert.deepEqual((await x.docker.listNetworks({ filters: { driver: ["macvlan"] } })).length, 0, x.hostname);
      }
    });
  });

  describe("examples/swarm-services on three lab hosts", () => {
    let lab: Lab | undefined;
    let project: CliProject | undefined;
    /** The engine of the lab host a swarm node is. */
    const hostOfNode = async (node: string): Promise<Docker> => {
      const h = lab!.hosts;
      const infos = await Promise.all(h.map((x) => x.docker.info()));
      return h[infos.findIndex((i) => i.Swarm.NodeID === node)].docker;
    };

    before(async function () {
      requireCli(this);
      lab = await startLab(3);
      const h = lab.hosts;
      await Promise.all(h.map((x) => ensureTestImage(x.docker)));
      project = cliProject({ example: "swarm-services" }, `svc${RUN_ID}`);
      h.forEach((x, i) => {
        project!.pulumi(["config", "set", "--path", `hosts[${i}].host`, x.host]);
        project!.pulumi(["config", "set", "--path", `hosts[${i}].advertiseAddr`, x.address]);
      });
      // @pulumi/docker's plugin cannot be had here: its service is checked under mocks.
      project.pulumi(["config", "set", "app", "false"]);
    });

    after(() => disposeOnLab(project, [], lab));

    it("up builds the swarm and an overlay only services use, proven between every pair of hosts by a probe service", async () => {
      const p = project!;
      const h = lab!.hosts;
      const preview = p.pulumi(["preview"]);
      // The stack, the component, 3 nodes, the overlay.
      assert.deepEqual(changes(preview.stdout), { "to create": 6 }, preview.stdout);
      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 6 }, up.stdout);
      const out = outputs(p);
      const net = await h[0].docker.getNetwork(out.backendName).inspect();
      assert.deepEqual([net.Driver, net.Scope, net.Attachable], ["overlay", "swarm", false]);
      assert.deepEqual(
        out.backendVerification.map((r: any) => `${r.from}>${r.to} ${r.byName} ${r.byAddress}`).sort(),
        h.flatMap((a) => h.filter((b) => b !== a).map((b) => `${a.hostname}>${b.hostname} true true`)).sort(),
      );
      assert.deepEqual(await h[0].docker.listServices(), [], "the probe service is gone");
      assertConverged(p);
    });

    it("a service another tool made is attached with its alias; its tasks answer there across hosts; a new alias updates it in place", async () => {
      const p = project!;
      const h = lab!.hosts;
      // As `docker stack deploy` would have made it: on a network of its own, not the stack's.
      const own: any = await h[0].docker.createNetwork({ Name: `shop_default-${RUN_ID}`, Driver: "overlay" });
      const shop = await createTestService(
        h[0].docker,
        "shop_web",
        [{ Target: own.id }],
        { endpointMode: "dnsrr" },
        () => undefined,
      );
      p.pulumi(["config", "set", "--path", "attach[0].service", shop.name]);
      p.pulumi(["config", "set", "--path", "attach[0].alias", "web"]);
      const up = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(up.stdout), { created: 1, unchanged: 6 }, up.stdout);
      assert.deepEqual(outputs(p).attached, [{ service: shop.name, aliases: ["web"], virtualIp: "" }]);
      const tasks = await runningTasks(h[0].docker, shop.id, 3);
      const hostnames = tasks.map((t) => t.container.slice(0, 12)).sort();
      // From a task, each task's address on the overlay answers to the alias, whichever host it is on.
      const [first] = tasks;
      assert.deepEqual((await answersOf(await hostOfNode(first.node), first.container, "web")).sort(), hostnames);
      assertConverged(p);

      p.pulumi(["config", "set", "--path", "attach[0].alias", "shop"]);
      const preview = p.pulumi(["preview"]);
      assert.deepEqual(changes(preview.stdout), { "to update": 1, unchanged: 6 }, preview.stdout);
      const update = p.pulumi(["up", "--yes"]);
      assert.deepEqual(changes(update.stdout), { updated: 1, unchanged: 6 }, update.stdout);
      const svc: any = await h[0].docker.getService(shop.id).inspect();
      assert.deepEqual(
        svc.Spec.TaskTemplate.Networks.map((n: any) => n.Aliases ?? []),
        [[], ["shop"]],
      );
      const now = await runningTasks(h[0].docker, shop.id, 3);
      assert.deepEqual(
        (await answersOf(await hostOfNode(now[0].node), now[0].container, "shop")).sort(),
        now.map((t) => t.container.slice(0, 12)).sort(),
      );
      assertConverged(p);
    });

    it("destroy takes the network off the other tool's service first, then the overlay down and every host out of the swarm", async () => {
      const h = lab!.hosts;
      const destroy = project!.pulumi(["destroy", "--yes"]);
      assert.deepEqual(changes(destroy.stdout), { deleted: 7 }, destroy.stdout);
      for (const x of h) assert.equal((await x.docker.info()).Swarm.LocalNodeState, "inactive", x.hostname);
    });
  });
});
