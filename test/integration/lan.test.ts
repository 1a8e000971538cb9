/**
 * Containers on the LAN (macvlan, ipvlan) on a three-host lab whose hosts share one LAN: their
 * `eth0` on the lab bridge. Proven by traffic, not by inspect alone: containers on two hosts ping
 * each other by LAN address, and a host other than their own reaches them. What this machine's
 * kernel cannot do (ipvlan, 802.1Q VLAN sub-interfaces) is detected in a lab host first, and the
 * library's own error, naming the missing feature, is what is asserted there.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { attachmentProvider } from "../../provider/providers/attachmentProvider";
import { providers } from "../../provider/providers/dynamic/impl";
import { exec, removeContainers, RUN_ID, startContainer, TEST_IMAGE, TEST_LABEL } from "../support/fixtures";
import { labLeftovers, startLab, type Lab, type LabHost } from "../support/lab";
import { checked, create, destroy, type Created } from "../support/lifecycle";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { atLeast } from "../../provider/model/engineFeatures";
import { versionOf } from "../support/engine";
import { createTestService, joinOf, runningTasks } from "../support/swarm";

/* eslint-disable @typescript-eslint/no-explicit-any -- provider property bags and inspect JSON */

const macvlan = providers.MacvlanNetwork;
const ipvlan = providers.IpvlanNetwork;
const labels = { [TEST_LABEL]: RUN_ID };
const conn = (h: LabHost): { host: string } => ({ host: h.host });

