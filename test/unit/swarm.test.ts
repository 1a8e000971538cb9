import * as assert from "node:assert/strict";
import { diffSwarmNode } from "../../provider/model/diff";
import { overlayDriver } from "../../provider/providers/drivers";
import {
  attachTimeoutHint,
  formatDuration,
  localSwarmFromInfo,
  parseDuration,
  swarmSpecFromApi,
  swarmSpecToApi,
  withSwarmPort,
} from "../../provider/model/swarmModel";
import { overlayOptionProblems } from "../../provider/model/networkValidation";
import { swarmNodeProblems } from "../../provider/model/swarmValidation";
import { UNKNOWN, withoutUndefined } from "../../provider/model/values";

const TOKEN = `SWMTKN-1-${"a1".repeat(25)}-${"b2c3d".repeat(5)}`;
const props = (failures: { property: string }[]): string[] => failures.map((f) => f.property);

describe("swarm model", () => {
  it("parses Go durations and formats them back the short way", () => {
    assert.equal(parseDuration("5s"), 5e9);
    assert.equal(parseDuration("1h30m"), 5400e9);
    assert.equal(parseDuration("1.5s"), 1.5e9);
    assert.equal(parseDuration("2160h"), 7776000e9);
    for (const bad of ["", "5", "5 s", "5d", "s5", "1h 2m"]) assert.equal(parseDuration(bad), undefined, bad);
    assert.equal(formatDuration(5e9), "5s");
    assert.equal(formatDuration(5400e9), "1h30m");
    assert.equal(formatDuration(7776000e9), "2160h");
    assert.equal(formatDuration(0), "0s");
  });

  it("merges declared spec fields over the engine's spec, keeping what was not declared", () => {
    const current = {
      Name: "default",
      Labels: { a: "1" },
      Orchestration: { TaskHistoryRetentionLimit: 5 },
      Raft: { SnapshotInterval: 10000, KeepOldSnapshots: 0, HeartbeatTick: 1, ElectionTick: 10 },
      Dispatcher: { HeartbeatPeriod: 5e9 },
      CAConfig: { NodeCertExpiry: 7776000e9, ExternalCAs: [] },
      EncryptionConfig: { AutoLockManagers: false },
      TaskDefaults: {},
    };
    const merged = swarmSpecToApi({ taskHistoryRetentionLimit: 7, dispatcherHeartbeatPeriod: "7s" }, current);
    assert.equal(merged.Orchestration.TaskHistoryRetentionLimit, 7);
    assert.equal(merged.Dispatcher.HeartbeatPeriod, 7e9);
    assert.deepEqual(merged.Raft, current.Raft);
    assert.deepEqual(merged.CAConfig, current.CAConfig);
    assert.deepEqual(merged.Labels, { a: "1" });
    assert.deepEqual(merged.TaskDefaults, {});
    const model = swarmSpecFromApi(merged);
    assert.equal(model.dispatcherHeartbeatPeriod, "7s");
    assert.equal(model.nodeCertExpiry, "2160h");
  });

  it("reads an engine's membership from docker info, manager and worker", () => {
    const manager = localSwarmFromInfo({
      Name: "h1",
      Swarm: {
        LocalNodeState: "active",
        NodeID: "n1",
        NodeAddr: "192.0.2.1",
        ControlAvailable: true,
        RemoteManagers: [{ NodeID: "n1", Addr: "192.0.2.1:2377" }],
        Cluster: { ID: "c1" },
      },
    });
    assert.deepEqual(
      [manager.state, manager.isManager, manager.clusterId, manager.remoteManagers],
      ["active", true, "c1", ["192.0.2.1:2377"]],
    );
    const inactive = localSwarmFromInfo({ Name: "h2", Swarm: { LocalNodeState: "inactive", NodeID: "" } });
    assert.deepEqual([inactive.state, inactive.isManager, inactive.clusterId], ["inactive", false, undefined]);
  });

  it("adds the swarm port to a manager address without one", () => {
    assert.equal(withSwarmPort("192.0.2.1"), "192.0.2.1:2377");
    assert.equal(withSwarmPort("192.0.2.1:4000"), "192.0.2.1:4000");
    assert.equal(withSwarmPort("mgr.example"), "mgr.example:2377");
    assert.equal(withSwarmPort("2001:db8::1"), "[2001:db8::1]:2377");
    assert.equal(withSwarmPort("[2001:db8::1]:2377"), "[2001:db8::1]:2377");
  });

  it("an overlay attach that timed out also names the node's gossip (7946) as a cause; other refusals do not", () => {
    const timedOut =
      "attaching to network failed, make sure your network options are correct and check manager logs: context deadline exceeded";
    assert.match(attachTimeoutHint(timedOut), /gossip .*7946\/tcp and udp.*Bulk sync to node \.\.\. timed out/);
    assert.equal(attachTimeoutHint("attaching to network failed: Address already in use"), "");
    assert.equal(attachTimeoutHint("context deadline exceeded"), "", "not an overlay attach");
  });

  it("drops undefined members at any depth", () => {
    assert.deepEqual(withoutUndefined({ a: 1, b: undefined, c: { d: undefined, e: [1, { f: undefined }] } }), {
      a: 1,
      c: { e: [1, {}] },
    });
  });
});

