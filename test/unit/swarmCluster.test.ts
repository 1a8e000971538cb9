/**
 * SwarmCluster wiring under Pulumi's mocks (no engine, no CLI): which node inits, which join as
 * managers or workers with which token, in what order, and what each gets as managerConnection.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-explicit-any -- mock inputs are property bags */

const created: Record<string, { inputs: any; dependsOnIndex?: number }> = {};
const TOKENS = { workerToken: "SWMTKN-1-worker", managerToken: "SWMTKN-1-manager" };

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecretValue = (v: any): boolean => v?.[SIG] === SECRET_SIG;

function outputValue<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("SwarmCluster wiring (Pulumi mocks)", function () {
  this.timeout(30_000);
  let lib: typeof import("../../provider");

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          if (args.type.endsWith(":SwarmNode")) {
            created[args.name] = { inputs: args.inputs };
            const init = args.inputs.join === undefined;
            return {
              id: `node-${args.name}`,
              state: {
                ...args.inputs,
                role: init ? "manager" : "worker",
                managerAddress: init ? "192.0.2.1:2377" : undefined,
                ...(init ? TOKENS : {}),
              },
            };
          }
          created[args.name] = { inputs: args.inputs };
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
    lib = await import("../../provider");
  });

  it("the first host inits; the next managers-1 join with the manager token, the rest with the worker token", async () => {
    const hosts = ["a", "b", "c", "d"].map((x, i) => ({
      connection: { host: `unix:///${x}.sock` },
      advertiseAddr: `192.0.2.${i + 1}`,
    }));
    const cluster = new lib.SwarmCluster("c", { hosts, managers: 2, defaultAddrPool: ["10.20.0.0/16"] });
    assert.equal(cluster.nodes.length, 4);
    await outputValue(pulumi.all(cluster.nodes.map((n) => n.nodeId)));
    const [n0, n1, n2, n3] = ["c-node-0", "c-node-1", "c-node-2", "c-node-3"].map((n) => created[n].inputs);
    assert.equal(n0.join, undefined);
    assert.equal(n0.forceLeave, true, "destroying the cluster ends the swarm");
    assert.deepEqual(n0.defaultAddrPool, ["10.20.0.0/16"]);
    for (const n of [n1, n2, n3]) assert.ok(isSecretValue(n.join), "join (with its token) is a secret input");
    assert.deepEqual(n1.join.value, { remoteAddrs: ["192.0.2.1:2377"], token: TOKENS.managerToken });
    for (const w of [n2, n3]) {
      assert.deepEqual(w.join.value, { remoteAddrs: ["192.0.2.1:2377"], token: TOKENS.workerToken });
    }
    for (const n of [n1, n2, n3]) assert.deepEqual(n.managerConnection, { host: "unix:///a.sock" });
    assert.equal(await outputValue(cluster.workerToken), TOKENS.workerToken);
    // Mocks do not apply additionalSecretOutputs: the e2e swarm stack checks the tokens are secret.
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nk\n-----END OPENSSH PRIVATE KEY-----\n";
    const keyed = new lib.SwarmCluster("k", {
      hosts: [
        { connection: { host: "ssh://a" }, advertiseAddr: "192.0.2.1" },
        { connection: { host: "ssh://b", keyMaterial: key }, advertiseAddr: "192.0.2.2" },
      ],
    });
    const ov = new lib.OverlayNetwork("ov", { swarm: keyed });
    await outputValue(ov.networkId);
    const nodeConnections = created.ov?.inputs.nodeConnections;
    assert.ok(isSecretValue(nodeConnections), "a host's key material makes the node connections secret");
    assert.deepEqual(nodeConnections.value, [{ host: "ssh://a" }, { host: "ssh://b", keyMaterial: key }]);
  });

  it("refuses an empty host list and a managers count outside 1..hosts", () => {
    const refused = (e: unknown, re: RegExp): boolean => {
      assert.ok(e instanceof pulumi.ResourceError && e.hideStack, "a ResourceError that hides its stack");
      assert.match(e.message, re);
      return true;
    };
    assert.throws(
      () => new lib.SwarmCluster("e", { hosts: [] }),
      (e) => refused(e, /SwarmCluster "e": hosts is empty/),
    );
    const hosts = [{ advertiseAddr: "192.0.2.1" }];
    assert.throws(
      () => new lib.SwarmCluster("m", { hosts, managers: 2 }),
      (e) => refused(e, /SwarmCluster "m": managers 2 must be a whole number from 1 to the number of hosts \(1\)/),
    );
  });
});
