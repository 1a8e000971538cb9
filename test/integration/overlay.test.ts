/**
 * Swarm and overlay behaviours a user meets on the way (on a real two-host lab): the swarm's pool
 * settings as in force, a rejoin after an out-of-band leave, overlays with a VXLAN ID and no
 * declared subnet, static addresses on an overlay, deleting an overlay right after its last
 * attachment (the swarm's own load-balancer endpoint is not a user's container), and a manager
 * locked after a restart.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { attachmentProvider } from "../../provider/providers/attachmentProvider";
import { overlayDriver } from "../../provider/providers/drivers";
import { Engine } from "../../provider/engine/engine";
import { getNetwork, getSwarm } from "../../provider/lookups";
import { networkProvider } from "../../provider/providers/networkProvider";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { ensureTestImage, removeContainers, RUN_ID, startContainer, TEST_LABEL } from "../support/fixtures";
import { labLeftovers, startLab, type Lab, type LabHost } from "../support/lab";
import { create, destroy, type Created } from "../support/lifecycle";

const overlay = networkProvider(overlayDriver);
const conn = (h: LabHost): { host: string } => ({ host: h.host });

describe("overlays and swarm membership as a user meets them", function () {
  this.timeout(240_000);
  let lab: Lab;
  let h: LabHost[];
  let manager: Created | undefined;
  let worker: Created | undefined;
  const containers: Docker.Container[] = [];

  before(async function () {
    lab = await startLab(2);
    h = lab.hosts;
    await Promise.all(h.map((x) => ensureTestImage(x.docker)));
  });

  after(async function () {
    try {
      await removeContainers(containers);
      await destroy(swarmNodeProvider, worker);
      await destroy(swarmNodeProvider, manager && { ...manager, outs: { ...manager.outs, forceLeave: true } });
    } finally {
      await lab.stop();
      assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
    }
  });

  const join = (): Promise<Created> =>
    create(swarmNodeProvider, {
      connection: conn(h[1]),
      advertiseAddr: h[1].address,
      join: { remoteAddrs: [manager!.outs.managerAddress], token: manager!.outs.workerToken },
      managerConnection: conn(h[0]),
    });

  it("init without pool settings: outputs and getSwarm say what is in force", async () => {
    manager = await create(swarmNodeProvider, { connection: conn(h[0]), advertiseAddr: h[0].address });
    const want = { defaultAddrPool: ["10.0.0.0/8"], subnetSize: 24, dataPathPort: 4789 };
    const { defaultAddrPool, subnetSize, dataPathPort } = manager.outs;
    assert.deepEqual({ defaultAddrPool, subnetSize, dataPathPort }, want);
    // What the engine itself keeps, as after `docker swarm init` (which sends a subnet size of 24).
    const raw = await h[0].docker.swarmInspect();
    assert.equal(raw.SubnetSize, 24);
    const seen = await getSwarm({ connection: conn(h[0]) });
    assert.deepEqual(
      { defaultAddrPool: seen.defaultAddrPool, subnetSize: seen.subnetSize, dataPathPort: seen.dataPathPort },
      want,
    );
    const again = await swarmNodeProvider.check!(manager.outs, { connection: conn(h[0]), advertiseAddr: h[0].address });
    assert.equal((await swarmNodeProvider.diff!(manager.id, manager.outs, again.inputs)).changes, false);
  });

  it("a node that left out of band joins again as one node: hostname set, no stale entry left", async () => {
    worker = await join();
    assert.equal(worker.outs.hostname, h[1].hostname);
    await h[1].docker.swarmLeave({ force: false });
    assert.equal((await swarmNodeProvider.read!(worker.id, worker.outs)).id, "", "refresh drops it");
    worker = await join();
    assert.equal(worker.outs.hostname, h[1].hostname);
    const nodes = await Engine.connect(conn(h[0])).listNodes();
    assert.deepEqual(nodes.map((n) => n.hostname).sort(), [h[0].hostname, h[1].hostname].sort());
    assert.ok(
      nodes.every((n) => n.state !== "down"),
      JSON.stringify(nodes),
    );
  });

  it("an overlay with a VXLAN ID and no declared subnet; a static address on it from a worker", async () => {
    const net = await create(overlay, {
      autoNamePrefix: "ov",
      attachable: true,
      vxlanIds: [5000],
      labels: { [TEST_LABEL]: RUN_ID },
      connection: conn(h[0]),
    });
    try {
      const inspect = await h[0].docker.getNetwork(net.id).inspect();
      assert.equal(inspect.Options!["com.docker.network.driver.overlay.vxlanid_list"], "5000");
      assert.equal(net.outs.clusterId, manager!.outs.clusterId);
      const [cm, cw] = await Promise.all([startContainer(h[0].docker, "ov-m"), startContainer(h[1].docker, "ov-w")]);
      containers.push(cm, cw);
      const address = net.outs.ipamConfigs[0].subnet.replace(/\d+\/\d+$/, "50");
      const onWorker = await create(attachmentProvider, {
        network: net.id,
        container: cw.id,
        ipv4Address: address,
        connection: conn(h[1]),
      });
      assert.equal(onWorker.outs.ipv4Address, address);
      const onManager = await create(attachmentProvider, { network: net.id, container: cm.id, connection: conn(h[0]) });
      const lb = Object.values((await h[0].docker.getNetwork(net.id).inspect()).Containers ?? {});
      assert.ok(
        lb.some((c) => c.Name.endsWith("-endpoint")),
        "the swarm's load balancer endpoint is on the manager",
      );

      // Deleted right after its last attachment: the load balancer endpoint is the engine's own,
      // not a user's container, and goes with the network.
      await attachmentProvider.delete!(onWorker.id, onWorker.outs);
      await attachmentProvider.delete!(onManager.id, onManager.outs);
      await overlay.delete!(net.id, net.outs);
      await assert.rejects(h[0].docker.getNetwork(net.id).inspect(), /404|no such network/i);
    } finally {
      await destroy(overlay, net).catch(() => undefined);
    }
  });

  it("VXLAN IDs below the swarm's own range (which starts at 4097) are the user's to give: check passes them, the engine takes them", async () => {
    for (const vxlanIds of [[257], [1]]) {
      const net = await create(overlay, {
        autoNamePrefix: "ovid",
        vxlanIds,
        labels: { [TEST_LABEL]: RUN_ID },
        connection: conn(h[0]),
      });
      try {
        const inspect = await h[0].docker.getNetwork(net.id).inspect();
        assert.equal(inspect.Options!["com.docker.network.driver.overlay.vxlanid_list"], String(vxlanIds[0]));
      } finally {
        await destroy(overlay, net);
      }
    }
  });

  it("a name a local network and a swarm one share is ambiguous to a lookup, as to docker network inspect (where the engine allows the pair)", async () => {
    const name = `dup-${RUN_ID}`;
    const Labels = { [TEST_LABEL]: RUN_ID };
    const local = await h[0].docker.createNetwork({ Name: name, Driver: "bridge", Labels });
    try {
      const swarmScoped = await h[0].docker
        .createNetwork({ Name: name, Driver: "overlay", Attachable: true, Labels })
        .catch((e: Error) => e);
      if (swarmScoped instanceof Error) {
        // Engine 28 keeps names unique across scopes: the pair cannot arise, and the name is the bridge's.
        assert.match(swarmScoped.message, /already exists/);
        assert.equal((await getNetwork({ name, connection: conn(h[0]) })).id, local.id);
        return;
      }
      try {
        await assert.rejects(getNetwork({ name, connection: conn(h[0]) }), (e: Error) => {
          assert.match(e.message, new RegExp(`network "${name}" is ambiguous \\(2 matches found on name\\)`));
          assert.ok(e.message.includes(`${name} ${local.id.slice(0, 12)} (local)`), e.message);
          assert.ok(e.message.includes(`${name} ${swarmScoped.id.slice(0, 12)} (swarm)`), e.message);
          return true;
        });
        assert.equal((await getNetwork({ name: local.id, connection: conn(h[0]) })).scope, "local");
      } finally {
        await swarmScoped.remove();
      }
    } finally {
      await local.remove();
    }
  });

  it("an autolocked manager that restarted is locked: refresh fails saying how to unlock, and keeps it", async () => {
    const news = { ...manager!.outs, spec: { autoLockManagers: true } };
    manager = { id: manager!.id, outs: (await swarmNodeProvider.update!(manager!.id, manager!.outs, news)).outs };
    const key = manager.outs.unlockKey;
    assert.match(key, /^SWMKEY-1-/);
    await lab.killEngine(0);
    await lab.startEngine(0);
    await assert.rejects(swarmNodeProvider.read!(manager.id, manager.outs), (e: Error) => {
      assert.match(e.message, /is locked: .*docker swarm unlock .*unlockKey output/);
      assert.doesNotMatch(e.message, /SWMKEY/, "the key is not printed");
      return true;
    });
    // `docker swarm unlock` (dockerode has no call for it).
    await new Promise((resolve, reject) =>
      h[0].docker.modem.dial(
        { path: "/swarm/unlock", method: "POST", options: { UnlockKey: key }, statusCodes: { 200: true } },
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data)),
      ),
    );
    assert.equal((await swarmNodeProvider.read!(manager.id, manager.outs)).id, manager.id, "kept, and readable again");
  });
});