describe("swarm validation", () => {
  it("accepts an init and a join", () => {
    assert.deepEqual(
      swarmNodeProblems({
        advertiseAddr: "192.0.2.1",
        listenAddr: "0.0.0.0:2377",
        defaultAddrPool: ["10.20.0.0/16"],
        subnetSize: 24,
        dataPathPort: 4789,
        spec: { heartbeatTick: 1, electionTick: 10, nodeCertExpiry: "2160h", dispatcherHeartbeatPeriod: "5s" },
        rotateTokens: 1,
      }),
      [],
    );
    assert.deepEqual(
      swarmNodeProblems({ join: { remoteAddrs: ["192.0.2.1", "mgr:2377"], token: TOKEN }, availability: "drain" }),
      [],
    );
  });

  it("a malformed token is refused without echoing it", () => {
    const f = swarmNodeProblems({ join: { remoteAddrs: ["192.0.2.1"], token: "SWMTKN-1-secretstuff" } });
    assert.deepEqual(props(f), ["join.token"]);
    assert.doesNotMatch(f[0].reason, /secretstuff/);
    assert.deepEqual(props(swarmNodeProblems({ join: { remoteAddrs: [] } })), ["join.remoteAddrs", "join.token"]);
  });

  it("init-only and swarm-wide fields on a join are refused, each by name", () => {
    const f = swarmNodeProblems({
      join: { remoteAddrs: ["192.0.2.1"], token: TOKEN },
      dataPathPort: 4789,
      defaultAddrPool: ["10.0.0.0/8"],
      subnetSize: 24,
      forceNewCluster: true,
      spec: {},
      rotateTokens: "1",
    });
    assert.deepEqual(props(f).sort(), [
      "dataPathPort",
      "defaultAddrPool",
      "forceNewCluster",
      "rotateTokens",
      "spec",
      "subnetSize",
    ]);
    assert.match(f.find((x) => x.property === "spec")!.reason, /declare it on the SwarmNode that inits the swarm/);
  });

  it("names each bad value and its rule", () => {
    const f = swarmNodeProblems({
      advertiseAddr: "not an address",
      dataPathPort: 80,
      defaultAddrPool: ["10.0.0.0/33", "fd00::/8"],
      subnetSize: 30,
      availability: "off",
      role: "leader",
      nodeLabels: { a: 1 },
      spec: {
        name: "prod",
        heartbeatTick: 5,
        electionTick: 5,
        nodeCertExpiry: "10m",
        dispatcherHeartbeatPeriod: "soon",
      },
    });
    const reasons = Object.fromEntries(f.map((x) => [x.property, x.reason]));
    assert.match(reasons.advertiseAddr, /must be an IP address, host or interface name/);
    assert.match(reasons.dataPathPort, /from 1024 to 49151/);
    assert.match(reasons["defaultAddrPool[0]"], /prefix must be 0-32/);
    assert.match(reasons["defaultAddrPool[1]"], /IPv4/);
    assert.match(reasons.subnetSize, /from 8 to 29/);
    assert.match(reasons.availability, /active, pause, drain/);
    assert.match(reasons.role, /manager or worker/);
    assert.match(reasons.nodeLabels, /must be a string/);
    assert.match(reasons["spec.electionTick"], /greater than spec.heartbeatTick 5/);
    assert.match(reasons["spec.nodeCertExpiry"], /at least 1h/);
    assert.match(reasons["spec.dispatcherHeartbeatPeriod"], /duration/);
    assert.match(reasons["spec.name"], /only accepts "default"/);
  });

  it("skips unknown values (preview)", () => {
    assert.deepEqual(
      swarmNodeProblems({ join: { remoteAddrs: [UNKNOWN], token: UNKNOWN }, advertiseAddr: UNKNOWN }),
      [],
    );
    assert.deepEqual(swarmNodeProblems({ join: { remoteAddrs: UNKNOWN, token: UNKNOWN } }), []);
  });

  it("overlay options: one VXLAN ID per subnet, in range; MTU range", () => {
    assert.deepEqual(
      overlayOptionProblems({ vxlanIds: [5000], ipamConfigs: [{ subnet: "10.1.0.0/24" }], mtu: 1400 }),
      [],
    );
    const f = overlayOptionProblems({ vxlanIds: [0, 5000], ipamConfigs: [{ subnet: "10.1.0.0/24" }], mtu: 20 });
    assert.deepEqual(props(f).sort(), ["mtu", "vxlanIds", "vxlanIds[0]"]);
    assert.deepEqual(overlayOptionProblems({ vxlanIds: [5000] }), [], "one ID for the subnet the swarm allocates");
    assert.match(overlayOptionProblems({ vxlanIds: [5000, 5001] })[0].reason, /no subnet is declared: give one ID/);
  });

  it("overlay typed fields become driver options; encrypted is a flag", () => {
    assert.deepEqual(overlayDriver.typedOptions({ mtu: 1400, vxlanIds: [5000, 5001], encrypted: true }), {
      "com.docker.network.driver.mtu": "1400",
      "com.docker.network.driver.overlay.vxlanid_list": "5000,5001",
      encrypted: "",
    });
    assert.deepEqual(overlayDriver.typedOptions({ encrypted: false }), {});
  });
});