describe("containers on the LAN: macvlan and ipvlan on a three-host lab", function () {
  this.timeout(180_000);
  let lab: Lab;
  let h: LabHost[];
  /** The lab's LAN, `10.239.N`: hosts are .11-.13, the lab bridge (the LAN's router) .1. */
  let lan: string;
  const nets: [typeof macvlan, Created][] = [];
  const atts: Created[] = [];
  const containers: Docker.Container[] = [];

  before(async () => {
    lab = await startLab(3);
    h = lab.hosts;
    lan = h[0].address.replace(/\.\d+$/, "");
  });
  afterEach(async () => {
    while (atts.length) await destroy(attachmentProvider, atts.pop());
    await removeContainers(containers.splice(0));
    while (nets.length) {
      const [p, n] = nets.pop()!;
      await destroy(p, n);
    }
  });
  after(async () => {
    await lab?.stop();
    if (lab) assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
  });

  /** What each network was declared with, by ID: a second preview checks the same again. */
  const declaredAs = new Map<string, object>();
  const network = async (p: typeof macvlan, args: object): Promise<Created> => {
    const declared = { autoNamePrefix: "lan", labels, ...args };
    const n = await create(p, declared);
    nets.push([p, n]);
    declaredAs.set(n.id, declared);
    return n;
  };
  /** A container on host `i`, plugged into `net` at `address`. */
  const onLan = async (i: number, net: Created, address: string): Promise<Docker.Container> => {
    // Named by host and address: a host may have several.
    const c = await startContainer(h[i].docker, `lan${i}-${address.split(".").pop()}`);
    containers.push(c);
    atts.push(
      await create(attachmentProvider, {
        network: net.id,
        container: c.id,
        ipv4Address: address,
        connection: conn(h[i]),
      }),
    );
    return c;
  };
  /** Whether a lab host's kernel makes a link of `type` (ipvlan, vlan) on its eth0. */
  const kernelMakes = (type: string, ...args: string[]): boolean => {
    const made = lab.inHost(0, "ip", "link", "add", "link", "eth0", "name", "pdnprobe", "type", type, ...args);
    if (made) lab.inHost(0, "ip", "link", "delete", "pdnprobe");
    return made;
  };
  /** A swarm of the three hosts, the first its manager; each node joins `swarm` as it is made, for the caller's cleanup. */
  const swarmOfLab = async (swarm: Created[]): Promise<Created> => {
    const init = await create(swarmNodeProvider, {
      connection: conn(h[0]),
      advertiseAddr: h[0].address,
      forceLeave: true,
    });
    swarm.push(init);
    for (const x of [h[1], h[2]]) swarm.push(await joinOf(x, init, "worker", h[0]));
    return init;
  };
  /** One range of the LAN per host, as a network administrator hands them out. */
  const pool = (i: number): object => ({
    subnet: `${lan}.0/24`,
    gateway: `${lan}.1`,
    ipRange: `${lan}.${128 + 16 * i}/28`,
  });

  it("macvlan on two hosts: their containers ping each other by LAN address, a third host reaches them, their own host does not (the kernel's rule)", async () => {
    const [n1, n2] = [
      await network(macvlan, { parent: "eth0", ipamConfigs: [pool(0)], connection: conn(h[0]) }),
      await network(macvlan, { parent: "eth0", ipamConfigs: [pool(1)], connection: conn(h[1]) }),
    ];
    const inspect: any = await h[0].docker.getNetwork(n1.id).inspect();
    assert.deepEqual(
      [inspect.Driver, inspect.Options.parent, inspect.IPAM.Config[0].IPRange],
      ["macvlan", "eth0", `${lan}.128/28`],
    );
    const [a, b] = [await onLan(0, n1, `${lan}.130`), await onLan(1, n2, `${lan}.146`)];
    for (const [from, c, to] of [
      [h[0], a, `${lan}.146`],
      [h[1], b, `${lan}.130`],
    ] as const) {
      const r = await exec(from.docker, c.id, ["ping", "-c", "2", "-W", "2", to]);
      assert.equal(r.code, 0, `${from.hostname} → ${to}: ${r.output}`);
    }
    // The LAN's router (the lab bridge) and a third host reach them as any LAN host would.
    assert.ok(lab.inHost(2, "/bin/busybox", "ping", "-c", "1", "-W", "2", `${lan}.130`), "the third host reaches it");
    const r = await exec(h[0].docker, a.id, ["ping", "-c", "1", "-W", "2", `${lan}.1`]);
    assert.equal(r.code, 0, `the router: ${r.output}`);
    // The parent's own host does not: macvlan keeps the parent and its children apart.
    assert.equal(lab.inHost(0, "/bin/busybox", "ping", "-c", "1", "-W", "1", `${lan}.130`), false);
    // The README's workaround: a macvlan interface of the host's own on the parent, the range routed through it.
    const shim = [
      ["link", "add", "lan-shim", "link", "eth0", "type", "macvlan", "mode", "bridge"],
      ["addr", "add", `${lan}.127/32`, "dev", "lan-shim"],
      ["link", "set", "lan-shim", "up"],
      ["route", "add", `${lan}.128/28`, "dev", "lan-shim"],
    ];
    try {
      for (const step of shim) assert.ok(lab.inHost(0, "ip", ...step), `ip ${step.join(" ")}`);
      assert.ok(
        lab.inHost(0, "/bin/busybox", "ping", "-c", "1", "-W", "2", `${lan}.130`),
        "the host, through its shim",
      );
    } finally {
      lab.inHost(0, "ip", "link", "delete", "lan-shim");
    }
    // Refresh and a second preview see nothing changed.
    const read = await macvlan.read!(n1.id, n1.outs);
    const declared = { autoNamePrefix: "lan", labels, parent: "eth0", ipamConfigs: [pool(0)], connection: conn(h[0]) };
    assert.equal((await macvlan.diff!(n1.id, read.props, await checked(macvlan, declared, n1.outs))).changes, false);
    const mode = await macvlan.diff!(
      n1.id,
      read.props,
      await checked(macvlan, { ...declared, mode: "private" }, n1.outs),
    );
    assert.deepEqual(mode.replaces, ["options"]);
  });

  it("internal, no parent: a network that stays on the host where the kernel makes dummy interfaces (its containers reach each other, not the LAN); else refused naming CONFIG_DUMMY, nothing made", async () => {
    const args = { internal: true, ipamConfigs: [{ subnet: "10.238.70.0/24" }], connection: conn(h[0]) };
    const dummy = lab.inHost(0, "ip", "link", "add", "pdnprobe", "type", "dummy");
    if (dummy) lab.inHost(0, "ip", "link", "delete", "pdnprobe");
    else {
      console.log("      this kernel has no dummy interfaces (CONFIG_DUMMY): the refusal is what is tested");
      const before = (await h[0].docker.listNetworks()).map((n) => n.Id).sort();
      await assert.rejects(network(macvlan, args), (e: Error) => {
        console.log(`      ${e.message}`);
        assert.match(e.message, /it lacks dummy interfaces \(CONFIG_DUMMY, the dummy module\)\. Nothing was changed/);
        return true;
      });
      assert.deepEqual((await h[0].docker.listNetworks()).map((n) => n.Id).sort(), before, "nothing made");
      return;
    }
    const n = await network(macvlan, args);
    const inspect: any = await h[0].docker.getNetwork(n.id).inspect();
    assert.deepEqual([inspect.Driver, inspect.Internal], ["macvlan", true]);
    const [a] = [await onLan(0, n, "10.238.70.10"), await onLan(0, n, "10.238.70.11")];
    const r = await exec(h[0].docker, a.id, ["ping", "-c", "1", "-W", "2", "10.238.70.11"]);
    assert.equal(r.code, 0, r.output);
    const out = await exec(h[0].docker, a.id, ["ping", "-c", "1", "-W", "1", `${lan}.1`]);
    assert.notEqual(out.code, 0, "the LAN's router is out of reach");
  });

  it("a parent the host does not have: refused before anything is made, naming the host and the parent", async () => {
    const before = (await h[0].docker.listNetworks()).map((n) => n.Id).sort();
    await assert.rejects(
      network(macvlan, { parent: "eth9", ipamConfigs: [pool(0)], connection: conn(h[0]) }),
      (e: Error) => {
        console.log(`      ${e.message}`);
        assert.match(
          e.message,
          new RegExp(
            `^MacvlanNetwork "lan-[0-9a-f]{7}": parent "eth9" is not an interface of the host of ${h[0].host.replace(/[/.]/g, "\\$&")} .*Nothing was changed`,
          ),
        );
        return true;
      },
    );
    assert.deepEqual((await h[0].docker.listNetworks()).map((n) => n.Id).sort(), before);
  });

  it("two networks on one parent of one engine: Engine 28+ takes both (other subnets), older ones refuse the second, saying why; where it takes both, a passthru network beside them is refused", async () => {
    await network(macvlan, { parent: "eth0", ipamConfigs: [pool(0)], connection: conn(h[0]) });
    const secondArgs = { parent: "eth0", ipamConfigs: [{ subnet: "10.238.50.0/24" }], connection: conn(h[0]) };
    if (!atLeast(await versionOf(h[0].docker), "28.0")) {
      const before = (await h[0].docker.listNetworks()).map((n) => n.Id).sort();
      await assert.rejects(network(macvlan, secondArgs), (e: Error) => {
        console.log(`      ${e.message}`);
        assert.match(
          e.message,
          /parent "eth0" on \S+ already carries another network, and this engine gives a parent interface to one macvlan or ipvlan network .*Nothing was changed/,
        );
        return true;
      });
      assert.deepEqual((await h[0].docker.listNetworks()).map((n) => n.Id).sort(), before, "nothing made");
      return;
    }
    const second = await network(macvlan, secondArgs);
    assert.equal(((await h[0].docker.getNetwork(second.id).inspect()) as any).Options.parent, "eth0");
    const before = (await h[0].docker.listNetworks()).map((n) => n.Id).sort();
    await assert.rejects(
      network(macvlan, {
        parent: "eth0",
        mode: "passthru",
        ipamConfigs: [{ subnet: "10.238.52.0/24" }],
        connection: conn(h[0]),
      }),
      (e: Error) => {
        console.log(`      ${e.message}`);
        assert.match(
          e.message,
          /parent "eth0" on \S+ already carries another network, and a passthru network takes the whole interface .*Nothing was changed/,
        );
        return true;
      },
    );
    assert.deepEqual((await h[0].docker.listNetworks()).map((n) => n.Id).sort(), before, "nothing made");
  });

  it("a VLAN parent (eth0.50): made and removed with the network where the kernel has 802.1Q; else refused naming it, nothing made", async () => {
    const vlan = kernelMakes("vlan", "id", "99");
    const args = { parent: "eth0.50", ipamConfigs: [{ subnet: "10.238.51.0/24" }], connection: conn(h[0]) };
    if (!vlan) {
      console.log("      this kernel has no 802.1Q VLANs (CONFIG_VLAN_8021Q): the refusal is what is tested");
      const before = (await h[0].docker.listNetworks()).map((n) => n.Id).sort();
      await assert.rejects(network(macvlan, args), (e: Error) => {
        console.log(`      ${e.message}`);
        assert.match(
          e.message,
          /parent "eth0\.50" is an 802\.1Q VLAN sub-interface, and the kernel of the host of \S+ cannot make one: it lacks VLAN support \(CONFIG_VLAN_8021Q, the 8021q module\)\. Nothing was changed/,
        );
        return true;
      });
      assert.deepEqual((await h[0].docker.listNetworks()).map((n) => n.Id).sort(), before);
      assert.equal(lab.inHost(0, "ip", "link", "show", "eth0.50"), false, "no sub-interface left");
      return;
    }
    await network(macvlan, args);
    assert.ok(lab.inHost(0, "ip", "link", "show", "eth0.50"), "the engine made the sub-interface");
    await destroy(macvlan, nets.pop()![1]);
    assert.equal(lab.inHost(0, "ip", "link", "show", "eth0.50"), false, "and removed it with the network");
  });

  it("ipvlan l2 on two hosts: containers ping each other where the kernel has ipvlan; else the attachment names the missing feature and leaves the container as it was", async () => {
    const n1 = await network(ipvlan, { parent: "eth0", ipamConfigs: [pool(2)], connection: conn(h[0]) });
    assert.equal(((await h[0].docker.getNetwork(n1.id).inspect()) as any).Driver, "ipvlan");
    if (!kernelMakes("ipvlan", "mode", "l2")) {
      console.log("      this kernel has no ipvlan (CONFIG_IPVLAN): the refusal is what is tested");
      const c = await startContainer(h[0].docker, "ipv");
      containers.push(c);
      const before = Object.keys((await c.inspect()).NetworkSettings.Networks);
      let message = "";
      await assert.rejects(
        create(attachmentProvider, {
          network: n1.id,
          container: c.id,
          ipv4Address: `${lan}.162`,
          connection: conn(h[0]),
        }),
        (e: Error) => {
          console.log(`      ${e.message}`);
          assert.match(
            e.message,
            /the engine has the network, but the kernel of its host cannot plug a container into it \(failed to create the ipvlan port: operation not supported\)\. The kernel lacks ipvlan \(CONFIG_IPVLAN, the ipvlan module\)/,
          );
          message = e.message;
          return true;
        },
      );
      const after = Object.keys((await c.inspect()).NetworkSettings.Networks);
      if (/Nothing was changed/.test(message)) {
        assert.deepEqual(after, before, "the container is as it was");
      } else {
        // Engines before 29 keep the failed endpoint; the message says so and how to take it off, which works.
        assert.match(
          message,
          /The engine kept the failed endpoint .*docker stop \S+ && docker network disconnect \S+ \S+\)$/,
        );
        assert.ok(after.includes(n1.outs.name), "the message says the endpoint was kept: it must be there");
        await c.stop({ t: 0 });
        await h[0].docker.getNetwork(n1.id).disconnect({ Container: c.id, Force: true });
        await c.start();
        assert.deepEqual(
          Object.keys((await c.inspect()).NetworkSettings.Networks),
          before,
          "the recovery it names works",
        );
      }
      return;
    }
    const n2 = await network(ipvlan, { parent: "eth0", ipamConfigs: [pool(3)], connection: conn(h[1]) });
    const [a] = [await onLan(0, n1, `${lan}.162`), await onLan(1, n2, `${lan}.178`)];
    const r = await exec(h[0].docker, a.id, ["ping", "-c", "2", "-W", "2", `${lan}.178`]);
    assert.equal(r.code, 0, r.output);
  });

  it("swarm-wide: a configuration on each node (its own range of the LAN) and one swarm-scoped macvlan network; a 3-replica service's tasks get each node's addresses and reach each other across hosts; delete refused while the service uses it", async () => {
    const swarm: Created[] = [];
    const services: string[] = [];
    const name = `slan-${RUN_ID}`;
    try {
      const init = await swarmOfLab(swarm);
      // docker network create --config-only on each node, then --scope swarm --config-from on the manager.
      for (const i of [0, 1, 2]) {
        await network(macvlan, {
          name: `${name}-config`,
          configOnly: true,
          parent: "eth0",
          ipamConfigs: [pool(i)],
          connection: conn(h[i]),
        });
      }
      const net = await network(macvlan, {
        name,
        configFrom: `${name}-config`,
        // The engine takes no labels on it: they are its configurations'.
        labels: undefined,
        clusterId: init.outs.clusterId,
        connection: conn(h[0]),
        verify: { hosts: h.map(conn), image: TEST_IMAGE },
      });
      assert.equal(net.outs.scope, "swarm");
      // verify proved every pair by LAN address with a global probe service, then removed it.
      assert.deepEqual(
        net.outs.verification.map((r: any) => `${r.from}>${r.to} ${r.byAddress}`).sort(),
        h.flatMap((a) => h.filter((b) => b !== a).map((b) => `${a.hostname}>${b.hostname} true`)).sort(),
      );
      console.log(
        `      verify: ${JSON.stringify(net.outs.verification.map((r: any) => [r.from, r.to, r.byName, r.byAddress]))}`,
      );
      assert.deepEqual(await h[0].docker.listServices(), [], "no probe service left");
      const inspect: any = await h[0].docker.getNetwork(net.id).inspect();
      assert.deepEqual([inspect.Driver, inspect.ConfigFrom.Network], ["macvlan", `${name}-config`]);
      // Refresh and a second preview of each see nothing changed (Engine 29 reports no pools for a configuration).
      for (const [p, n] of nets) {
        const read = await p.read!(n.id, n.outs);
        const again = await checked(p, declaredAs.get(n.id), n.outs);
        assert.equal((await p.diff!(n.id, read.props, again)).changes, false, n.outs.name);
      }

      const svc = await createTestService(h[0].docker, "slsvc", [{ Target: name }], { endpointMode: "dnsrr" }, (id) =>
        services.push(id),
      );
      const tasks = await runningTasks(h[0].docker, svc.id, 3);
      const nodes = await Promise.all(h.map(async (x) => (await x.docker.info()).Swarm.NodeID));
      const addresses: string[] = [];
      for (const t of tasks) {
        const i = nodes.indexOf(t.node);
        const c: any = await h[i].docker.getContainer(t.container).inspect();
        const address: string = c.NetworkSettings.Networks[name].IPAddress;
        const last = Number(address.split(".")[3]);
        assert.ok(
          last >= 128 + 16 * i && last < 144 + 16 * i,
          `task on ${h[i].hostname} got ${address}, outside its range`,
        );
        addresses.push(address);
      }
      const first = tasks[0];
      const from = h[nodes.indexOf(first.node)];
      for (const to of addresses.slice(1)) {
        const r = await exec(from.docker, first.container, ["ping", "-c", "2", "-W", "2", to]);
        assert.equal(r.code, 0, `${from.hostname} → ${to}: ${r.output}`);
      }
      console.log(`      tasks at ${addresses.join(", ")}`);

      await assert.rejects(macvlan.delete!(net.id, net.outs), /still used by 1 service\(s\): slsvc-/);
      assert.ok(await h[0].docker.getNetwork(net.id).inspect(), "the network is still there");

      // Drift: with the service gone, a worker's configuration removed out of band (no task there
      // holds it) is gone on refresh; the next up makes it again.
      await h[0].docker.getService(svc.id).remove();
      for (let i = 0; i < 60 && (await h[2].docker.listContainers()).length > 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
      }
      const [p3, config3] = nets[2];
      await h[2].docker.getNetwork(config3.id).remove();
      assert.equal((await p3.read!(config3.id, config3.outs)).id, "", "refresh drops it");
      const again = await create(p3, declaredAs.get(config3.id));
      nets[2] = [p3, again];
      assert.equal(((await h[2].docker.getNetwork(again.id).inspect()) as any).Name, `${name}-config`);
    } finally {
      for (const id of services)
        await h[0].docker
          .getService(id)
          .remove()
          .catch(() => undefined);
      // The service's tasks go before the network can.
      const left = async (): Promise<number> =>
        (await h[0].docker.listTasks({ filters: { service: services } }).catch(() => [])).length;
      for (let i = 0; i < 60 && services.length > 0 && (await left()) > 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
      }
      while (nets.length) {
        const [p, n] = nets.pop()!;
        await destroy(p, n);
      }
      for (const n of swarm.reverse()) await destroy(swarmNodeProvider, n);
    }
  });

  it("swarm-wide verify: a node whose configuration is not on the LAN fails the create naming its pairs and the LAN's likely causes; nothing is left", async () => {
    const swarm: Created[] = [];
    const name = `slanbad-${RUN_ID}`;
    try {
      await swarmOfLab(swarm);
      for (const i of [0, 1, 2]) {
        // The third node's configuration names a subnet that is not the LAN's.
        const pools = i < 2 ? [pool(i)] : [{ subnet: "10.238.60.0/24", ipRange: "10.238.60.128/28" }];
        await network(macvlan, {
          name: `${name}-config`,
          configOnly: true,
          parent: "eth0",
          ipamConfigs: pools,
          connection: conn(h[i]),
        });
      }
      const before = (await h[0].docker.listNetworks()).map((n) => n.Id).sort();
      await assert.rejects(
        network(macvlan, {
          name,
          configFrom: `${name}-config`,
          labels: undefined,
          connection: conn(h[0]),
          verify: { hosts: h.map(conn), image: TEST_IMAGE, timeoutSeconds: 2 },
        }),
        (e: Error) => {
          console.log(`      ${e.message}`);
          assert.match(
            e.message,
            new RegExp(`^MacvlanNetwork LAN network "${name}" does not carry traffic between 4 of 6 host pairs: `),
          );
          assert.match(
            e.message,
            new RegExp(
              `${h[0].hostname} -> ${h[2].hostname}: by name \\w+, by address failed; no reply by LAN address: .*wrong parent, or a subnet that is not the LAN's.*promiscuous mode`,
            ),
          );
          assert.doesNotMatch(
            e.message,
            new RegExp(`${h[0].hostname} -> ${h[1].hostname}:`),
            "a pair that works is not named",
          );
          assert.match(e.message, /Nothing was left: the network and its probes are removed/);
          return true;
        },
      );
      assert.deepEqual((await h[0].docker.listNetworks()).map((n) => n.Id).sort(), before, "the network is removed");
      assert.deepEqual(await h[0].docker.listServices(), [], "no probe service left");
    } finally {
      while (nets.length) {
        const [p, n] = nets.pop()!;
        await destroy(p, n);
      }
      for (const n of swarm.reverse()) await destroy(swarmNodeProvider, n);
    }
  });
});
