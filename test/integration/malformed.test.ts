/**
 * The inputs `check` refuses because the engine would (test/unit/malformed.test.ts has every
 * row's message), sent to a real engine with check bypassed: the engine must refuse each, so that
 * the rule is the engine's and not a guess; and what check lets through, the engine must take.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { Engine } from "../../provider/engine/engine";
import { sameAddress } from "../../provider/model/cidr";
import { defaultGateway, type EndpointSpec, type NetworkInfo, type NetworkSpec } from "../../provider/model/model";
import { atLeast } from "../../provider/model/engineFeatures";
import { providers } from "../../provider/providers/dynamic/impl";
import { removeContainers, RUN_ID, startContainer, TEST_IMAGE, TEST_LABEL } from "../support/fixtures";
import { testEngine } from "../support/hooks";

/* eslint-disable @typescript-eslint/no-explicit-any -- provider property bags */

const labels = { [TEST_LABEL]: RUN_ID };

/** [what, a BridgeNetwork's inputs]: refused by check, and by the engine. */
const refusedNetworks: [string, object][] = [
  ["gateway on the network address", { ipamConfigs: [{ subnet: "10.243.1.0/24", gateway: "10.243.1.0" }] }],
  ["gateway on the broadcast address", { ipamConfigs: [{ subnet: "10.243.1.0/24", gateway: "10.243.1.255" }] }],
  [
    "aux address on the gateway",
    { ipamConfigs: [{ subnet: "10.243.1.0/24", gateway: "10.243.1.1", auxAddresses: { r: "10.243.1.1" } }] },
  ],
  ["two IPv4 pools on one bridge", { ipamConfigs: [{ subnet: "10.243.1.0/24" }, { subnet: "10.243.2.0/24" }] }],
  ["MTU option abc", { options: { "com.docker.network.driver.mtu": "abc" } }],
  ["enable_icc option maybe", { options: { "com.docker.network.bridge.enable_icc": "maybe" } }],
  ["the name bridge", { name: "bridge" }],
  ["the name host", { name: "host" }],
  ["the name none", { name: "none" }],
];

/** [what, a BridgeNetwork's inputs]: passed by check, and taken by the engine. */
const acceptedNetworks: [string, object][] = [
  [
    "an IPv4 and an IPv6 pool",
    { ipv6: true, ipamConfigs: [{ subnet: "10.243.3.0/24" }, { subnet: "fd00:243:3::/64" }] },
  ],
  ["a gateway on the last host address", { ipamConfigs: [{ subnet: "10.243.4.0/24", gateway: "10.243.4.254" }] }],
  [
    "flags and MTU as raw options, in Go's spellings",
    { options: { "com.docker.network.driver.mtu": "1400", "com.docker.network.bridge.enable_icc": "False" } },
  ],
];

const BRIDGE = providers.BridgeNetwork;
const ATTACHMENT = providers.NetworkAttachment;

async function checkFailures(provider: typeof BRIDGE, inputs: object): Promise<string[]> {
  const r: any = await provider.check!({}, inputs);
  return (r.failures ?? []).map((f: { reason: string }) => f.reason);
}

