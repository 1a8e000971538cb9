/**
 * The provider plugin's pure parts: the wire form of property values, URNs, the schema generated
 * from the TypeScript declarations, and the plugin's check against the library's providers (no
 * engine is reached: check never calls one).
 */
import * as assert from "node:assert/strict";
import { schema } from "../../scripts/schema";
import { RESOURCES } from "../../provider/plugin/catalog";
import { pluginProvider } from "../../provider/plugin/adapter";
import { decode, decodeProps, encodeProps, parseUrn, ResourceRef, UNKNOWN } from "../../provider/plugin/wire";

/* eslint-disable @typescript-eslint/no-explicit-any -- wire values and schema JSON */

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown): any => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
const ref = (urn: string, id?: string): any => ({
  [SIG]: "5cf8f73096256a8f31e491e813e4eb8e",
  urn,
  ...(id ? { id } : {}),
});
const urnOf = (type: string, name: string, parents = ""): string =>
  `urn:pulumi:dev::proj::${parents ? `${parents}$` : ""}docker-networking:index:${type}::${name}`;

describe("provider plugin", function () {
  this.timeout(60_000);
  const spec = schema("0.0.0-test");

  describe("wire values", () => {
    it("secrets unwrap at any depth and mark their top-level key; output values too; unknown outputs are the sentinel", () => {
      const { values, secrets } = decodeProps({
        connection: { host: "tcp://h:2376", keyMaterial: secret("KEY") },
        labels: { a: "b" },
        name: { [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: "n", secret: true },
        mtu: { [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4" },
      });
      assert.deepEqual(values, {
        connection: { host: "tcp://h:2376", keyMaterial: "KEY" },
        labels: { a: "b" },
        name: "n",
        mtu: UNKNOWN,
      });
      assert.deepEqual([...secrets].sort(), ["connection", "name"]);
    });

    it("a resource reference becomes a ResourceRef and goes back as one; secret keys are wrapped, unknowns never", () => {
      const r = decode(ref("urn:x", "id-1")).value;
      assert.ok(r instanceof ResourceRef);
      assert.deepEqual([r.urn, r.id], ["urn:x", "id-1"]);
      assert.deepEqual(encodeProps({ a: r, t: "tok", u: UNKNOWN, gone: undefined }, new Set(["t", "u"])), {
        a: ref("urn:x", "id-1"),
        t: secret("tok"),
        u: UNKNOWN,
      });
    });

    it("URNs: stack, project, type, parent types and a name with colons", () => {
      assert.deepEqual(parseUrn(urnOf("SwarmNode", "c-node-0", "docker-networking:index:SwarmCluster")), {
        stack: "dev",
        project: "proj",
        type: "docker-networking:index:SwarmNode",
        parents: "docker-networking:index:SwarmCluster",
        name: "c-node-0",
      });
      assert.equal(parseUrn(urnOf("BridgeNetwork", "a::b")).name, "a::b");
    });
  });

  describe("schema from the TypeScript declarations", () => {
    it("has every resource and function, every input described with its default or CLI twin", () => {
      for (const r of RESOURCES) {
        const res = spec.resources[`docker-networking:index:${r.name}`];
        assert.ok(res, r.name);
        assert.ok(res.description, `${r.name} has a description`);
        for (const [k, p] of Object.entries<any>(res.inputProperties))
          assert.ok(p.description, `${r.name}.${k} is described`);
      }
      assert.deepEqual(Object.keys(spec.functions).sort(), [
        "docker-networking:index:getNetwork",
        "docker-networking:index:getSwarm",
        "docker-networking:index:getTopology",
        "docker-networking:index:listNetworks",
      ]);
      const bridge = spec.resources["docker-networking:index:BridgeNetwork"];
      assert.match(bridge.inputProperties.mtu.description, /--opt com\.docker\.network\.driver\.mtu.*Default: 1500/);
      assert.deepEqual(bridge.inputProperties.ipamConfigs, {
        type: "array",
        items: { $ref: "#/types/docker-networking:index:IpamConfig" },
        description: bridge.inputProperties.ipamConfigs.description,
      });
      assert.deepEqual(spec.types["docker-networking:index:IpamConfig"].required, ["subnet"]);
    });

    it("marks the swarm's tokens secret, references resources where TypeScript takes them, and SwarmCluster a component", () => {
      const node = spec.resources["docker-networking:index:SwarmNode"];
      for (const k of ["workerToken", "managerToken", "unlockKey"]) assert.equal(node.properties[k].secret, true, k);
      const attachment = spec.resources["docker-networking:index:NetworkAttachment"];
      assert.deepEqual(
        attachment.inputProperties.network.oneOf.map((t: any) => t.type ?? t.$ref),
        [
          "string",
          ...["Bridge", "Overlay", "Macvlan", "Ipvlan"].map((k) => `#/resources/docker-networking:index:${k}Network`),
        ],
      );
      assert.equal(spec.resources["docker-networking:index:SwarmCluster"].isComponent, true);
      assert.deepEqual(spec.resources["docker-networking:index:SwarmCluster"].requiredInputs, ["hosts"]);
    });

    it("every input a resource's schema declares is an argument its provider takes", async () => {
      const plugin = pluginProvider("0.0.0-test", JSON.stringify(spec));
      for (const r of RESOURCES.filter((x) => !x.component)) {
        const inputs = Object.fromEntries(
          Object.keys(spec.resources[`docker-networking:index:${r.name}`].inputProperties).map((k) => [k, UNKNOWN]),
        );
        const { failures } = await plugin.check!(urnOf(r.name, `all-${r.name}`), {}, inputs);
        const unknown = (failures ?? []).filter((f) => /unknown argument/.test(f.reason));
        assert.deepEqual(unknown, [], r.name);
      }
    });
  });

  describe("check: what the TypeScript classes compute in a program", () => {
    it("a network gets the owner and auto-name of a TypeScript one; an attachment by reference gets its pools, name and engine", async () => {
      const plugin = pluginProvider("0.0.0-test", JSON.stringify(spec));
      const netUrn = urnOf("BridgeNetwork", "app");
      const net = await plugin.check!(
        netUrn,
        {},
        {
          ipamConfigs: [{ subnet: "10.250.20.0/24" }],
          connection: { host: "unix:///tmp/x.sock" },
        },
      );
      assert.deepEqual(net.failures ?? [], []);
      assert.equal(net.inputs.owner, "proj/dev/BridgeNetwork/app");
      assert.match(net.inputs.name, /^app-[0-9a-f]{7}$/);

      const att = await plugin.check!(
        urnOf("NetworkAttachment", "a"),
        {},
        {
          network: ref(netUrn),
          container: "c",
          ipv4Address: "10.250.99.5",
        },
      );
      assert.equal(att.inputs.network, UNKNOWN, "the network's ID, not known before it exists");
      assert.deepEqual(att.inputs.networkResource, { kind: "BridgeNetwork", name: net.inputs.name });
      assert.deepEqual(att.inputs.networkSubnets, ["10.250.20.0/24"]);
      assert.deepEqual(att.inputs.connection, { host: "unix:///tmp/x.sock" });
      assert.match(
        att.failures!.map((f) => f.reason).join("\n"),
        /10\.250\.99\.5 is outside the network's subnets \(10\.250\.20\.0\/24\)/,
      );
    });

    it("key material makes the connection secret in the checked inputs, as connectionInput does", async () => {
      const plugin = pluginProvider("0.0.0-test", JSON.stringify(spec));
      const { inputs } = await plugin.check!(
        urnOf("BridgeNetwork", "k"),
        {},
        {
          connection: {
            host: "ssh://u@h",
            keyMaterial: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----",
          },
        },
      );
      assert.equal(inputs.connection[SIG], "1b47061264138c4ac30d75fd1eb44270");
    });
  });
});
