import * as assert from "node:assert/strict";
import { diffAttachment, diffNetwork, endpointDifferences, refersTo } from "../../provider/model/diff";
import { sameStack } from "../../provider/model/model";
import { sameAutoName } from "../../provider/model/naming";
import { UNKNOWN } from "../../provider/model/values";

// Outputs as a create leaves them: declared inputs overlaid with the engine's view.
const state = {
  name: "app-1a2b3c4",
  autoNamed: true,
  driver: "bridge",
  networkId: "f".repeat(64),
  ipamDriver: "default",
  ipamOptions: {},
  ipamConfigs: [
    { subnet: "10.10.0.0/24", gateway: "10.10.0.1" },
    { subnet: "fd00::/64", gateway: "fd00::1" },
  ],
  internal: false,
  attachable: false,
  ipv6: true,
  labels: { team: "a", env: "dev" },
  options: { "com.docker.network.driver.mtu": "1400" },
};
const declared = {
  name: "app-1a2b3c4",
  autoNamed: true,
  driver: "bridge",
  ipv6: true,
  ipamConfigs: [{ subnet: "fd00::/64" }, { subnet: "10.10.0.0/24" }],
  labels: { env: "dev", team: "a" },
  options: { "com.docker.network.driver.mtu": "1400" },
};

