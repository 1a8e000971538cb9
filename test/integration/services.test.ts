/**
 * Swarm services on the library's overlays, on a real three-host lab: services made through the
 * Engine API as `@pulumi/docker`'s `Service` (or `docker service create`, or a stack deploy) makes
 * them, with the imported busybox image; what the tasks reach across hosts; `verify` of an overlay
 * only services can use; deleting an overlay a service uses; and ServiceAttachment, which puts a
 * service this stack did not make on one more network.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { attachmentProvider } from "../../provider/providers/attachmentProvider";
import { overlayDriver } from "../../provider/providers/drivers";
import { networkProvider } from "../../provider/providers/networkProvider";
import { serviceAttachmentProvider } from "../../provider/providers/serviceAttachmentProvider";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { Engine } from "../../provider/engine/engine";
import { PROBE_LABEL } from "../../provider/model/probe";
import { ensureTestImage, exec, RUN_ID, startContainer, TEST_IMAGE, TEST_LABEL } from "../support/fixtures";
import { labLeftovers, startLab, type Lab, type LabHost } from "../support/lab";
import { checked, create, destroy, type Created } from "../support/lifecycle";
import {
  answersSettled,
  assertNoProbes,
  conn,
  createTestService,
  joinOf,
  runningTasks,
  waitForNodes,
  type TestServiceOptions,
} from "../support/swarm";

/* eslint-disable @typescript-eslint/no-explicit-any -- provider property bags and the Engine API's JSON */

