/**
 * Engine 28's networking, proven inside containers: which network gives a container its default
 * route (gwPriority), IPv6-only networks (enableIpv4: false), and what a bridge's gateway mode lets
 * another host reach. On an engine too old for a setting, the same test proves that create refuses
 * it before anything changes, naming the field, the engine's version and the one it needs. Runs on
 * the engine PDN_ENGINE names (and a two-host lab of the same version).
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { atLeast, describeEngine, type EngineVersion } from "../../provider/model/engineFeatures";
import { providers } from "../../provider/providers/dynamic/impl";
import { exec, removeContainers, RUN_ID, startContainer, TEST_LABEL } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { versionOf } from "../support/engine";
import { labLeftovers, startLab, type Lab } from "../support/lab";
import { checked, create, destroy, type Created } from "../support/lifecycle";

const net = providers.BridgeNetwork;
const att = providers.NetworkAttachment;
const labels = { [TEST_LABEL]: RUN_ID };

/** The container's default route's gateway, as `ip route` inside it shows it. */
async function defaultGateway(docker: Docker, container: string): Promise<string> {
  const { output } = await exec(docker, container, ["ip", "route"]);
  return /^default via (\S+)/m.exec(output)?.[1] ?? "(none)";
}

/** Asserts `attempt` is refused for `field`, naming the engine's version and the one needed, and nothing changed. */
async function refusedBeforeAnyChange(
  docker: Docker,
  version: EngineVersion,
  attempt: () => Promise<unknown>,
  field: RegExp,
  since: string,
): Promise<void> {
  const before = (await docker.listNetworks()).map((n) => n.Id).sort();
  await assert.rejects(attempt(), (e: Error) => {
    assert.match(e.message, field);
    assert.ok(e.message.includes(`needs Docker Engine ${since} or later`), e.message);
    assert.ok(e.message.includes(`is ${describeEngine(version)}.`), e.message);
    assert.match(e.message, /Nothing was changed/);
    return true;
  });
  assert.deepEqual((await docker.listNetworks()).map((n) => n.Id).sort(), before, "a network was created");
}

describe("Engine 28 networking, or a refusal before any change on older engines", function () {
  this.timeout(180_000);
  const nets: Created[] = [];
  const atts: Created[] = [];
  const containers: Docker.Container[] = [];
  afterEach(async () => {
    while (atts.length) await destroy(att, atts.pop());
    while (nets.length) await destroy(net, nets.pop());
    await removeContainers(containers.splice(0));
  });
  const createNet = async (args: object): Promise<Created> => {
    const r = await create(net, { autoNamePrefix: "e28", labels, ...args });
    nets.push(r);
    return r;
  };
  const attach = async (args: object): Promise<Created> => {
    const r = await create(att, args);
    atts.push(r);
    return r;
  };

  it("gwPriority: the network with the highest priority gives the default route, in place of the first by name (Engine 28+)", async () => {
    const version = testEngine();
    const { docker } = version;
    const c = await startContainer(docker, "e28-gw");
    containers.push(c);
    const low = await createNet({ ipamConfigs: [{ subnet: "10.242.1.0/24", gateway: "10.242.1.1" }] });
    const high = await createNet({ ipamConfigs: [{ subnet: "10.242.2.0/24", gateway: "10.242.2.1" }] });
    // Started on the default bridge, whose name sorts first: its gateway is the default route.
    const bridgeGateway = (await c.inspect()).NetworkSettings.Networks.bridge.Gateway;
    await attach({ network: low.outs.name, container: c.id });
    assert.equal(await defaultGateway(docker, c.id), bridgeGateway);
    const prioritised = { network: high.outs.name, container: c.id, gwPriority: 10 };
    if (!atLeast(version, "28.0")) {
      await refusedBeforeAnyChange(
        docker,
        version,
        () => create(att, prioritised),
        /gwPriority: 10 \(docker network connect --gw-priority\)/,
        "28.0",
      );
      assert.deepEqual(Object.keys((await c.inspect()).NetworkSettings.Networks).sort(), ["bridge", low.outs.name]);
      return;
    }
    const a = await attach(prioritised);
    assert.equal(await defaultGateway(docker, c.id), "10.242.2.1");
    assert.equal(a.outs.gwPriority, 10);
    // The types dockerode ships predate Engine 28's fields.
    const endpoint = (await c.inspect()).NetworkSettings.Networks[high.outs.name] as { GwPriority?: number };
    assert.equal(endpoint.GwPriority, 10);
    // Refresh sees no drift; a new priority reconnects.
    const read = await att.read!(a.id, a.outs);
    assert.equal(read.props.gwPriority, 10);
    assert.equal((await att.diff!(a.id, read.props, await checked(att, prioritised))).changes, false);
    const d = await att.diff!(a.id, read.props, await checked(att, { ...prioritised, gwPriority: 0 }));
    assert.deepEqual(d.replaces, ["gwPriority"]);
    await destroy(att, atts.pop());
    assert.equal(await defaultGateway(docker, c.id), bridgeGateway);
  });

  it("enableIpv4: false: an IPv6-only network; its containers have no IPv4 address on it and reach each other over IPv6 (Engine 28+)", async () => {
    const version = testEngine();
    const { docker } = version;
    const declaration = { ipv6: true, enableIpv4: false, ipamConfigs: [{ subnet: "fd00:242:3::/64" }] };
    if (!atLeast(version, "28.0")) {
      await refusedBeforeAnyChange(
        docker,
        version,
        () => create(net, { autoNamePrefix: "e28", labels, ...declaration }),
        /enableIpv4: false \(docker network create --ipv4=false\)/,
        "28.0",
      );
      return;
    }
    const n = await createNet(declaration);
    const inspect = (await docker.getNetwork(n.id).inspect()) as Docker.NetworkInspectInfo & { EnableIPv4?: boolean };
    assert.equal(inspect.EnableIPv4, false);
    assert.deepEqual(
      inspect.IPAM?.Config?.map((p) => p.Subnet),
      ["fd00:242:3::/64"],
    );
    assert.equal(n.outs.enableIpv4, false);
    const [c1, c2] = await Promise.all([startContainer(docker, "e28-v6a"), startContainer(docker, "e28-v6b")]);
    containers.push(c1, c2);
    const [a1, a2] = [
      await attach({ network: n.id, container: c1.id }),
      await attach({ network: n.id, container: c2.id }),
    ];
    assert.equal(a1.outs.ipv4Address, "");
    assert.match(a2.outs.ipv6Address, /^fd00:242:3::/);
    const v4 = await exec(docker, c1.id, ["sh", "-c", "ip -4 addr show | grep -c 'inet ' || true"]);
    // Only lo and the default bridge's eth0 carry IPv4.
    assert.equal(v4.output.trim(), "2");
    const ping = await exec(docker, c1.id, ["ping", "-c", "1", "-W", "3", a2.outs.ipv6Address]);
    assert.equal(ping.code, 0, ping.output);
    const read = await net.read!(n.id, n.outs);
    assert.equal(
      (
        await net.diff!(
          n.id,
          read.props,
          await checked(net, { autoNamePrefix: "e28", labels, ...declaration, name: n.outs.name }),
        )
      ).changes,
      false,
    );
  });
});