describe("what check refuses, the engine refuses too (check bypassed)", function () {
  const engine = (): Engine => Engine.connect({ host: testEngine().host });
  const spec = (inputs: object): NetworkSpec =>
    ({ name: `pdn-bad-${RUN_ID}`, driver: "bridge", labels, ...inputs }) as NetworkSpec;

  for (const [what, inputs] of refusedNetworks) {
    it(`BridgeNetwork: ${what}`, async () => {
      assert.equal((await checkFailures(BRIDGE, { autoNamePrefix: "bad", ...inputs })).length, 1, "check refuses it");
      let made: string | undefined;
      await assert.rejects(
        engine()
          .createNetwork(spec(inputs))
          .then((n) => void (made = n.id)),
        (e: Error) => {
          console.log(`      engine: ${e.message.replace(/^docker network create \S+ on \S+: /, "")}`);
          return true;
        },
      );
      if (made) await engine().removeNetwork(made);
    });
  }

  for (const [what, inputs] of acceptedNetworks) {
    it(`BridgeNetwork: ${what} passes check, and the engine takes it`, async () => {
      assert.deepEqual(await checkFailures(BRIDGE, { autoNamePrefix: "ok", ...inputs }), []);
      const made = await engine().createNetwork(spec(inputs));
      await engine().removeNetwork(made.id);
    });
  }

  it("an ipRange with host bits: check refuses it on every engine; Engines 26.1 and later refuse it at create, 20.10 takes it silently", async () => {
    const inputs = { ipamConfigs: [{ subnet: "10.243.9.0/24", ipRange: "10.243.9.1/26" }] };
    assert.deepEqual(await checkFailures(BRIDGE, { autoNamePrefix: "bad", ...inputs }), [
      'ipamConfigs[0].ipRange "10.243.9.1/26" has host bits set: use 10.243.9.0/26, the range that prefix aligns to',
    ]);
    const { version, apiVersion } = testEngine();
    let made: NetworkInfo | undefined;
    const refusal = await engine()
      .createNetwork(spec(inputs))
      .then((n) => void (made = n))
      .catch((e: Error) => e.message);
    if (made) await engine().removeNetwork(made.id);
    console.log(`      engine ${version}: ${refusal ?? `took it, range ${made?.ipamConfigs[0]?.ipRange}`}`);
    if (atLeast({ version, apiVersion }, "26.0")) assert.ok(refusal, "Engines 26.1 and later refuse it");
    else assert.ok(made, "older engines take it");
  });

  it("the gateway the engine takes when none is declared is the one check assumes", async () => {
    // Inspect shows only the pools as declared; a container's endpoint shows the gateway it got.
    const probe = await startContainer(testEngine().docker, "bad-gw");
    try {
      for (const pool of [
        { subnet: "10.243.6.0/24" },
        { subnet: "10.243.7.0/24", ipRange: "10.243.7.128/25" },
        { subnet: "fd00:243:8::/64" },
      ]) {
        const v6 = pool.subnet.includes(":");
        const made = await engine().createNetwork(spec({ ipv6: v6, ipamConfigs: [pool] }));
        try {
          await engine().connect(made.id, probe.id, {});
          const e = (await probe.inspect()).NetworkSettings.Networks[made.name];
          const got = v6 ? e.IPv6Gateway : e.Gateway;
          assert.ok(sameAddress(got, defaultGateway(pool)), `${JSON.stringify(pool)}: the engine took ${got}`);
        } finally {
          await engine().disconnect(made.id, probe.id, true);
          await engine().removeNetwork(made.id);
        }
      }
    } finally {
      await removeContainers([probe]);
    }
  });

  describe("NetworkAttachment", () => {
    const containers: Docker.Container[] = [];
    let network: { id: string; gateway: string } | undefined;
    before(async () => {
      const n = await engine().createNetwork(spec({ ipamConfigs: [{ subnet: "10.243.5.0/24" }] }));
      network = { id: n.id, gateway: defaultGateway({ subnet: "10.243.5.0/24" })! };
      // One container on the test network only (so that bridge rows meet the engine's rule, not
      // "already connected"), one on the default bridge only (for the test network's rows).
      const docker = testEngine().docker;
      const onNetwork = await docker.createContainer({
        name: `bad-attach-net-${RUN_ID}`,
        Image: TEST_IMAGE,
        Cmd: ["sleep", "3600"],
        Labels: labels,
        HostConfig: { NetworkMode: n.name },
      });
      containers.push(onNetwork);
      await onNetwork.start();
      containers.push(await startContainer(docker, "bad-attach-bridge"));
    });
    after(async () => {
      await removeContainers(containers);
      if (network) await engine().removeNetwork(network.id);
    });

    /** [what, the container, the attachment's inputs, the endpoint sent when check is bypassed, the engine's words]. */
    const rows = (): [string, number, object, string, EndpointSpec, RegExp][] => [
      ["to host", 0, { network: "host" }, "host", {}, /host network/],
      ["to none", 0, { network: "none" }, "none", {}, /none|private|host network/],
      [
        "to bridge with an alias",
        0,
        { network: "bridge", aliases: ["a"] },
        "bridge",
        { aliases: ["a"] },
        // Engine 29: "network-scoped aliases are only supported for user-defined networks".
        /alias(es)? (is|are) (supported )?only (supported )?for (containers in )?user[ -]defined networks/,
      ],
      [
        "to bridge with a static address",
        0,
        { network: "bridge", ipv4Address: "172.17.0.200" },
        "bridge",
        { ipv4Address: "172.17.0.200" },
        // Engine 29 hyphenates: "user-specified IP address is supported on user-defined networks only".
        /user[ -]specified IP address is supported on user[ -]defined networks only/,
      ],
      [
        "on the network's gateway",
        1,
        {
          network: network!.id,
          ipv4Address: network!.gateway,
          networkSubnets: ["10.243.5.0/24"],
          networkGateways: [network!.gateway],
        },
        network!.id,
        { ipv4Address: network!.gateway },
        /in use|already|gateway/i,
      ],
    ];

    it("each is refused by check and by the engine", async () => {
      for (const [what, which, inputs, target, endpoint, words] of rows()) {
        const container = containers[which].id;
        const failures = await checkFailures(ATTACHMENT, { container, ...inputs });
        assert.equal(failures.length, 1, `check refuses ${what}: ${JSON.stringify(failures)}`);
        await assert.rejects(engine().connect(target, container, endpoint), (e: Error) => {
          console.log(`      ${what}: ${e.message.replace(/^docker network connect \S+ \S+ on \S+: /, "")}`);
          assert.match(e.message, words);
          return true;
        });
      }
      // (The refused connect on the test network leaves the engine's own stale entry in the
      // second container's settings, which attachmentProvider undoes; check spares the user that.)
      const seen = await containers[0].inspect();
      assert.deepEqual(Object.keys(seen.NetworkSettings.Networks), [`pdn-bad-${RUN_ID}`], "nothing was connected");
    });
  });
});