const overlay = networkProvider(overlayDriver);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("swarm services on the library's overlays (three-host lab)", function () {
  this.timeout(240_000);
  let lab: Lab;
  let h: LabHost[];
  let manager: Created;
  const workers: Created[] = [];
  const services: string[] = [];

  before(async function () {
    lab = await startLab(3);
    h = lab.hosts;
    await Promise.all(h.map((x) => ensureTestImage(x.docker)));
    manager = await create(swarmNodeProvider, {
      connection: conn(h[0]),
      advertiseAddr: h[0].address,
      defaultAddrPool: ["10.237.0.0/16"],
      subnetSize: 24,
      forceLeave: true,
    });
    for (const w of [h[1], h[2]]) workers.push(await joinOf(w, manager, "worker", h[0]));
    await waitForNodes(
      h[0],
      h.map((x) => x.hostname),
    );
  });

  after(async function () {
    if (!lab) return;
    try {
      await Promise.all(
        services.map((id) =>
          h[0].docker
            .getService(id)
            .remove()
            .catch(() => undefined),
        ),
      );
      for (const w of workers.reverse()) await destroy(swarmNodeProvider, w);
      await destroy(swarmNodeProvider, manager);
    } finally {
      await lab.stop();
      assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
    }
  });

  /** A test service (see createTestService), removed by the test or after all. */
  async function startService(
    name: string,
    networks: { Target: string; Aliases?: string[] }[],
    opts: TestServiceOptions = {},
  ): Promise<{ id: string; name: string }> {
    const service = await createTestService(h[0].docker, name, networks, opts, (id) => services.push(id));
    return service;
  }

  const running = (serviceId: string, count: number) => runningTasks(h[0].docker, serviceId, count);

  /** Host of a node ID. */
  const hostOf = async (nodeId: string): Promise<LabHost> => {
    const node: any = await h[0].docker.getNode(nodeId).inspect();
    return h.find((x) => x.hostname === node.Description.Hostname)!;
  };

  /** Whether the kernel has IPVS, which the swarm's virtual IPs need (seen from inside a task). */
  const ipvs = async (host: LabHost, container: string): Promise<boolean> =>
    (await exec(host.docker, container, ["sh", "-c", "test -e /proc/net/ip_vs"])).code === 0;

  /** The service's virtual IP answers (IPVS), or, where the kernel lacks IPVS, does not: said, never faked. */
  async function assertVip(host: LabHost, container: string, service: string, hostnames: string[]): Promise<void> {
    const r = await exec(host.docker, container, ["sh", "-c", `nc -w 3 ${service} 8080 </dev/null`]);
    if (await ipvs(host, container)) {
      assert.ok(hostnames.includes(r.output.trim()), `the VIP of ${service} answered "${r.output.trim()}"`);
    } else {
      console.log(
        `      this kernel lacks IPVS (no /proc/net/ip_vs): the swarm's virtual IPs carry no traffic here; endpointMode dnsrr does`,
      );
      assert.ok(!hostnames.includes(r.output.trim()), "the VIP answered although the kernel has no IPVS");
    }
  }

  const newOverlay = (name: string, extra: object = {}): Promise<Created> =>
    create(overlay, { name: `${name}-${RUN_ID}`, labels: { [TEST_LABEL]: RUN_ID }, connection: conn(h[0]), ...extra });

  it("3 replicas on a non-attachable overlay, one per host, reach each other across hosts by tasks.<service> and by the service's name", async function () {
    const net = await newOverlay("svcnet");
    try {
      assert.equal(net.outs.attachable, false);
      const vip = await startService("web", [{ Target: net.id }]);
      const rr = await startService("rr", [{ Target: net.id }], { endpointMode: "dnsrr" });
      const tasks = await running(vip.id, 3);
      const hosts = await Promise.all(tasks.map((t) => hostOf(t.node)));
      assert.deepEqual(hosts.map((x) => x.hostname).sort(), h.map((x) => x.hostname).sort(), "one task per host");
      const hostnames = tasks.map((t) => t.container.slice(0, 12)).sort();
      const rrHostnames = (await running(rr.id, 3)).map((t) => t.container.slice(0, 12)).sort();
      for (const [i, t] of tasks.entries()) {
        // Every task's address, each on its own host, answers from every task.
        assert.deepEqual(await answersSettled(hosts[i].docker, t.container, `tasks.${vip.name}`, hostnames), hostnames);
        // The name of a dnsrr service resolves to every task, and each answers.
        assert.deepEqual(await answersSettled(hosts[i].docker, t.container, rr.name, rrHostnames), rrHostnames);
      }
      await assertVip(hosts[0], tasks[0].container, vip.name, hostnames);
    } finally {
      await Promise.all(services.splice(0).map((id) => h[0].docker.getService(id).remove()));
      await destroyWhenFree(net);
    }
  });

  it("an attachable overlay: a standalone container on a third host reaches the service by name", async function () {
    const net = await newOverlay("svcatt", { attachable: true });
    const containers: Docker.Container[] = [];
    let att: Created | undefined;
    try {
      const notH2 = [`node.hostname!=${h[2].hostname}`];
      const rr = await startService("api", [{ Target: net.id }], {
        replicas: 2,
        endpointMode: "dnsrr",
        constraints: notH2,
      });
      const vip = await startService("apivip", [{ Target: net.id }], { replicas: 2, constraints: notH2 });
      const c = await startContainer(h[2].docker, "client");
      containers.push(c);
      att = await create(attachmentProvider, { network: net.id, container: c.id, connection: conn(h[2]) });
      const want = (await running(rr.id, 2)).map((t) => t.container.slice(0, 12)).sort();
      assert.deepEqual(await answersSettled(h[2].docker, c.id, rr.name, want), want);
      const vipTasks = (await running(vip.id, 2)).map((t) => t.container.slice(0, 12)).sort();
      assert.deepEqual(await answersSettled(h[2].docker, c.id, `tasks.${vip.name}`, vipTasks), vipTasks);
      await assertVip(h[2], c.id, vip.name, vipTasks);
    } finally {
      await destroy(attachmentProvider, att);
      await Promise.all(containers.map((c) => c.remove({ force: true })));
      await Promise.all(services.splice(0).map((id) => h[0].docker.getService(id).remove()));
      await destroyWhenFree(net);
    }
  });

  /** Destroys an overlay once its services' tasks are gone (the swarm removes them asynchronously). */
  async function destroyWhenFree(net: Created): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        return await destroy(overlay, net);
      } catch (err) {
        if (i >= 40 || !/in use by/i.test((err as Error).message)) throw err;
        await sleep(500);
      }
    }
  }

  /** No probe service of the library is left, and no probe container on any host. */
  async function assertNoProbeService(): Promise<void> {
    const left: any[] = await h[0].docker.listServices({ filters: { label: [PROBE_LABEL] } });
    assert.deepEqual(
      left.map((s) => s.Spec.Name),
      [],
      "probe services left",
    );
    for (const x of h) await assertNoProbes(x);
  }

  it("verify: a non-attachable overlay is proven with a global probe service; the matrix has every pair; nothing is left", async function () {
    const net = await newOverlay("svcver", { verify: { hosts: h.map(conn), image: TEST_IMAGE } });
    try {
      const matrix = net.outs.verification as any[];
      assert.equal(matrix.length, 6);
      assert.ok(
        matrix.every((r) => r.byName && r.byAddress && !r.problem),
        JSON.stringify(matrix),
      );
      await assertNoProbeService();
    } finally {
      await destroy(overlay, net);
    }
  });

  it("verify: 4789/udp dropped on one host fails naming the pair and the port; the network and the probe service are gone", async function () {
    const unblock = lab.block(2, "udp", 4789);
    const name = `svcblk-${RUN_ID}`;
    try {
      const inputs = await checked(overlay, {
        name,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
        verify: { hosts: [conn(h[1]), conn(h[2])], image: TEST_IMAGE, timeoutSeconds: 2 },
      });
      const err: Error = await overlay.create(inputs).then(
        (r) => assert.fail(`verified with 4789/udp dropped: ${JSON.stringify(r.outs.verification)}`),
        (e: Error) => e,
      );
      console.log(`      ${err.message}`);
      assert.ok(err.message.includes(`${h[1].hostname} -> ${h[2].hostname}`), "names the pair");
      assert.match(err.message, /no reply: likely 4789\/udp \(overlay data/);
      assert.equal(await Engine.connect(conn(h[0])).findNetwork(name), undefined, "the network was left");
      await assertNoProbeService();
    } finally {
      unblock();
    }
  });

  it("deleting an overlay a service uses fails naming the service, even with disconnectOnDelete; once the service is gone, refresh and destroy are clean", async function () {
    const net = await newOverlay("svcdel", { disconnectOnDelete: true });
    let removed = false;
    try {
      const web = await startService("busy", [{ Target: net.id }], { replicas: 1 });
      const err = await overlay.delete!(net.id, net.outs).then(
        () => assert.fail("deleted an overlay a service uses"),
        (e: Error) => e,
      );
      console.log(`      ${err.message}`);
      assert.match(err.message, new RegExp(`still used by 1 service\\(s\\): ${web.name}\\. Nothing was changed`));
      assert.match(
        err.message,
        /disconnectOnDelete disconnects containers only, it never changes or removes a service/,
      );
      assert.equal((await h[0].docker.getService(web.id).inspect()).Spec.Name, web.name, "the service is untouched");
      assert.equal((await running(web.id, 1)).length, 1);
      await h[0].docker.getService(web.id).remove();
      services.splice(services.indexOf(web.id), 1);
      const read = await overlay.read!(net.id, net.outs);
      assert.equal(read.id, net.id, "refresh still sees the network");
      await destroyWhenFree(net);
      removed = true;
      assert.equal(await Engine.connect(conn(h[0])).inspectNetwork(net.id), undefined);
    } finally {
      if (!removed) {
        await Promise.all(services.splice(0).map((id) => h[0].docker.getService(id).remove()));
        await destroyWhenFree(net);
      }
    }
  });

  describe("ServiceAttachment: a service this stack did not create, on one more network", function () {
    let front: Created;
    let back: Created;
    let legacy: { id: string; name: string };
    let specBefore: any;

    before(async function () {
      front = await newOverlay("front");
      back = await newOverlay("back");
      // As `docker stack deploy` or compose would have made it, on its own network.
      legacy = await startService("legacy", [{ Target: front.id }], { endpointMode: "dnsrr" });
      specBefore = (await h[0].docker.getService(legacy.id).inspect()).Spec;
    });

    after(async function () {
      await Promise.all(
        services.splice(0).map((id) =>
          h[0].docker
            .getService(id)
            .remove()
            .catch(() => undefined),
        ),
      );
      for (const n of [back, front]) if (n) await destroyWhenFree(n);
    });

    const spec = async (): Promise<any> => (await h[0].docker.getService(legacy.id).inspect()).Spec;
    const networksOf = async (): Promise<any[]> => (await spec()).TaskTemplate.Networks;
    /** The spec without its task networks: what a ServiceAttachment must never change. */
    const rest = (s: any): any => ({ ...s, TaskTemplate: { ...s.TaskTemplate, Networks: undefined } });

    it("create adds the network with its alias, waits for the rollout, and changes nothing else; the alias answers across hosts", async function () {
      const t0 = Date.now();
      const att = await create(serviceAttachmentProvider, {
        network: back.outs.name,
        service: legacy.name,
        aliases: ["db"],
        connection: conn(h[0]),
      });
      console.log(`      attached and rolled out in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      try {
        assert.deepEqual(
          { serviceId: att.outs.serviceId, networkId: att.outs.networkId, aliases: att.outs.aliases },
          { serviceId: legacy.id, networkId: back.id, aliases: ["db"] },
        );
        assert.deepEqual(await networksOf(), [{ Target: front.id }, { Target: back.id, Aliases: ["db"] }]);
        assert.deepEqual(rest(await spec()), rest(specBefore), "every other part of the spec is kept");
        // create returned once every task runs the new spec: each has an address on the new network.
        const tasks: any[] = await h[0].docker.listTasks({
          filters: { service: [legacy.id], "desired-state": ["running"] },
        });
        assert.equal(tasks.length, 3);
        for (const t of tasks) {
          assert.equal(t.Status.State, "running");
          assert.ok(
            t.NetworksAttachments.some((a: any) => a.Network.ID === back.id),
            `task ${t.ID} has no address on the new network`,
          );
        }
        const all = tasks.map((t) => t.Status.ContainerStatus.ContainerID.slice(0, 12)).sort();
        const one = tasks[0];
        assert.deepEqual(
          await answersSettled((await hostOf(one.NodeID)).docker, one.Status.ContainerStatus.ContainerID, "db", all),
          all,
        );

        // Refresh and a second preview see no change.
        const read = await serviceAttachmentProvider.read!(att.id, att.outs);
        assert.equal(read.id, att.id);
        const again = await checked(serviceAttachmentProvider, {
          network: back.outs.name,
          service: legacy.name,
          aliases: ["db"],
          connection: conn(h[0]),
        });
        assert.equal((await serviceAttachmentProvider.diff!(att.id, read.props, again)).changes, false);

        // A new alias updates the service in place.
        const diff = await serviceAttachmentProvider.diff!(att.id, read.props, { ...again, aliases: ["db2"] });
        assert.deepEqual([diff.replaces, diff.changes], [[], true]);
        const updated = await serviceAttachmentProvider.update!(att.id, read.props, { ...again, aliases: ["db2"] });
        assert.deepEqual(updated.outs!.aliases, ["db2"]);
        assert.deepEqual(await networksOf(), [{ Target: front.id }, { Target: back.id, Aliases: ["db2"] }]);

        // Delete takes off only its own network, and waits for the rollout.
        await serviceAttachmentProvider.delete!(att.id, updated.outs);
        assert.deepEqual(await networksOf(), [{ Target: front.id }]);
        assert.deepEqual(rest(await spec()), rest(specBefore));
        const after: any[] = await h[0].docker.listTasks({
          filters: { service: [legacy.id], "desired-state": ["running"] },
        });
        assert.ok(after.every((t) => !t.NetworksAttachments.some((a: any) => a.Network.ID === back.id)));
      } finally {
        await serviceAttachmentProvider.delete!(att.id, att.outs);
      }
    });

    it("drift: the network removed out of band is gone on refresh; an entry it did not add is refused, or adopted", async function () {
      const att = await create(serviceAttachmentProvider, {
        network: back.id,
        service: legacy.id,
        connection: conn(h[0]),
      });
      try {
        // docker service update --network-rm, by hand.
        const s: any = await h[0].docker.getService(legacy.id).inspect();
        const spec = { ...s.Spec, TaskTemplate: { ...s.Spec.TaskTemplate, Networks: [{ Target: front.id }] } };
        await h[0].docker.getService(legacy.id).update({ _query: { version: s.Version.Index }, _body: spec } as any);
        assert.equal((await serviceAttachmentProvider.read!(att.id, att.outs)).id, "", "refresh drops it");

        // The service's own network: refused, nothing changed; adopted with adopt: true.
        const own = { network: front.id, service: legacy.name, connection: conn(h[0]) };
        await assert.rejects(
          create(serviceAttachmentProvider, own),
          new RegExp(
            `service "${legacy.name}" is already on network "${front.outs.name}".*Nothing was changed.*set adopt: true`,
          ),
        );
        const adopted = await create(serviceAttachmentProvider, { ...own, adopt: true });
        assert.equal(adopted.outs.adopted, true);
        assert.deepEqual(await networksOf(), [{ Target: front.id }]);
      } finally {
        await serviceAttachmentProvider.delete!(att.id, att.outs);
      }
    });

    it("an update that cannot converge is rolled back, and the error says why", async function () {
      // A /30 has no address left for tasks once the gateway and the service's VIP have theirs.
      const tiny = await newOverlay("tiny", { ipamConfigs: [{ subnet: "10.238.0.0/30" }] });
      const vip = await startService("vipsvc", [{ Target: front.id }], { replicas: 1 });
      const before = (await h[0].docker.getService(vip.id).inspect()).Spec;
      try {
        // Short and long bounds: the error names the tasks and their state (and the node of each
        // that has one) either way, and the whole of it, rollback included, keeps to the bound.
        for (const timeoutSeconds of [3, 15]) {
          const t0 = Date.now();
          const err: Error = await create(serviceAttachmentProvider, {
            network: tiny.id,
            service: vip.name,
            timeoutSeconds,
            connection: conn(h[0]),
          }).then(
            () => assert.fail("converged on a network with no address left"),
            (e: Error) => e,
          );
          const took = (Date.now() - t0) / 1000;
          console.log(`      ${timeoutSeconds} s bound, failed after ${took.toFixed(1)} s: ${err.message}`);
          assert.ok(took < timeoutSeconds + 3, `took ${took} s with timeoutSeconds ${timeoutSeconds}`);
          assert.match(err.message, new RegExp(`to network "${tiny.outs.name}"`), "the network by its name");
          assert.match(
            err.message,
            new RegExp(
              `the update did not converge within ${timeoutSeconds} s: task \\w+ \\(replica 1\\)( on [^:]+ \\([\\d.]+, node \\w{12}\\))?: (new|pending|running, (still on the previous spec|to be \\w+))`,
            ),
          );
          assert.doesNotMatch(err.message, /no task reported a problem/);
          assert.match(err.message, /rolled back to its previous spec|spec is back to the previous one/);
          const after = (await h[0].docker.getService(vip.id).inspect()).Spec;
          assert.deepEqual(after.TaskTemplate.Networks, before.TaskTemplate.Networks, "rolled back");
          // The next attempt starts from a settled service.
          for (let i = 0; i < 60; i++) {
            const state = (await h[0].docker.getService(vip.id).inspect()).UpdateStatus?.State;
            if (!state || /completed|paused/.test(state)) break;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      } finally {
        await h[0].docker.getService(vip.id).remove();
        services.splice(services.indexOf(vip.id), 1);
        await destroyWhenFree(tiny);
      }
    });
  });
});