describe("network diff", () => {
  it("no diff for unchanged inputs: list/map order, defaults, engine-chosen values", () => {
    assert.deepEqual(diffNetwork(state, declared), {
      changes: false,
      replaces: [],
      updates: [],
      deleteBeforeReplace: false,
    });
    assert.equal(diffNetwork({ ...state }, { ...declared, ipamConfigs: undefined }).changes, false);
    assert.equal(diffNetwork(state, { ...declared, internal: false, ipamDriver: "default" }).changes, false);
  });

  it("a changed engine-side field replaces", () => {
    const d = diffNetwork(state, { ...declared, labels: { env: "prod", team: "a" }, internal: true });
    assert.deepEqual(d.replaces, ["internal", "labels"]);
    assert.deepEqual(
      diffNetwork(state, { ...declared, ipamConfigs: [{ subnet: "10.11.0.0/24" }, { subnet: "fd00::/64" }] }).replaces,
      ["ipamConfigs"],
    );
    assert.deepEqual(
      diffNetwork(state, { ...declared, options: {} }).replaces,
      ["options"],
      "a removed option is a change",
    );
  });

  it("enableIpv4: an engine before 28 reports none (IPv4 on); false replaces", () => {
    assert.equal(diffNetwork(state, { ...declared, enableIpv4: true }).changes, false, "state from before enableIpv4");
    assert.equal(diffNetwork({ ...state, enableIpv4: true }, declared).changes, false);
    assert.deepEqual(diffNetwork({ ...state, enableIpv4: true }, { ...declared, enableIpv4: false }).replaces, [
      "enableIpv4",
    ]);
  });

  it("a replacement deletes first exactly when the new network would clash with the old one", () => {
    const replace = (o: object, n: object): boolean =>
      diffNetwork({ ...state, ...o }, { ...declared, ...n }).deleteBeforeReplace;
    const fresh = { ipamConfigs: [{ subnet: "10.11.0.0/24" }], ipv6: false, name: "app-9f9f9f9" };
    assert.equal(replace({}, fresh), false, "auto-named, disjoint pools: create first");
    // check keeps the auto-name it gave before; the replacement's own check gives another.
    assert.equal(replace({}, { ...fresh, name: state.name }), false, "the same auto-name: create first");
    assert.equal(
      replace({ autoNamed: false }, { ...fresh, name: state.name, autoNamed: false }),
      true,
      "a declared name",
    );
    assert.equal(
      replace({}, { ...fresh, name: state.name, autoNamed: false }),
      true,
      "declared as the auto-name it had",
    );
    assert.equal(replace({}, { ...fresh, ipamConfigs: undefined }), false, "engine-chosen pool: create first");
    assert.equal(replace({}, { ...fresh, ipamConfigs: [{ subnet: "10.10.0.128/25" }] }), true, "overlapping pool");
    assert.equal(replace({}, { ...fresh, ipamConfigs: [{ subnet: UNKNOWN }] }), true, "unknown pool");
    assert.equal(replace({}, { labels: { env: "prod" } }), true, "same declared subnet, auto-named");
    const br = { options: { "com.docker.network.bridge.name": "br-app" } };
    assert.equal(replace(br, { ...fresh, ...br }), true, "same bridge interface name");
    assert.equal(replace({ ingress: true }, { ...fresh, ingress: true }), true, "only one ingress network");
  });

  it("addresses compare by value in any spelling; an IPv4 pool the engine adds to IPv6-only pools is no change", () => {
    const spelled = [{ subnet: "FD00:0000::/64" }, { subnet: "10.10.0.0/24", gateway: "10.10.0.1" }];
    assert.equal(diffNetwork(state, { ...declared, ipamConfigs: spelled }).changes, false);
    assert.equal(diffNetwork(state, { ...declared, ipamConfigs: [{ subnet: "fd00:0::/64" }] }).changes, false);
    assert.deepEqual(
      diffNetwork(state, { ...declared, ipamConfigs: [{ subnet: "10.10.0.0/24" }] }).replaces,
      ["ipamConfigs"],
      "an IPv6 pool no longer declared is a change",
    );
  });

  it("auto-names compare by their logical part (a network taken over keeps its random part)", () => {
    assert.equal(diffNetwork(state, { ...declared, name: "app-9f9f9f9" }).changes, false);
    assert.deepEqual(diffNetwork(state, { ...declared, name: "web-9f9f9f9" }).replaces, ["name"]);
    assert.deepEqual(diffNetwork(state, { ...declared, name: "app", autoNamed: false }).replaces, ["name"]);
    assert.equal(sameAutoName("app-1a2b3c4", "app-9f9f9f9"), true);
    assert.equal(sameAutoName("app", "app"), false, "not auto-names");
    assert.equal(sameAutoName("my-app-1a2b3c4", "app-1a2b3c4"), false);
  });

  it("an explicit name deletes before replacing (names are unique)", () => {
    const d = diffNetwork({ ...state, autoNamed: false }, { ...declared, autoNamed: false, attachable: true });
    assert.deepEqual(d.replaces, ["attachable"]);
    assert.equal(d.deleteBeforeReplace, true);
  });

  it("unknown values are possible changes", () => {
    assert.deepEqual(diffNetwork(state, { ...declared, labels: { env: UNKNOWN, team: "a" } }).replaces, ["labels"]);
  });

  it("an overlay's swarm: the same init node in a preview is the same swarm; another is a new one", () => {
    const onSwarm = { ...state, driver: "overlay", clusterId: "c1", swarmNodeId: "n1" };
    const replaces = (n: object): string[] => diffNetwork(onSwarm, { ...declared, driver: "overlay", ...n }).replaces;
    assert.deepEqual(replaces({ clusterId: "c1", swarmNodeId: "n1" }), []);
    assert.deepEqual(replaces({ clusterId: UNKNOWN, swarmNodeId: "n1" }), [], "init node updated in place");
    assert.deepEqual(replaces({ clusterId: UNKNOWN, swarmNodeId: UNKNOWN }), ["clusterId"], "init node replaced");
    assert.deepEqual(replaces({ clusterId: UNKNOWN, swarmNodeId: "n2" }), ["clusterId"], "another init node");
    assert.deepEqual(replaces({ clusterId: "c2", swarmNodeId: "n1" }), ["clusterId"], "another swarm, once known");
    assert.deepEqual(replaces({ clusterId: UNKNOWN }), ["clusterId"], "no init node to tell by");
    assert.deepEqual(replaces({}), [], "no swarm declared");
  });

  it("engine-added overlay options are not changes", () => {
    const vx = { ...state, options: { "com.docker.network.driver.overlay.vxlanid_list": "4097" } };
    assert.equal(diffNetwork(vx, { ...declared, options: undefined }).changes, false);
  });

  it("connection secrets and delete behaviour update in place; a new host replaces", () => {
    const d = diffNetwork(
      { ...state, connection: { host: "unix:///a", keyMaterial: "k1" } },
      { ...declared, connection: { host: "unix:///a", keyMaterial: "k2" }, disconnectOnDelete: true },
    );
    assert.deepEqual([d.replaces, d.updates], [[], ["connection", "disconnectOnDelete"]]);
    const nodes = [{ host: "tcp://n1:2376" }, { host: "tcp://n2:2376" }];
    const grown = diffNetwork(
      { ...state, nodeConnections: nodes.slice(0, 1) },
      { ...declared, nodeConnections: nodes },
    );
    assert.deepEqual([grown.replaces, grown.updates], [[], ["nodeConnections"]], "a cluster's node added");
    assert.equal(
      diffNetwork({ ...state, nodeConnections: nodes }, { ...declared, nodeConnections: nodes }).changes,
      false,
    );
    const local = { host: process.env.DOCKER_HOST || "unix:///var/run/docker.sock" };
    assert.equal(
      diffNetwork(state, { ...declared, connection: local }).changes,
      false,
      "the engine it resolves to anyway",
    );
    assert.deepEqual(diffNetwork(state, { ...declared, connection: { host: "tcp://h:2376" } }).replaces, [
      "connection",
    ]);
  });
});