describe("swarm diff", () => {
  const state = {
    advertiseAddr: "192.0.2.1",
    defaultAddrPool: ["10.20.0.0/16"],
    spec: swarmSpecFromApi({ Orchestration: { TaskHistoryRetentionLimit: 5 }, Dispatcher: { HeartbeatPeriod: 5e9 } }),
    availability: "active",
    nodeLabels: { zone: "a", "engine-set": "x" },
    connection: { host: "unix:///a.sock" },
    workerToken: "t1",
  };
  const worker = { join: { remoteAddrs: ["192.0.2.1:2377"], token: TOKEN }, connection: { host: "unix:///b.sock" } };

  it("no change when the declaration matches (durations by value, undeclared labels left alone)", () => {
    const d = diffSwarmNode(state, {
      advertiseAddr: "192.0.2.1",
      defaultAddrPool: ["10.20.0.0/16"],
      spec: { dispatcherHeartbeatPeriod: "5000ms" },
      connection: { host: "unix:///a.sock" },
    });
    assert.equal(d.changes, false, JSON.stringify(d));
  });

  it("spec, node settings and token rotation update in place", () => {
    const d = diffSwarmNode(state, {
      advertiseAddr: "192.0.2.1",
      defaultAddrPool: ["10.20.0.0/16"],
      spec: { taskHistoryRetentionLimit: 9 },
      availability: "drain",
      nodeLabels: { zone: "a" },
      rotateTokens: "1",
      connection: { host: "unix:///a.sock" },
    });
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.updates.sort(), ["availability", "nodeLabels", "rotateTokens", "spec"]);
  });

  it("a declared role different from the observed one is a promotion or demotion in place", () => {
    const joined = { ...worker, role: "worker" };
    assert.deepEqual(diffSwarmNode(joined, { ...worker, role: "worker" }).changes, false);
    assert.deepEqual(diffSwarmNode(joined, worker).changes, false, "left out: the role stands");
    const promote = diffSwarmNode(joined, { ...worker, role: "manager" });
    assert.deepEqual([promote.replaces, promote.updates], [[], ["role"]]);
  });

  it("a new token for a member is stored, not a rejoin; a new address or engine replaces, leaving first", () => {
    const token = diffSwarmNode(worker, { ...worker, join: { ...worker.join, token: TOKEN.replace("a1", "z9") } });
    assert.deepEqual([token.replaces, token.updates], [[], ["join"]]);
    const unknownToken = diffSwarmNode(worker, { ...worker, join: { ...worker.join, token: UNKNOWN } });
    assert.deepEqual(unknownToken.replaces, []);
    const moved = diffSwarmNode(state, { ...state, advertiseAddr: "192.0.2.9" });
    assert.deepEqual(moved.replaces, ["advertiseAddr"]);
    assert.equal(moved.deleteBeforeReplace, true);
    const joined = diffSwarmNode(state, { ...state, join: worker.join });
    assert.deepEqual(joined.replaces, ["join"]);
    const other = diffSwarmNode(worker, { ...worker, connection: { host: "unix:///c.sock" } });
    assert.deepEqual(other.replaces, ["connection"]);
  });
});
