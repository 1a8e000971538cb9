/**
 * Swarm membership, overlay networks and remote connections on a real multi-host lab: several
 * dockerds, each in its own network namespace on this machine (test/support/lab.ts), driven
 * through the providers the way the Pulumi engine drives them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type Docker from "dockerode";
import { attachmentProvider } from "../../provider/providers/attachmentProvider";
import { overlayDriver } from "../../provider/providers/drivers";
import { Engine } from "../../provider/engine/engine";
import { getSwarm } from "../../provider/lookups";
import { networkProvider } from "../../provider/providers/networkProvider";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { DEFAULT_PROBE_IMAGE } from "../../provider/model/probe";
import { ensureTestImage, exec, RUN_ID, startContainer, TEST_LABEL } from "../support/fixtures";
import { labLeftovers, startLab, type Lab, type LabHost } from "../support/lab";
import { assertNoProbes, conn, ipsecUnavailable, joinOf, nodesOf, waitForNodes } from "../support/swarm";
import { argsOf, checked, create, destroy, type Created } from "../support/lifecycle";
import { SWARM_NODE_ARGS } from "../../provider/model/swarmValidation";

/* eslint-disable @typescript-eslint/no-explicit-any -- provider property bags */

const overlay = networkProvider(overlayDriver);
const POOL = ["10.235.0.0/16"];

/** Starts a container on each host and attaches it to the network with alias `<prefix><i>`. */
async function attachOnEach(
  hosts: LabHost[],
  networkId: string,
  prefix: string,
  containers: Docker.Container[],
): Promise<Created[]> {
  const atts: Created[] = [];
  for (const [i, w] of hosts.entries()) {
    const c = await startContainer(w.docker, `${prefix}${i}`);
    containers.push(c);
    atts.push(
      await create(attachmentProvider, {
        network: networkId,
        container: c.id,
        aliases: [`${prefix}${i}`],
        connection: conn(w),
      }),
    );
  }
  return atts;
}

