import * as assert from "node:assert/strict";
import { providers } from "../../provider/providers/dynamic/impl";
import { exec, RUN_ID, startContainer, removeContainers, TEST_IMAGE, TEST_LABEL } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { engineProxy } from "../support/proxy";
import { checked, create, destroy, type Created } from "../support/lifecycle";
import { getNetwork, listNetworks } from "../../provider/lookups";
import type Docker from "dockerode";

const net = providers.BridgeNetwork;
const att = providers.NetworkAttachment;
const labels = { [TEST_LABEL]: RUN_ID };

describe("BridgeNetwork on a real engine", function () {
  const made: Created[] = [];
  afterEach(async () => {
    while (made.length) await destroy(net, made.pop());
  });
  const createNet = async (args: object): Promise<Created> => {
    const r = await create(net, { autoNamePrefix: "it", labels, ...args });
    made.push(r);
    return r;
  };

  it("creates without IPAM settings: auto-named, engine-assigned pool reported", async () => {
    const r = await createNet({});
    const inspect = await testEngine().docker.getNetwork(r.id).inspect();
    assert.match(inspect.Name, /^it-[0-9a-f]{7}$/);
    assert.equal(inspect.Driver, "bridge");
    assert.equal(inspect.Labels![TEST_LABEL], RUN_ID);
    assert.equal(r.outs.name, inspect.Name);
    assert.equal(r.outs.networkId, inspect.Id);
    assert.equal(r.outs.scope, "local");
    assert.deepEqual(r.outs.ipamConfigs, [
      { subnet: inspect.IPAM!.Config![0].Subnet, gateway: inspect.IPAM!.Config![0].Gateway },
    ]);
    assert.ok(r.outs.createdAt);
  });

  it("creates with every declared field as docker network inspect shows it", async () => {
    const name = `it-full-${RUN_ID}`;
    const v4Pool = {
      subnet: "10.240.1.0/24",
      gateway: "10.240.1.254",
      ipRange: "10.240.1.128/25",
      auxAddresses: { printer: "10.240.1.10" },
    };
    const v6Pool = { subnet: "fd00:240:1::/64", gateway: "fd00:240:1::1" };
    const declaration = {
      name,
      autoNamePrefix: "it",
      ipamConfigs: [v4Pool, v6Pool],
      ipamOptions: { "com.example.opt": "x" },
      ipv6: true,
      internal: true,
      attachable: true,
      labels: { ...labels, tier: "back" },
      options: { "com.docker.network.bridge.enable_icc": "true" },
      bridgeName: `br-${RUN_ID}`.slice(0, 15),
      mtu: 1400,
      enableIpMasquerade: false,
      hostBindingIpv4: "127.0.0.1",
    };
    const r = await createNet(declaration);
    const i = await testEngine().docker.getNetwork(r.id).inspect();
    assert.equal(i.Name, name);
    assert.equal(i.Internal, true);
    assert.equal(i.Attachable, true);
    assert.equal(i.EnableIPv6, true);
    assert.deepEqual(i.IPAM!.Options, { "com.example.opt": "x" });
    assert.deepEqual(i.IPAM!.Config, [
      {
        Subnet: "10.240.1.0/24",
        Gateway: "10.240.1.254",
        IPRange: "10.240.1.128/25",
        AuxiliaryAddresses: { printer: "10.240.1.10" },
      },
      { Subnet: "fd00:240:1::/64", Gateway: "fd00:240:1::1" },
    ]);
    assert.equal(i.Labels!.tier, "back");
    assert.deepEqual(i.Options, {
      "com.docker.network.bridge.enable_icc": "true",
      "com.docker.network.bridge.name": `br-${RUN_ID}`.slice(0, 15),
      "com.docker.network.driver.mtu": "1400",
      "com.docker.network.bridge.enable_ip_masquerade": "false",
      "com.docker.network.bridge.host_binding_ipv4": "127.0.0.1",
    });
    // The same declaration, pools and labels listed in another order, diffs clean against the state.
    const again = await checked(
      net,
      { ...declaration, ipamConfigs: [v6Pool, v4Pool], labels: { tier: "back", ...labels } },
      r.outs,
    );
    assert.deepEqual(await net.diff!(r.id, r.outs, again), {
      changes: false,
      replaces: [],
      updates: [],
      deleteBeforeReplace: false,
    });
  });

  it("refresh drops a network removed out of band", async () => {
    const r = await createNet({});
    assert.equal((await net.read!(r.id, r.outs)).id, r.id);
    await testEngine().docker.getNetwork(r.id).remove();
    assert.equal((await net.read!(r.id, r.outs)).id, "");
  });

  it("adopt takes over an existing network by name and refuses one that differs", async () => {
    const name = `it-adopt-${RUN_ID}`;
    const existing = await testEngine().docker.createNetwork({
      Name: name,
      Labels: labels,
      IPAM: { Config: [{ Subnet: "10.240.9.0/24" }] },
    });
    try {
      const wrong = await checked(net, { name, adopt: true, labels, ipamConfigs: [{ subnet: "10.240.8.0/24" }] });
      await assert.rejects(net.create(wrong), /adopt found network .* ipamConfigs differ/);
      const r = await createNet({ name, adopt: true, ipamConfigs: [{ subnet: "10.240.9.0/24" }] });
      assert.equal(r.id, existing.id);
      assert.equal(r.outs.adopted, true);
    } finally {
      await existing.remove().catch(() => undefined);
    }
  });

  it("getNetwork and listNetworks return the full picture", async () => {
    const r = await createNet({ ipamConfigs: [{ subnet: "10.240.7.0/24" }], labels: { ...labels, lookup: "yes" } });
    const byName = await getNetwork({ name: r.outs.name });
    assert.equal(byName.id, r.id);
    const inspect = await testEngine().docker.getNetwork(r.id).inspect();
    // Engine 20.10 reports a declared subnet's gateway only when it was declared too.
    assert.deepEqual(
      byName.ipamConfigs,
      inspect.IPAM!.Config!.map((c) => ({ subnet: c.Subnet, ...(c.Gateway ? { gateway: c.Gateway } : {}) })),
    );
    assert.equal(byName.ipamConfigs[0].subnet, "10.240.7.0/24");
    assert.equal((await getNetwork({ id: r.id.slice(0, 12) })).name, r.outs.name);
    await assert.rejects(getNetwork({ name: `nope-${RUN_ID}` }), /no network named "nope-/);
    const listed = await listNetworks({ filters: { label: `lookup=yes` } });
    assert.deepEqual(
      listed.map((n) => n.id),
      [r.id],
    );
    assert.equal(listed[0].labels.lookup, "yes");
  });

  it("lookups by name resolve as the engine does: any character a name may hold, a full ID before a name, a name before an ID prefix", async () => {
    const docker = testEngine().docker;
    const odd = `it$%^@#-${RUN_ID}`;
    const made = await docker.createNetwork({ Name: odd, Labels: labels });
    try {
      assert.equal((await getNetwork({ name: odd })).id, made.id);
      assert.equal((await getNetwork({ name: made.id })).name, odd, "a full ID given as name");
      // A network named like the start of another's ID: the exact name wins, as in the docker CLI.
      const prefixName = made.id.slice(0, 12);
      const named = await docker.createNetwork({ Name: prefixName, Labels: labels });
      try {
        assert.equal((await getNetwork({ name: prefixName })).id, named.id);
        assert.equal((await getNetwork({ id: prefixName })).id, made.id, "by ID, the ID");
        // A network named with another's full ID: the ID wins, as in `docker network inspect`.
        const idNamed = await docker.createNetwork({ Name: named.id, Labels: labels });
        try {
          assert.equal((await getNetwork({ name: named.id })).id, named.id);
          assert.equal((await docker.getNetwork(named.id).inspect()).Id, named.id, "the engine agrees");
        } finally {
          await idNamed.remove();
        }
      } finally {
        await named.remove();
      }
    } finally {
      await made.remove();
    }
  });
});

describe("NetworkAttachment on a real engine", function () {
  let containers: Docker.Container[] = [];
  const made: { p: typeof net; r: Created }[] = [];
  afterEach(async () => {
    while (made.length) {
      const { p, r } = made.pop()!;
      await destroy(p, r);
    }
    await removeContainers(containers);
    containers = [];
  });
  const track = <T extends Created>(p: typeof net, r: T): T => (made.push({ p, r }), r);

  it("two containers attached with aliases ping each other by alias; static IPv4 honoured; detach removes the interface", async () => {
    const docker = testEngine().docker;
    const network = track(
      net,
      await create(net, { autoNamePrefix: "it", labels, ipamConfigs: [{ subnet: "10.240.2.0/24" }] }),
    );
    const [a, b] = await Promise.all([startContainer(docker, "pdn-a"), startContainer(docker, "pdn-b")]);
    containers.push(a, b);
    const attA = track(
      att,
      await create(att, {
        network: network.outs.name,
        container: a.id,
        aliases: ["alpha"],
        ipv4Address: "10.240.2.10",
      }),
    );
    track(
      att,
      await create(att, {
        network: network.id,
        container: (await b.inspect()).Name.slice(1),
        aliases: ["beta", "bravo"],
      }),
    );

    assert.equal(attA.outs.ipv4Address, "10.240.2.10");
    assert.equal(attA.outs.networkId, network.id);
    assert.equal(attA.outs.containerId, a.id);
    assert.match(attA.outs.macAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.equal(attA.outs.gateway, "10.240.2.1");
    const inspectA = await a.inspect();
    assert.equal(inspectA.NetworkSettings.Networks[network.outs.name].IPAddress, "10.240.2.10");
    assert.ok(inspectA.NetworkSettings.Networks[network.outs.name].Aliases.includes("alpha"));

    const pingB = await exec(docker, b.id, ["ping", "-c", "1", "-W", "5", "alpha"]);
    assert.equal(pingB.code, 0, pingB.output);
    assert.match(pingB.output, /10\.240\.2\.10/);
    const pingA = await exec(docker, a.id, ["ping", "-c", "1", "-W", "5", "bravo"]);
    assert.equal(pingA.code, 0, pingA.output);

    const before = await exec(docker, a.id, ["ip", "-o", "-4", "addr"]);
    assert.match(before.output, /10\.240\.2\.10/);
    await att.delete!(attA.id, attA.outs);
    const after = await exec(docker, a.id, ["ip", "-o", "-4", "addr"]);
    assert.doesNotMatch(after.output, /10\.240\.2\.10/);
    assert.equal((await a.inspect()).NetworkSettings.Networks[network.outs.name], undefined);
    assert.equal((await att.read!(attA.id, attA.outs)).id, "", "refresh drops the detached attachment");
  });

  it("24 networks and attachments at once (as `pulumi up --parallel 1024` sends them): at most 8 changes reach the engine at a time, and containers are connected as their networks appear", async () => {
    const docker = testEngine().docker;
    const proxy = engineProxy(testEngine().host);
    try {
      const connection = { host: proxy.host };
      for (let i = 0; i < 24; i++) containers.push(await startContainer(docker, `pdn-burst-${i}`));
      proxy.reset();
      const pairs = await Promise.all(
        containers.map(async (c) => {
          const network = track(net, await create(net, { autoNamePrefix: "burst", labels, connection }));
          track(att, await create(att, { network: network.id, container: c.id, connection }));
          return { network, container: c };
        }),
      );
      for (const { network, container } of pairs) {
        const attached = (await container.inspect()).NetworkSettings.Networks[network.outs.name];
        assert.equal(attached?.NetworkID, network.id, `${network.outs.name} on its container`);
      }
      const sent = proxy.requests().filter((r) => r.method === "POST");
      const lastCreate = sent.map((r) => r.route).lastIndexOf("/networks/create");
      const firstConnect = sent.findIndex((r) => /^\/networks\/[^/]+\/connect$/.test(r.route));
      assert.ok(firstConnect >= 0 && firstConnect < lastCreate, "a connect went before the last network create");
      assert.ok(proxy.peakChanges() <= 8, `${proxy.peakChanges()} changes at once`);
      assert.ok(proxy.peakChanges() > 1, "the changes did not run side by side");
    } finally {
      proxy.close();
    }
  });

  it("a connection the user made is never claimed: refused naming adopt, then adopted, then disconnected by destroy", async () => {
    const docker = testEngine().docker;
    // The user's own network and connection, as `docker run --network home` makes them.
    const home = await docker.createNetwork({ Name: `home-${RUN_ID}`, Labels: labels });
    const c = await startContainer(docker, "pdn-home");
    containers.push(c);
    try {
      await home.connect({ Container: c.id, EndpointConfig: { Aliases: ["h"] } });
      const endpoint = async (): Promise<string | undefined> =>
        (await c.inspect()).NetworkSettings.Networks[`home-${RUN_ID}`]?.EndpointID;
      const before = await endpoint();
      const declaration = { network: `home-${RUN_ID}`, container: c.id, owner: "proj/dev/NetworkAttachment/a" };
      await assert.rejects(create(att, declaration), (e: Error) => {
        assert.match(e.message, /is already attached to network "home-\S+" .*a connection this stack did not make/);
        assert.match(e.message, /Nothing was changed\. To manage it from now on, set adopt: true/);
        return true;
      });
      assert.equal(await endpoint(), before, "the user's connection is untouched");
      await assert.rejects(create(att, { ...declaration, adopt: true, aliases: ["other"] }), /its aliases differ/);
      assert.equal(await endpoint(), before);
      const adopted = await create(att, { ...declaration, adopt: true, aliases: ["h"] });
      assert.equal(adopted.outs.adopted, true);
      assert.equal(await endpoint(), before, "adopted as it is, not reconnected");
      await destroy(att, adopted);
      assert.equal(await endpoint(), undefined, "destroy disconnects an adopted connection");
    } finally {
      await home.remove();
    }
  });

  it("on a network this stack made, an existing connection is taken over (an interrupted up's); another stack's is not", async () => {
    const docker = testEngine().docker;
    const network = track(net, await create(net, { autoNamePrefix: "it", labels, owner: "proj/dev/BridgeNetwork/n" }));
    const c = await startContainer(docker, "pdn-int");
    containers.push(c);
    await docker.getNetwork(network.id).connect({ Container: c.id });
    const declaration = { network: network.id, container: c.id, aliases: ["late"] };
    await assert.rejects(
      create(att, { ...declaration, owner: "proj/prod/NetworkAttachment/a" }),
      /a connection this stack did not make/,
    );
    const taken = track(att, await create(att, { ...declaration, owner: "proj/dev/NetworkAttachment/a" }));
    assert.equal(taken.outs.adopted, false);
    // Connected again with the declared settings.
    assert.ok((await c.inspect()).NetworkSettings.Networks[network.outs.name].Aliases?.includes("late"));
  });

  it("refuses to delete a network in use, listing the containers; disconnectOnDelete disconnects them", async () => {
    const docker = testEngine().docker;
    const network = track(net, await create(net, { autoNamePrefix: "it", labels }));
    const c = await startContainer(docker, "pdn-user");
    containers.push(c);
    await docker.getNetwork(network.id).connect({ Container: c.id });
    // The container as `docker network inspect` lists it: its name and the address the engine gave it.
    const [{ Name, IPv4Address }] = Object.values((await docker.getNetwork(network.id).inspect()).Containers ?? {});
    await assert.rejects(net.delete!(network.id, network.outs), (e: Error) => {
      assert.ok(e.message.includes(`still used by 1 container(s): ${Name} (${IPv4Address})`), e.message);
      assert.match(e.message, /disconnectOnDelete: true/);
      return true;
    });
    assert.ok(await docker.getNetwork(network.id).inspect(), "network still there");
    await net.delete!(network.id, { ...network.outs, disconnectOnDelete: true });
    await assert.rejects(docker.getNetwork(network.id).inspect(), /404|no such network/i);
    assert.deepEqual(Object.keys((await c.inspect()).NetworkSettings.Networks), ["bridge"]);
  });

  it("a connect that fails leaves the container exactly as it was, and it still restarts", async () => {
    const docker = testEngine().docker;
    const network = track(
      net,
      await create(net, { autoNamePrefix: "it", labels, ipamConfigs: [{ subnet: "10.240.3.0/24" }] }),
    );
    const [holder, c] = await Promise.all([startContainer(docker, "pdn-hold"), startContainer(docker, "pdn-try")]);
    containers.push(holder, c);
    track(att, await create(att, { network: network.id, container: holder.id, ipv4Address: "10.240.3.9" }));
    const networksOf = async (): Promise<unknown> => (await c.inspect()).NetworkSettings.Networks;
    const before = await networksOf();
    // Caught before any engine change: the address is taken.
    await assert.rejects(
      create(att, { network: network.id, container: c.id, ipv4Address: "10.240.3.9" }),
      /ipv4Address 10\.240\.3\.9 is already used on network "it-[0-9a-f]{7}" by container "pdn-hold-\S+": declare a free address/,
    );
    assert.deepEqual(await networksOf(), before);
    // Refused by the engine itself (given by name or ID, check cannot know the subnet): undone, and
    // the message names the field and the network by its name, with the engine's own words.
    for (const ref of [network.outs.name, network.id]) {
      await assert.rejects(create(att, { network: ref, container: c.id, ipv4Address: "10.99.0.9" }), (e: Error) => {
        console.log(`      ${e.message}`);
        assert.match(
          e.message,
          /^NetworkAttachment of "\S+" to network "it-[0-9a-f]{7}" on \S+: ipv4Address 10\.99\.0\.9 was refused by the engine: .*10\.99\.0\.9.*\. Declare a free address inside 10\.240\.3\.0\/24, or leave ipv4Address out/,
        );
        return true;
      });
      assert.deepEqual(await networksOf(), before, "no half-written endpoint left");
    }
    await c.restart({ t: 0 });
    assert.equal((await c.inspect()).State.Running, true, "the container still restarts");
  });

  it("a created or stopped container attaches; its address appears once it runs", async () => {
    const docker = testEngine().docker;
    const network = track(
      net,
      await create(net, { autoNamePrefix: "it", labels, ipamConfigs: [{ subnet: "10.240.4.0/24" }] }),
    );
    const c = await docker.createContainer({
      name: `pdn-idle-${RUN_ID}`,
      Image: TEST_IMAGE,
      Cmd: ["sleep", "600"],
      Labels: labels,
    });
    containers.push(c);
    const a = track(
      att,
      await create(att, { network: network.id, container: c.id, ipv4Address: "10.240.4.7", aliases: ["idle"] }),
    );
    assert.equal(a.outs.ipv4Address, "10.240.4.7", "the static address, before it runs");
    assert.equal(a.outs.endpointId, "");
    const stillStopped = await att.read!(a.id, a.outs);
    assert.deepEqual(stillStopped.props, a.outs, "no drift while it is not running");
    await c.start();
    const running = await att.read!(a.id, a.outs);
    assert.equal(running.props.ipv4Address, "10.240.4.7");
    assert.notEqual(running.props.endpointId, "");
    await c.stop({ t: 0 });
    assert.deepEqual(
      (await att.read!(a.id, running.props)).props,
      running.props,
      "stopped again: the last values stand",
    );
  });

  it("refresh drops an attachment whose container was removed; create names a missing container", async () => {
    const docker = testEngine().docker;
    const network = track(net, await create(net, { autoNamePrefix: "it", labels }));
    const c = await startContainer(docker, "pdn-gone");
    const a = await create(att, { network: network.id, container: c.id });
    await c.remove({ force: true });
    assert.equal((await att.read!(a.id, a.outs)).id, "");
    await att.delete!(a.id, a.outs); // already gone: no error
    await assert.rejects(
      create(att, { network: network.id, container: `missing-${RUN_ID}` }),
      /container "missing-\S+" not found on unix:/,
    );
  });
});