describe("bridge gateway modes: what another host reaches", function () {
  this.timeout(240_000);
  let lab: Lab;
  const made: Created[] = [];
  const containers: Docker.Container[] = [];

  before(async () => {
    lab = await startLab(2);
  });
  afterEach(async () => {
    await removeContainers(containers.splice(0));
    while (made.length) await destroy(net, made.pop());
  });
  after(async () => {
    await lab.stop();
    assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
  });

  // The second host routes the network's subnet to the first, as a router in front of it would,
  // then pings a container on it directly (no port published).
  const cases = [
    { mode: "nat", since: "27.0", reached: false },
    { mode: "nat-unprotected", since: "28.0", reached: true },
    { mode: "routed", since: "27.0", reached: true },
  ] as const;
  for (const [i, { mode, since, reached }] of cases.entries()) {
    it(`gatewayModeIpv4 "${mode}": a container ${reached ? "is" : "is not"} reachable by its address from another host (Engine ${since}+; refused before any change on older engines)`, async () => {
      const [h1] = lab.hosts;
      const version = await versionOf(h1.docker);
      const subnet = `10.242.${10 + i}.0/24`;
      const declaration = {
        autoNamePrefix: "gwm",
        labels,
        ipamConfigs: [{ subnet }],
        gatewayModeIpv4: mode,
        connection: { host: h1.host },
      };
      if (!atLeast(version, since)) {
        await refusedBeforeAnyChange(
          h1.docker,
          version,
          () => create(net, declaration),
          new RegExp(
            `gatewayModeIpv4: "${mode}" \\(--opt com\\.docker\\.network\\.bridge\\.gateway_mode_ipv4=${mode}\\)`,
          ),
          since,
        );
        return;
      }
      const r = await create(net, declaration);
      made.push(r);
      assert.equal(
        (await h1.docker.getNetwork(r.id).inspect()).Options?.["com.docker.network.bridge.gateway_mode_ipv4"],
        mode,
      );
      const c = await startContainer(h1.docker, `gwm-${mode}`);
      containers.push(c);
      await h1.docker.getNetwork(r.id).connect({ Container: c.id });
      const address = (await c.inspect()).NetworkSettings.Networks[r.outs.name].IPAddress;
      assert.ok(lab.inHost(1, "ip", "route", "replace", subnet, "via", h1.address), "route on the second host");
      try {
        assert.equal(lab.inHost(1, "/bin/busybox", "ping", "-c", "1", "-W", "2", address), reached);
      } finally {
        lab.inHost(1, "ip", "route", "del", subnet);
      }
    });
  }

  it('gatewayModeIpv4 "isolated" on an internal network: no address on the host, so the container reaches no gateway (Engine 28.0+; refused before any change on older engines)', async () => {
    const [h1] = lab.hosts;
    const version = await versionOf(h1.docker);
    const declaration = {
      autoNamePrefix: "gwm",
      labels,
      internal: true,
      ipamConfigs: [{ subnet: "10.242.20.0/24", gateway: "10.242.20.1" }],
      connection: { host: h1.host },
    };
    if (!atLeast(version, "28.0")) {
      await refusedBeforeAnyChange(
        h1.docker,
        version,
        () => create(net, { ...declaration, gatewayModeIpv4: "isolated" }),
        /gatewayModeIpv4: "isolated"/,
        "28.0",
      );
      return;
    }
    // The same internal network with and without the mode: only the plain one has the gateway on the host.
    for (const isolated of [false, true]) {
      const r = await create(net, isolated ? { ...declaration, gatewayModeIpv4: "isolated" } : declaration);
      made.push(r);
      const c = await startContainer(h1.docker, `gwm-iso-${isolated}`);
      containers.push(c);
      await h1.docker.getNetwork(r.id).connect({ Container: c.id });
      const ping = await exec(h1.docker, c.id, ["ping", "-c", "1", "-W", "2", "10.242.20.1"]);
      assert.equal(ping.code === 0, !isolated, `isolated ${isolated}: ${ping.output}`);
      await removeContainers(containers.splice(0));
      await destroy(net, made.pop());
    }
  });
});