describe("swarm and overlay networks on a multi-host lab", function () {
  this.timeout(240_000);
  let lab: Lab;
  let h: LabHost[];

  before(async function () {
    lab = await startLab(4, { tls: [2], ssh: [3] });
    h = lab.hosts;
    await Promise.all(h.map((x) => ensureTestImage(x.docker)));
  });

  after(async function () {
    if (!lab) return;
    await lab.stop();
    assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
  });

  describe("a manager and two workers", function () {
    let manager: Created;
    const workers: Created[] = [];
    const containers: Docker.Container[] = [];

    before(async function () {
      manager = await create(swarmNodeProvider, {
        connection: conn(h[0]),
        advertiseAddr: h[0].address,
        defaultAddrPool: POOL,
        subnetSize: 24,
        forceLeave: true,
      });
      for (const w of [h[1], h[2]]) workers.push(await joinOf(w, manager, "worker", h[0]));
    });

    after(async function () {
      await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
      for (const w of workers.reverse()) await destroy(swarmNodeProvider, w);
      await destroy(swarmNodeProvider, manager);
      for (const x of [h[0], h[1], h[2]]) assert.equal((await Engine.connect(conn(x)).localSwarm()).state, "inactive");
    });

    it("the manager lists three ready nodes; outputs give roles, cluster ID and both tokens", async function () {
      await waitForNodes(h[0], [h[0].hostname, h[1].hostname, h[2].hostname]);
      const roles = Object.fromEntries((await nodesOf(h[0])).map((n) => [n.hostname, n.role]));
      assert.deepEqual(roles, { [h[0].hostname]: "manager", [h[1].hostname]: "worker", [h[2].hostname]: "worker" });
      assert.equal(manager.outs.role, "manager");
      assert.equal(manager.outs.managerAddress, `${h[0].address}:2377`);
      assert.match(manager.outs.workerToken, /^SWMTKN-1-/);
      assert.match(manager.outs.managerToken, /^SWMTKN-1-/);
      assert.notEqual(manager.outs.workerToken, manager.outs.managerToken);
      for (const w of workers) {
        assert.equal(w.outs.role, "worker");
        assert.equal(w.outs.clusterId, manager.outs.clusterId);
        assert.equal(w.outs.workerToken, undefined);
      }
    });

    it("containers on two worker hosts, attached to an attachable overlay, ping each other by alias", async function () {
      const net = await create(overlay, {
        name: `ov-${RUN_ID}`,
        attachable: true,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
      });
      let atts: Created[] = [];
      try {
        assert.equal(net.outs.scope, "swarm");
        atts = await attachOnEach([h[1], h[2]], net.id, "peer", containers);
        for (const [from, to] of [
          [0, 1],
          [1, 0],
        ]) {
          const r = await exec(h[from + 1].docker, containers[from].id, ["ping", "-c", "2", "-W", "3", `peer${to}`]);
          assert.equal(r.code, 0, `peer${from} on ${h[from + 1].hostname} → peer${to}: ${r.output}`);
        }
      } finally {
        for (const a of atts) await destroy(attachmentProvider, a);
        await destroy(overlay, net);
      }
    });

    it("a static address another worker's container holds: the engine's own reason, the field and the network's name; nothing left attached", async function () {
      const name = `ovip-${RUN_ID}`;
      const net = await create(overlay, {
        name,
        attachable: true,
        ipamConfigs: [{ subnet: "10.238.40.0/24" }],
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
      });
      let held: Created | undefined;
      try {
        const [holder, second] = await Promise.all([
          startContainer(h[1].docker, "ipheld"),
          startContainer(h[2].docker, "iptry"),
        ]);
        containers.push(holder, second);
        held = await create(attachmentProvider, {
          network: net.id,
          container: holder.id,
          ipv4Address: "10.238.40.9",
          connection: conn(h[1]),
        });
        // On the other worker, which lists the overlay only once a container there is on it: by ID
        // with the resource's name (as an OverlayNetwork of the same program gives it), and by name.
        for (const network of [
          { network: net.id, networkResource: { kind: "OverlayNetwork", name } },
          { network: name },
        ]) {
          const t0 = Date.now();
          await assert.rejects(
            create(attachmentProvider, {
              ...network,
              container: second.id,
              ipv4Address: "10.238.40.9",
              connection: conn(h[2]),
            }),
            (e: Error) => {
              console.log(`      ${((Date.now() - t0) / 1000).toFixed(1)} s: ${e.message}`);
              assert.doesNotMatch(e.message, /not found|create it first/, "the network exists");
              assert.match(e.message, new RegExp(`to network "${name}"`), "the network by its name");
              assert.match(e.message, /ipv4Address 10\.238\.40\.9/);
              // The engine's own words stay in the message.
              assert.match(e.message, /docker network connect failed \(declared ipv4Address 10\.238\.40\.9\): \S/);
              return true;
            },
          );
          assert.deepEqual(Object.keys((await second.inspect()).NetworkSettings.Networks), ["bridge"], "not attached");
        }
      } finally {
        if (held) await destroy(attachmentProvider, held);
        await destroy(overlay, net);
      }
    });

    it("deleting an overlay a container on a worker still uses names it and its host; disconnectOnDelete reaches the cluster's nodes", async function () {
      const name = `ovother-${RUN_ID}`;
      const nodeConnections = [conn(h[0]), conn(h[1]), conn(h[2])];
      let net: Created | undefined = await create(overlay, {
        name,
        attachable: true,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
      });
      try {
        // Out of band, on the worker: docker network connect there, as another tool would.
        const c = await startContainer(h[1].docker, "other");
        containers.push(c);
        await h[1].docker.getNetwork(name).connect({ Container: c.id });
        const refused = async (outs: object, expected: RegExp[]): Promise<void> => {
          await assert.rejects(overlay.delete!(net!.id, { ...net!.outs, ...outs }), (e: Error) => {
            for (const re of expected) assert.match(e.message, re);
            return true;
          });
          assert.ok(await Engine.connect(conn(h[0])).findNetwork(name), "the network is still there");
          const seen = await c.inspect();
          assert.ok(Object.keys(seen.NetworkSettings.Networks).includes(name), "the container is still attached");
        };
        // Hostnames repeat (cloned VMs): the node is named by its address and ID too.
        const nodeId: string = (await h[1].docker.info()).Swarm.NodeID;
        const node = `${h[1].hostname} \\(${h[1].address.replace(/\./g, "\\.")}, node ${nodeId.slice(0, 12)}\\)`;
        await refused({}, [
          new RegExp(
            `OverlayNetwork "${name}" on \\S+ is still used by container ${c.id.slice(0, 12)} on ${node} \\(attached there; the swarm names one container at a time\\)\\. Nothing was changed\\.`,
          ),
          /set disconnectOnDelete: true \(with the OverlayNetwork's swarm set to the SwarmCluster of that host/,
        ]);
        await refused({ disconnectOnDelete: true }, [
          new RegExp(
            `disconnectOnDelete cannot reach the engine of ${node}, where container ${c.id.slice(0, 12)} still uses it\\. Nothing was changed\\.`,
          ),
        ]);
        await overlay.delete!(net.id, { ...net.outs, disconnectOnDelete: true, nodeConnections });
        net = undefined;
        assert.equal(await Engine.connect(conn(h[0])).findNetwork(name), undefined, "the network is gone");
        assert.deepEqual(
          Object.keys((await c.inspect()).NetworkSettings.Networks),
          ["bridge"],
          "disconnected on the worker",
        );
      } finally {
        if (net) await destroy(overlay, { ...net, outs: { ...net.outs, disconnectOnDelete: true, nodeConnections } });
      }
    });

    it("encrypted overlay: created with the option; cross-host traffic flows only where the kernel has IPsec", async function () {
      const net = await create(overlay, {
        name: `ovenc-${RUN_ID}`,
        attachable: true,
        encrypted: true,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
      });
      let atts: Created[] = [];
      const local: Docker.Container[] = [];
      try {
        const inspect: any = await h[0].docker.getNetwork(net.id).inspect();
        assert.equal(inspect.Options.encrypted, "");
        atts = await attachOnEach([h[1], h[2]], net.id, "sec", local);
        const r = await exec(h[1].docker, local[0].id, ["ping", "-c", "2", "-W", "2", "sec1"]);
        const missing = ipsecUnavailable();
        if (missing) {
          console.log(
            `      this kernel lacks IPsec for encrypted overlays (${missing}): cross-host traffic on it fails here`,
          );
          assert.notEqual(r.code, 0, "traffic flowed although the kernel cannot do IPsec: it is not encrypted");
          // The engines say why: their IPsec setup failed (not, say, DNS or the overlay itself).
          const said = [h[1], h[2]].flatMap((x) =>
            fs
              .readFileSync(x.log, "utf8")
              .split("\n")
              .filter((l) => /xfrm|encrypt|ipsec|not implemented/i.test(l)),
          );
          console.log(`      dockerd: ${(said[0] ?? "(nothing)").replace(/Key: 0x[0-9a-f]+/, "Key: <hidden>")}`);
          assert.ok(said.length > 0, "no engine logged an IPsec failure");
        } else {
          assert.equal(r.code, 0, `encrypted overlay ping failed with IPsec available: ${r.output}`);
        }
      } finally {
        for (const a of atts) await destroy(attachmentProvider, a);
        await Promise.all(local.map((c) => c.remove({ force: true })));
        await destroy(overlay, net);
      }
    });

    it("verify: an overlay proven between three hosts gives the per-pair matrix; probes are removed", async function () {
      const net = await create(overlay, {
        name: `ovver-${RUN_ID}`,
        attachable: true,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
        verify: { hosts: [conn(h[0]), conn(h[1]), conn(h[2])] },
      });
      try {
        const matrix = net.outs.verification as any[];
        console.log(`      ${matrix.map((r) => `${r.from}->${r.to} name:${r.byName} addr:${r.byAddress}`).join(", ")}`);
        assert.equal(matrix.length, 6);
        assert.ok(
          matrix.every((r) => r.byName && r.byAddress && !r.problem),
          JSON.stringify(matrix),
        );
        assert.deepEqual(
          [...new Set(matrix.map((r) => r.from))].sort(),
          [h[0].hostname, h[1].hostname, h[2].hostname].sort(),
        );
        for (const x of [h[0], h[1], h[2]]) await assertNoProbes(x);
      } finally {
        await destroy(overlay, net);
      }
    });

    it("verify: an encrypted overlay on a kernel without IPsec fails saying so", async function () {
      const missing = ipsecUnavailable();
      const name = `ovvenc-${RUN_ID}`;
      const inputs = await checked(overlay, {
        name,
        attachable: true,
        encrypted: true,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
        verify: { hosts: [conn(h[1]), conn(h[2])], timeoutSeconds: 2 },
      });
      if (!missing) {
        const net = await overlay.create(inputs);
        await destroy(overlay, { id: net.id, outs: net.outs });
        assert.ok(net.outs.verification.every((r: any) => !r.problem));
        return;
      }
      await assert.rejects(overlay.create(inputs), /encrypted and this kernel cannot do IPsec \(no XFRM\)/);
      assert.equal(await Engine.connect(conn(h[0])).findNetwork(name), undefined, "the network was left");
      for (const x of [h[1], h[2]]) await assertNoProbes(x);
    });

    it("node labels, availability and a spec field change in place; token rotation keeps every node", async function () {
      const news = await checked(swarmNodeProvider, {
        ...argsOf(manager.outs, SWARM_NODE_ARGS),
        spec: { taskHistoryRetentionLimit: 7, dispatcherHeartbeatPeriod: "7s" },
        rotateTokens: "1",
        availability: undefined,
        nodeLabels: undefined,
      });
      const d = await swarmNodeProvider.diff!(manager.id, manager.outs, news);
      assert.deepEqual(d.replaces, []);
      assert.deepEqual((d as any).updates.sort(), ["rotateTokens", "spec"]);
      const updated = (await swarmNodeProvider.update!(manager.id, manager.outs, news)).outs;
      assert.equal(updated.spec.taskHistoryRetentionLimit, 7);
      assert.equal(updated.spec.dispatcherHeartbeatPeriod, "7s");
      assert.notEqual(updated.workerToken, manager.outs.workerToken);
      assert.notEqual(updated.managerToken, manager.outs.managerToken);
      manager = { id: manager.id, outs: updated };

      const w = workers[0];
      const wNews = await checked(swarmNodeProvider, {
        ...argsOf(w.outs, SWARM_NODE_ARGS),
        join: { ...w.outs.join, token: updated.workerToken },
        availability: "drain",
        nodeLabels: { zone: "a" },
      });
      const wd: any = await swarmNodeProvider.diff!(w.id, w.outs, wNews);
      assert.deepEqual(wd.replaces, []);
      assert.deepEqual(wd.updates.sort(), ["availability", "join", "nodeLabels"]);
      workers[0] = { id: w.id, outs: (await swarmNodeProvider.update!(w.id, w.outs, wNews)).outs };
      const node = await Engine.connect(conn(h[0])).inspectNode(w.id);
      assert.equal(node?.availability, "drain");
      assert.deepEqual(node?.labels, { zone: "a" });
      assert.equal(workers[0].outs.nodeId, w.id, "same node after the update");
      await waitForNodes(h[0], [h[0].hostname, h[1].hostname, h[2].hostname]);
      const swarm: any = await h[0].docker.swarmInspect();
      assert.equal(swarm.Spec.Orchestration.TaskHistoryRetentionLimit, 7);
    });

    it("verify: a drained host takes no probe on the overlay; the error names it and says why", async function () {
      // workers[0] (h[1]) is drained by the test before.
      const name = `ovdrain-${RUN_ID}`;
      const inputs = await checked(overlay, {
        name,
        attachable: true,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
        verify: { hosts: [conn(h[0]), conn(h[1])] },
      });
      let message = "";
      await assert.rejects(overlay.create(inputs), (e: Error) => {
        message = e.message;
        assert.ok(e.message.includes(`probe on ${h[1].hostname} could not join network "${name}"`), e.message);
        assert.match(e.message, /availability is drain or pause takes no new containers on overlays/);
        return true;
      });
      assert.equal(await Engine.connect(conn(h[0])).findNetwork(name), undefined, `the network was left: ${message}`);
      for (const x of [h[0], h[1]]) await assertNoProbes(x);
    });

    it("getSwarm reports the cluster, its nodes and tokens from a manager; a worker is refused", async function () {
      const swarm = await getSwarm({ connection: conn(h[0]) });
      assert.equal(swarm.clusterId, manager.outs.clusterId);
      assert.deepEqual(swarm.defaultAddrPool, POOL);
      assert.equal(swarm.workerToken, manager.outs.workerToken);
      assert.deepEqual(swarm.nodes.map((n) => n.hostname).sort(), [h[0].hostname, h[1].hostname, h[2].hostname].sort());
      const leader = swarm.nodes.find((n) => n.leader);
      assert.equal(leader?.managerAddress, `${h[0].address}:2377`);
      await assert.rejects(
        getSwarm({ connection: conn(h[1]) }),
        /getSwarm: the engine at unix:.* is not a swarm manager \(swarm state: active\)/,
      );
    });

    it("autolock gives an unlock key output; turning it off takes the key away", async function () {
      const update = async (autoLockManagers: boolean): Promise<any> => {
        const news = await checked(swarmNodeProvider, {
          ...argsOf(manager.outs, SWARM_NODE_ARGS),
          spec: { autoLockManagers },
        });
        const outs = (await swarmNodeProvider.update!(manager.id, manager.outs, news)).outs;
        manager = { id: manager.id, outs };
        return outs;
      };
      const locked = await update(true);
      assert.match(locked.unlockKey, /^SWMKEY-1-/);
      assert.equal(locked.spec.autoLockManagers, true);
      const unlocked = await update(false);
      assert.equal(unlocked.unlockKey, undefined);
    });

    it("a member already in the same swarm is adopted; refresh sees it", async function () {
      const again = await create(swarmNodeProvider, {
        connection: conn(h[1]),
        join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
        managerConnection: conn(h[0]),
      });
      assert.equal(again.id, workers[0].id);
      assert.equal(again.outs.adopted, true);
      const r: any = await swarmNodeProvider.read!(again.id, again.outs);
      assert.equal(r.id, again.id);
    });

    it("overlay on a worker fails, saying to create a SwarmNode first; nothing is created", async function () {
      const inputs = await checked(overlay, { name: `ovw-${RUN_ID}`, connection: conn(h[1]) });
      await assert.rejects(overlay.create(inputs), (e: Error) => {
        assert.match(e.message, /OverlayNetwork "ovw-.*": the engine at unix:.* is not a swarm manager/);
        assert.match(e.message, /create a SwarmNode .* dependsOn/);
        return true;
      });
      assert.deepEqual(await h[0].docker.listNetworks({ filters: { name: [`ovw-${RUN_ID}`] } }), []);
    });

    it("init on an engine that is already a worker in a swarm fails clearly", async function () {
      const inputs = await checked(swarmNodeProvider, { connection: conn(h[1]) });
      await assert.rejects(
        swarmNodeProvider.create(inputs),
        /is a worker in .*swarm init needs an engine outside any swarm/,
      );
      assert.equal((await Engine.connect(conn(h[1])).localSwarm()).state, "active", "still a member");
    });

    it("join on an engine in another swarm fails clearly and leaves it in its own", async function () {
      const own = await create(swarmNodeProvider, {
        connection: conn(h[3]),
        advertiseAddr: h[3].address,
        forceLeave: true,
      });
      try {
        const inputs = await checked(swarmNodeProvider, {
          connection: conn(h[3]),
          join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
          managerConnection: conn(h[0]),
        });
        await assert.rejects(
          swarmNodeProvider.create(inputs),
          new RegExp(`already in swarm ${own.outs.clusterId}, not the one at ${h[0].address}:2377. Leave it first`),
        );
        assert.equal((await Engine.connect(conn(h[3])).localSwarm()).clusterId, own.outs.clusterId);
      } finally {
        await destroy(swarmNodeProvider, own);
      }
    });

    it("join with a malformed token fails in check; with a wrong token, create fails and leaves the engine out", async function () {
      const bad = await swarmNodeProvider.check!(
        {},
        { connection: conn(h[3]), join: { remoteAddrs: [h[0].address], token: "hello" } },
      );
      assert.equal(bad.failures?.length, 1);
      assert.match(bad.failures![0].reason, /^join\.token /, "the reason names the field");
      assert.doesNotMatch(JSON.stringify(bad.failures), /hello/, "the token is not echoed");
      // Well-formed, but not this swarm's: the manager refuses it.
      const wrong = manager.outs.workerToken.replace(/-[0-9a-z]{25}$/, `-${"0".repeat(25)}`);
      const inputs = await checked(swarmNodeProvider, {
        connection: conn(h[3]),
        join: { remoteAddrs: [h[0].address], token: wrong },
      });
      const t = Date.now();
      await assert.rejects(swarmNodeProvider.create(inputs), /docker swarm join on unix:.*: .*(token|invalid)/i);
      assert.ok(Date.now() - t < 65_000);
      assert.equal((await Engine.connect(conn(h[3])).localSwarm()).state, "inactive");
    });

    it("join of an unreachable manager fails within a bounded time and leaves the engine out", async function () {
      // Without the preflight, the engine's own join gives up (bounded); with it, see below.
      const inputs = await checked(swarmNodeProvider, {
        connection: conn(h[3]),
        join: { remoteAddrs: [lab.unusedAddress], token: manager.outs.workerToken },
        preflight: false,
      });
      const t = Date.now();
      await assert.rejects(swarmNodeProvider.create(inputs), /docker swarm join on unix:/);
      console.log(`      unreachable manager: join failed after ${((Date.now() - t) / 1000).toFixed(1)} s`);
      assert.equal((await Engine.connect(conn(h[3])).localSwarm()).state, "inactive");
    });

    it("preflight: the manager's 2377/tcp dropped fails the join in seconds, naming both hosts and the port; nothing joined, no probe left", async function () {
      const unblock = lab.block(0, "tcp", 2377);
      try {
        const inputs = await checked(swarmNodeProvider, {
          connection: conn(h[3]),
          advertiseAddr: h[3].address,
          join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
        });
        const t = Date.now();
        const err: Error = await swarmNodeProvider.create(inputs).then(
          () => assert.fail("joined through a blocked port"),
          (e: Error) => e,
        );
        const took = (Date.now() - t) / 1000;
        console.log(`      ${took.toFixed(1)} s: ${err.message}`);
        assert.ok(took < 12, `preflight took ${took} s`);
        assert.match(err.message, /preflight before swarm join/);
        assert.ok(err.message.includes(h[3].hostname), "names the joining host");
        assert.ok(
          err.message.includes(`${h[0].address} 2377/tcp (swarm cluster management`),
          "names manager, port, protocol, purpose",
        );
        assert.doesNotMatch(err.message, /7946/, "7946/tcp was open");
        assert.equal((await Engine.connect(conn(h[3])).localSwarm()).state, "inactive");
        await assertNoProbes(h[3]);
      } finally {
        unblock();
      }
    });

    it("preflight: 7946/tcp dropped is named too; a probe image that is not there is named, never pulled", async function () {
      const unblock = lab.block(0, "tcp", 7946);
      try {
        const inputs = await checked(swarmNodeProvider, {
          connection: conn(h[3]),
          join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
        });
        await assert.rejects(swarmNodeProvider.create(inputs), (e: Error) => {
          assert.ok(e.message.includes(`${h[0].address} 7946/tcp (node gossip`), e.message);
          assert.doesNotMatch(e.message, /2377/);
          return true;
        });
      } finally {
        unblock();
      }
      const missing = await checked(swarmNodeProvider, {
        connection: conn(h[3]),
        join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
        preflight: { image: `pdn-absent-${RUN_ID}:1` },
      });
      await assert.rejects(
        swarmNodeProvider.create(missing),
        new RegExp(
          `probe image "pdn-absent-${RUN_ID}:1" is not on unix:.*never pulls: provide it there \\(docker pull`,
        ),
      );
      assert.equal((await Engine.connect(conn(h[3])).localSwarm()).state, "inactive");
      await assertNoProbes(h[3]);
      const bad = await swarmNodeProvider.check!({}, { preflight: { image: "", timeoutSeconds: 0 } });
      assert.deepEqual(
        bad.failures?.map((f) => f.reason),
        [
          'preflight.image must be an image name, e.g. "busybox:latest"',
          "preflight.timeoutSeconds 0 must be a whole number from 1 to 60",
        ],
      );
    });

    it("preflight: with the default image absent the join goes ahead and says the check was skipped; a named image still must be there", async function () {
      // As on an engine that never pulled busybox: the lab's copy of it is untagged on this host.
      const image = h[3].docker.getImage(DEFAULT_PROBE_IMAGE);
      const id = (await image.inspect()).Id;
      await image.remove({ noprune: true });
      try {
        const joined = await create(swarmNodeProvider, {
          connection: conn(h[3]),
          join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
          managerConnection: conn(h[0]),
        });
        try {
          assert.equal(joined.outs.role, "worker");
          assert.equal(
            joined.outs.preflightResult,
            `skipped: ${DEFAULT_PROBE_IMAGE} is not on ${h[3].hostname} (${h[3].host}), and the preflight never pulls; provide it there or name preflight.image to have the ports checked`,
          );
        } finally {
          await destroy(swarmNodeProvider, joined);
        }
        const named = await checked(swarmNodeProvider, {
          connection: conn(h[3]),
          join: { remoteAddrs: [h[0].address], token: manager.outs.workerToken },
          preflight: { image: DEFAULT_PROBE_IMAGE },
        });
        await assert.rejects(
          swarmNodeProvider.create(named),
          /probe image "busybox:latest" is not on unix:.*never pulls/,
        );
        assert.equal((await Engine.connect(conn(h[3])).localSwarm()).state, "inactive");
      } finally {
        const [repo, tag] = DEFAULT_PROBE_IMAGE.split(":");
        await h[3].docker.getImage(id).tag({ repo, tag });
      }
      const checkedJoin = await joinOf(h[3], manager, "worker", h[0]);
      try {
        assert.match(checkedJoin.outs.preflightResult, /^passed: .* answers on 2377\/tcp and 7946\/tcp$/);
      } finally {
        await destroy(swarmNodeProvider, checkedJoin);
      }
    });

    it("drift: a node that left out of band is gone on refresh; create joins it again", async function () {
      const first = await joinOf(h[3], manager, "worker", h[0]);
      await h[3].docker.swarmLeave({ force: true });
      const r: any = await swarmNodeProvider.read!(first.id, first.outs);
      assert.equal(r.id, "", "refresh drops it");
      const again = await joinOf(h[3], manager, "worker", h[0]);
      try {
        assert.notEqual(again.id, first.id, "a new membership");
        assert.equal(again.outs.adopted, false);
      } finally {
        await destroy(swarmNodeProvider, again);
        // The left node's entry stays listed as down until removed, as with docker swarm leave.
        await Engine.connect(conn(h[0])).removeNode(first.id, true);
      }
    });

    it("destroying a worker's SwarmNode: it leaves and disappears from the node list", async function () {
      const extra = await joinOf(h[3], manager, "worker", h[0]);
      await waitForNodes(h[0], [h[0].hostname, h[1].hostname, h[2].hostname, h[3].hostname]);
      await destroy(swarmNodeProvider, extra);
      assert.equal((await Engine.connect(conn(h[3])).localSwarm()).state, "inactive");
      assert.ok(!(await nodesOf(h[0])).some((n) => n.hostname === h[3].hostname), "removed from the node list");
    });

    it("the last manager refuses to leave while forceLeave is off", async function () {
      await assert.rejects(
        swarmNodeProvider.delete!(manager.id, { ...manager.outs, forceLeave: false }),
        /is the last manager of swarm \w+: leaving would end the swarm and strand the 2 other node\(s\) still in it: remove them first, then set forceLeave: true/,
      );
      assert.equal((await Engine.connect(conn(h[0])).localSwarm()).state, "active");
    });

    // Each port dropped on one host: the create fails naming the pair and the likely port, and
    // leaves neither the network nor a probe. Gossip's 7946 is dropped for both protocols: with
    // only udp dropped, the state the nodes exchange over tcp (a bulk sync when a node joins the
    // network) sometimes carries the peers' names anyway (seen once on 26.1). These run last in
    // the cluster's life: with 7946 dropped the peers mark the host failed, and for a few seconds
    // after it is open again an attachment on it waits for a bulk sync that times out; on 20.10 a
    // probe's attach then failed after the engine's 20 s and left its swarm agent wedged (the
    // worker's leave timed out), failing what came after (seen in CI, then 3 runs in 5 here).
    // The probes go on the manager and the host blocked: the other worker is drained by now.
    for (const { port, protocols, cause } of [
      { port: 4789, protocols: ["udp"] as const, cause: /no reply: likely 4789\/udp \(overlay data/ },
      {
        port: 7946,
        protocols: ["udp", "tcp"] as const,
        cause: /does not resolve: likely 7946\/udp \(node gossip.*or 7946\/tcp/,
      },
    ]) {
      it(`verify: ${port}/${protocols.join("+")} dropped on one host fails naming the pair and the port; nothing is left`, async function () {
        const undo = protocols.map((protocol) => lab.block(2, protocol, port));
        const unblock = (): void => undo.forEach((u) => u());
        const name = `ovblk${port}-${RUN_ID}`;
        try {
          const inputs = await checked(overlay, {
            name,
            attachable: true,
            labels: { [TEST_LABEL]: RUN_ID },
            connection: conn(h[0]),
            verify: { hosts: [conn(h[0]), conn(h[2])], timeoutSeconds: 2 },
          });
          const err: Error = await overlay.create(inputs).then(
            (r) =>
              assert.fail(
                `verified with ${port}/${protocols.join("+")} dropped: ${JSON.stringify(r.outs.verification)}`,
              ),
            (e: Error) => e,
          );
          console.log(`      ${err.message}`);
          assert.ok(err.message.includes(`${h[0].hostname} -> ${h[2].hostname}`), "names the pair");
          assert.match(err.message, cause);
          assert.equal(await Engine.connect(conn(h[0])).findNetwork(name), undefined, "the network was left");
          for (const x of [h[0], h[2]]) await assertNoProbes(x);
        } finally {
          unblock();
        }
      });
    }
  });

  describe("three managers", function () {
    it("removing one (demote, leave, node removed) keeps a healthy cluster", async function () {
      const first = await create(swarmNodeProvider, {
        connection: conn(h[0]),
        advertiseAddr: h[0].address,
        defaultAddrPool: POOL,
        forceLeave: true,
      });
      const more: Created[] = [];
      try {
        for (const m of [h[1], h[2]]) more.push(await joinOf(m, first, "manager", h[0]));
        assert.deepEqual(
          more.map((m) => m.outs.role),
          ["manager", "manager"],
        );
        await waitForNodes(h[0], [h[0].hostname, h[1].hostname, h[2].hostname]);
        await destroy(swarmNodeProvider, more.pop());
        assert.equal((await Engine.connect(conn(h[2])).localSwarm()).state, "inactive");
        const nodes = await Engine.connect(conn(h[0])).listNodes();
        assert.deepEqual(nodes.map((n) => n.hostname).sort(), [h[0].hostname, h[1].hostname].sort());
        assert.ok(nodes.every((n) => n.role === "manager" && n.managerReachability === "reachable"));
        assert.equal(nodes.filter((n) => n.leader).length, 1, "one leader");
        // The remaining managers still accept changes (quorum).
        await Engine.connect(conn(h[1])).updateSwarm({ taskHistoryRetentionLimit: 3 });
      } finally {
        for (const m of more.reverse()) await destroy(swarmNodeProvider, m);
        await destroy(swarmNodeProvider, first);
      }
    });
  });

  describe("remote engines", function () {
    it("TLS tcp:// works with the right CA and client certificate; a wrong CA fails clearly", async function () {
      const tls = h[1].tls!;
      const ok = Engine.connect({ host: tls.host, caMaterial: tls.ca, certMaterial: tls.cert, keyMaterial: tls.key });
      assert.equal((await ok.localSwarm()).hostname, h[1].hostname);
      const wrong = Engine.connect({
        host: tls.host,
        caMaterial: tls.wrongCa,
        certMaterial: tls.cert,
        keyMaterial: tls.key,
      });
      await assert.rejects(wrong.localSwarm(), (e: Error) => {
        assert.match(e.message, new RegExp(`docker info on ${tls.host}: .*(certificate|self.signed)`, "i"));
        return true;
      });
      const noClientCert = Engine.connect({ host: tls.host, caMaterial: tls.ca });
      await assert.rejects(noClientCert.localSwarm(), new RegExp(`docker info on ${tls.host}:`));
    });

    it("ssh:// works with the authorized key; a refused key fails clearly", async function () {
      const ssh = h[2].ssh!;
      const ok = Engine.connect({ host: ssh.host, keyMaterial: ssh.key });
      assert.equal((await ok.localSwarm()).hostname, h[2].hostname);
      const t = Date.now();
      const refused = Engine.connect({ host: ssh.host, keyMaterial: ssh.wrongKey });
      await assert.rejects(refused.localSwarm(), (e: Error) => {
        assert.match(e.message, new RegExp(`docker info on ${ssh.host}: .*authentication`, "i"));
        return true;
      });
      assert.ok(Date.now() - t < 30_000);
    });

    it("an unreachable host fails within seconds, naming the host and what to do", async function () {
      for (const host of [`tcp://${lab.unusedAddress}:2376`, `ssh://root@${lab.unusedAddress}`]) {
        const t = Date.now();
        await assert.rejects(
          Engine.connect({ host }).localSwarm(),
          new RegExp(`no Docker engine answers at ${host.replace(/[./]/g, "\\$&")} \\(.*\\): start dockerd there`),
        );
        const took = Date.now() - t;
        console.log(`      unreachable ${host.split(":")[0]}:// host: failed after ${(took / 1000).toFixed(1)} s`);
        assert.ok(took < 20_000, `took ${took} ms`);
      }
    });
  });
});