describe("attachment diff", () => {
  const outs = {
    network: "app",
    container: "web",
    networkId: "a".repeat(64),
    networkName: "app",
    containerId: "b".repeat(64),
    containerName: "web",
    aliases: ["x", "y"],
    ipv4Address: "10.0.0.7",
  };
  it("a name given where the engine reports an ID, or an ID prefix, is no change", () => {
    assert.equal(
      diffAttachment(outs, { network: "a".repeat(64), container: "b".repeat(12), aliases: ["y", "x"] }).changes,
      false,
    );
    assert.equal(refersTo("/web", "b".repeat(64), "web"), true);
    assert.equal(refersTo("bbb", "b".repeat(64), "web"), false, "short prefixes are not trusted");
  });
  it("engine-assigned addresses are not changes; a declared one is", () => {
    assert.equal(diffAttachment(outs, { network: "app", container: "web", aliases: ["x", "y"] }).changes, false);
    const d = diffAttachment(outs, { network: "app", container: "web", aliases: ["x", "y"], ipv4Address: "10.0.0.8" });
    assert.deepEqual(d.replaces, ["ipv4Address"]);
    assert.equal(d.deleteBeforeReplace, true, "same pair: disconnect before connecting again");
  });
  it("a declared address compares by value", () => {
    const v6 = { ...outs, ipv6Address: "fd00:31::10" };
    const news = { network: "app", container: "web", aliases: ["x", "y"] };
    assert.equal(diffAttachment(v6, { ...news, ipv6Address: "FD00:0031:0000::10" }).changes, false);
    assert.equal(diffAttachment(v6, { ...news, ipv6Address: "fd00:31::11" }).changes, true);
  });
  it("gwPriority: 0 or left out is what engines before 28 report; another priority reconnects", () => {
    const news = { network: "app", container: "web", aliases: ["x", "y"] };
    assert.equal(diffAttachment(outs, { ...news, gwPriority: 0 }).changes, false, "state from before gwPriority");
    assert.equal(diffAttachment({ ...outs, gwPriority: 0 }, news).changes, false);
    assert.deepEqual(diffAttachment({ ...outs, gwPriority: 0 }, { ...news, gwPriority: 5 }).replaces, ["gwPriority"]);
    assert.equal(diffAttachment({ ...outs, gwPriority: 5 }, { ...news, gwPriority: 5 }).changes, false);
  });
  it("another network replaces without deleting first", () => {
    const d = diffAttachment(outs, { network: "other", container: "web", aliases: ["x", "y"] });
    assert.deepEqual(d.replaces, ["network"]);
    assert.equal(d.deleteBeforeReplace, false);
    assert.deepEqual(diffAttachment(outs, { network: UNKNOWN, container: "web", aliases: ["x", "y"] }).replaces, [
      "network",
    ]);
  });
});

describe("an existing endpoint against a declaration", () => {
  const e = {
    networkId: "n",
    endpointId: "e",
    staticIpv4Address: "10.0.0.7",
    staticIpv6Address: "",
    linkLocalIps: [],
    driverOptions: {},
    aliases: ["web", "abc123"],
    ipv4Address: "10.0.0.7",
    ipv6Address: "",
    macAddress: "",
    gateway: "10.0.0.1",
    gwPriority: 0,
  };
  it("names each declared setting it lacks; aliases the engine added are no difference", () => {
    assert.deepEqual(endpointDifferences(e, { aliases: ["web"], ipv4Address: "10.0.0.7" }), []);
    assert.deepEqual(endpointDifferences(e, {}), []);
    assert.deepEqual(endpointDifferences(e, { aliases: ["api"], ipv4Address: "10.0.0.8", gwPriority: 3 }), [
      "aliases",
      "ipv4Address",
      "gwPriority",
    ]);
  });
  it("owners of one stack are told apart from another stack's", () => {
    assert.equal(sameStack("p/dev/BridgeNetwork/n", "p/dev/NetworkAttachment/a"), true);
    assert.equal(sameStack("p/dev/BridgeNetwork/n", "p/prod/NetworkAttachment/a"), false);
    assert.equal(sameStack(undefined, "p/dev/NetworkAttachment/a"), false);
    assert.equal(sameStack("p/dev/BridgeNetwork/n", undefined), false);
  });
});
