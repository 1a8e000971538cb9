/**
 * The examples that compose with other providers, run under Pulumi's mocks: @pulumi/docker's
 * provider plugin cannot be had on the build machines, so its resources are mocked; what is
 * checked is the wiring between them and this library's resources.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-explicit-any -- mock inputs are property bags */

type Seen = Record<string, { type: string; inputs: any }>;

/**
 * Runs an example program under mocks in which each resource's state is its inputs plus what
 * `outputsOf` says its provider would fill in; resolves to the resources seen and the stack
 * outputs (the module's exports, as the program runner takes them).
 */
async function runExample(
  load: () => Promise<object>,
  outputsOf: (type: string, name: string, inputs: any) => Record<string, unknown>,
): Promise<{ seen: Seen; values: any }> {
  const seen: Seen = {};
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        seen[args.name] = { type: args.type, inputs: args.inputs };
        return { id: `${args.name}-id`, state: { ...args.inputs, ...outputsOf(args.type, args.name, args.inputs) } };
      },
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
  const outputs = { ...(await load()) } as Record<string, pulumi.Output<unknown>>;
  const values = await new Promise<any>((resolve) => pulumi.all(outputs).apply(resolve));
  return { seen, values };
}

describe("examples under Pulumi mocks", function () {
  this.timeout(30_000);

  it("with-pulumi-docker: a docker.Container joins the bridge network by name; another is plugged in by attachment", async () => {
    // Loaded by package name, as a user's program loads it (the built package, by self-reference).
    const { seen, values } = await runExample(
      () => import("../../examples/with-pulumi-docker"),
      // Outputs the real providers would fill in: the network's auto-name, the container's name.
      (type, name, inputs) =>
        type.endsWith(":BridgeNetwork")
          ? { name: "backend-1a2b3c4", networkId: "n1" }
          : type === "docker:index/container:Container"
            ? { name: `${name}-c0ffee0` }
            : type.endsWith(":NetworkAttachment")
              ? { ipv4Address: inputs.ipv4Address }
              : {},
    );
    assert.deepEqual(values, { network: "backend-1a2b3c4", apiName: "api-c0ffee0", workerAddress: "10.250.20.50" });
    assert.equal(seen.api.type, "docker:index/container:Container");
    assert.deepEqual(seen.api.inputs.networksAdvanced, [{ name: "backend-1a2b3c4", aliases: ["api"] }]);
    assert.equal(seen["worker-on-backend"].type, "pulumi-nodejs:dynamic/docker-networking:NetworkAttachment");
    assert.equal(seen["worker-on-backend"].inputs.container, "worker-c0ffee0");
    assert.equal(seen["worker-on-backend"].inputs.network, "n1");
    assert.deepEqual(seen["worker-on-backend"].inputs.networkSubnets, ["10.250.20.0/24"]);
  });

  it("lan: a macvlan network per host, each with its range of the LAN; attachments on the host's network", async () => {
    pulumi.runtime.setAllConfig({
      "project:subnet": "192.0.2.0/24",
      "project:gateway": "192.0.2.1",
      "project:hosts": JSON.stringify([
        { host: "ssh://root@192.0.2.10", ipRange: "192.0.2.192/28" },
        { host: "tcp://192.0.2.11:2376", ipRange: "192.0.2.208/28", parent: "enp3s0" },
      ]),
      "project:sshKey": "KEY",
      "project:attach": JSON.stringify([{ host: 1, container: "dns", address: "192.0.2.209" }]),
    });
    const { seen, values } = await runExample(
      () => import("../../examples/lan"),
      (type, name, inputs) =>
        type.endsWith(":MacvlanNetwork")
          ? { name: `${name}-1a2b3c4`, networkId: `${name}-id` }
          : type.endsWith(":NetworkAttachment")
            ? { containerName: inputs.container, ipv4Address: inputs.ipv4Address }
            : {},
    );
    assert.deepEqual(values, { networkNames: ["lan-0-1a2b3c4", "lan-1-1a2b3c4"], addresses: ["dns 192.0.2.209"] });
    assert.deepEqual(
      [seen["lan-0"].inputs.parent, seen["lan-1"].inputs.parent, seen["lan-1"].inputs.ipamConfigs[0].ipRange],
      ["eth0", "enp3s0", "192.0.2.208/28"],
    );
    // The second network's check hears of the first, to refuse overlapping ranges.
    assert.deepEqual(
      seen["lan-1"].inputs.lanNeighbours.map((n: any) => [n.resource, n.ipamConfigs[0].ipRange]),
      [["lan-0", "192.0.2.192/28"]],
    );
    assert.equal(seen["dns-on-lan"].inputs.network, "lan-1-id");
    assert.equal(seen["dns-on-lan"].inputs.connection.host, "tcp://192.0.2.11:2376");
  });

  it("swarm: hosts from config become a SwarmCluster; the overlay and attachments use the hosts' connections", async () => {
    pulumi.runtime.setAllConfig({
      "project:hosts": JSON.stringify([
        { host: "ssh://root@192.0.2.10", advertiseAddr: "192.0.2.10" },
        { host: "tcp://192.0.2.11:2376", advertiseAddr: "192.0.2.11" },
      ]),
      "project:sshKey": "KEY",
      "project:attach": JSON.stringify([{ host: 1, container: "api", alias: "api" }]),
    });
    const { seen } = await runExample(
      () => import("../../examples/swarm"),
      (type) =>
        type.endsWith(":SwarmNode")
          ? { managerAddress: "192.0.2.10:2377", workerToken: "SWMTKN-1-w", managerToken: "SWMTKN-1-m" }
          : type.endsWith(":OverlayNetwork")
            ? { name: "mesh-1a2b3c4", networkId: "o1", ipamConfigs: [] }
            : {},
    );
    const unwrap = (v: any): any => (v && typeof v === "object" && "value" in v ? v.value : v);
    const first = seen["swarm-node-0"].inputs;
    assert.deepEqual(unwrap(first.connection), { host: "ssh://root@192.0.2.10", keyMaterial: "KEY" });
    assert.equal(first.join, undefined);
    assert.deepEqual(unwrap(seen["swarm-node-1"].inputs.join), {
      remoteAddrs: ["192.0.2.10:2377"],
      token: "SWMTKN-1-w",
    });
    assert.deepEqual(unwrap(seen.mesh.inputs.connection), unwrap(first.connection));
    assert.equal(seen.mesh.inputs.attachable, true);
    assert.deepEqual(unwrap(seen["api-on-mesh"].inputs.connection), { host: "tcp://192.0.2.11:2376" });
    assert.equal(seen["api-on-mesh"].inputs.network, "o1");
  });

  it("swarm-services: a @pulumi/docker Service on the non-attachable overlay by ID, on the manager; other services attached", async () => {
    pulumi.runtime.setAllConfig({
      "project:hosts": JSON.stringify([
        { host: "tcp://192.0.2.10:2376", advertiseAddr: "192.0.2.10" },
        { host: "tcp://192.0.2.11:2376", advertiseAddr: "192.0.2.11" },
      ]),
      "project:image": "registry.example/app:1",
      "project:attach": JSON.stringify([{ service: "shop_web", alias: "web" }]),
    });
    const { seen, values } = await runExample(
      () => import("../../examples/swarm-services"),
      (type, name, inputs) =>
        type.endsWith(":SwarmNode")
          ? { managerAddress: "192.0.2.10:2377", workerToken: "SWMTKN-1-w", clusterId: "c1" }
          : type.endsWith(":OverlayNetwork")
            ? { name: "backend-1a2b3c4", networkId: "o1", ipamConfigs: [] }
            : type === "docker:index/service:Service"
              ? { name: `${name}-c0ffee0` }
              : type.endsWith(":ServiceAttachment")
                ? { serviceName: inputs.service, virtualIp: "10.0.1.2/24" }
                : {},
    );
    const unwrap = (v: any): any => (v && typeof v === "object" && "value" in v ? v.value : v);
    assert.equal(seen.backend.inputs.attachable, undefined, "not attachable: only services use it");
    assert.deepEqual(unwrap(seen.backend.inputs.verify).hosts, [
      { host: "tcp://192.0.2.10:2376" },
      { host: "tcp://192.0.2.11:2376" },
    ]);
    assert.equal(seen.manager.type, "pulumi:providers:docker");
    assert.equal(seen.manager.inputs.host, "tcp://192.0.2.10:2376");
    assert.equal(seen.app.type, "docker:index/service:Service");
    assert.deepEqual(seen.app.inputs.taskSpec.networksAdvanceds, [{ id: "o1", aliases: ["app"] }]);
    assert.equal(seen.app.inputs.taskSpec.containerSpec.image, "registry.example/app:1");
    assert.deepEqual(seen.app.inputs.mode, { replicated: { replicas: 2 } });
    const att = seen["shop_web-on-backend"];
    assert.equal(att.type, "pulumi-nodejs:dynamic/docker-networking:ServiceAttachment");
    assert.deepEqual([att.inputs.network, att.inputs.service, att.inputs.aliases], ["o1", "shop_web", ["web"]]);
    assert.deepEqual(unwrap(att.inputs.connection), { host: "tcp://192.0.2.10:2376" });
    assert.equal(values.appName, "app-c0ffee0");
    assert.deepEqual(values.attached, [{ service: "shop_web", aliases: ["web"], virtualIp: "10.0.1.2/24" }]);
  });
});
