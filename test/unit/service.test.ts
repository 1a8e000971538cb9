/** Services as the library reads and changes them (pure): the spec an update sends, how an update's progress reads, the diff and the checks of ServiceAttachment. */
import * as assert from "node:assert/strict";
import {
  serviceFromApi,
  specWithNetwork,
  specWithoutNetwork,
  taskFromApi,
  updateProgress,
  type TaskInfo,
} from "../../provider/model/serviceModel";
import { diffServiceAttachment } from "../../provider/model/diff";
import { serviceAttachmentProblems } from "../../provider/model/attachmentValidation";
import { UNKNOWN } from "../../provider/model/values";

const spec = {
  Name: "web",
  Labels: { team: "a" },
  TaskTemplate: {
    ContainerSpec: { Image: "nginx:1@sha256:abc", Env: ["A=1"] },
    Networks: [{ Target: "front" }],
    Resources: { Limits: { MemoryBytes: 1 } },
  },
  Mode: { Replicated: { Replicas: 3 } },
  EndpointSpec: { Mode: "vip" },
};

const apiService = (over: object = {}): object => ({
  ID: "s1",
  Version: { Index: 42 },
  Spec: spec,
  Endpoint: { Spec: { Mode: "vip" }, VirtualIPs: [{ NetworkID: "front", Addr: "10.0.0.2/24" }] },
  ...over,
});

const task = (over: Partial<TaskInfo>): TaskInfo => ({
  id: "t",
  serviceId: "s1",
  slot: 1,
  nodeId: "n1",
  state: "running",
  desiredState: "running",
  error: "",
  containerId: "c",
  attachedContainerId: "",
  addresses: {},
  specNetworks: [],
  message: "",
  ...over,
});

describe("services: specs and updates", () => {
  it("reads a service and a task from the Engine API's JSON", () => {
    const s = serviceFromApi(apiService());
    assert.deepEqual(
      { ...s },
      {
        id: "s1",
        name: "web",
        version: 42,
        mode: "replicated",
        replicas: 3,
        endpointMode: "vip",
        networks: [{ networkId: "front", aliases: [], driverOptions: {} }],
        virtualIps: { front: "10.0.0.2/24" },
        labels: { team: "a" },
      },
    );
    // An older service keeps its networks at the top level of the spec.
    const legacy = serviceFromApi({ ID: "s2", Spec: { Name: "old", Networks: [{ Target: "n", Aliases: ["x"] }] } });
    assert.deepEqual(legacy.networks, [{ networkId: "n", aliases: ["x"], driverOptions: {} }]);
    const t = taskFromApi({
      ID: "t1",
      ServiceID: "s1",
      Slot: 2,
      NodeID: "n1",
      DesiredState: "running",
      Status: { State: "running", ContainerStatus: { ContainerID: "c1" } },
      NetworksAttachments: [{ Network: { ID: "front" }, Addresses: ["10.0.0.5/24"] }],
      Spec: { Networks: [{ Target: "front", Aliases: ["a"] }] },
    });
    assert.deepEqual(t.addresses, { front: ["10.0.0.5/24"] });
    assert.deepEqual(t.specNetworks, [{ networkId: "front", aliases: ["a"], driverOptions: {} }]);
    assert.equal(t.containerId, "c1");
  });

  it("--network-add / --network-rm change the task networks only; every other field is kept", () => {
    const added = specWithNetwork(spec, "back", { aliases: ["db"], driverOptions: { k: "v" } });
    assert.deepEqual(added.TaskTemplate.Networks, [
      { Target: "front" },
      { Target: "back", Aliases: ["db"], DriverOpts: { k: "v" } },
    ]);
    assert.deepEqual(
      { ...added, TaskTemplate: { ...added.TaskTemplate, Networks: undefined } },
      {
        ...spec,
        TaskTemplate: { ...spec.TaskTemplate, Networks: undefined },
      },
    );
    // New aliases replace the entry, not add one.
    const renamed = specWithNetwork(added, "back", { aliases: ["db2"] });
    assert.deepEqual(renamed.TaskTemplate.Networks, [{ Target: "front" }, { Target: "back", Aliases: ["db2"] }]);
    assert.deepEqual(specWithoutNetwork(added, "back").TaskTemplate.Networks, [{ Target: "front" }]);
    // The deprecated top-level field moves into the task template (the engine refuses both).
    const legacy = specWithNetwork({ Name: "old", Networks: [{ Target: "n" }], TaskTemplate: {} }, "m", {});
    assert.equal(legacy.Networks, undefined);
    assert.deepEqual(legacy.TaskTemplate.Networks, [{ Target: "n" }, { Target: "m" }]);
    assert.deepEqual(spec.TaskTemplate.Networks, [{ Target: "front" }], "the input spec is not changed");
  });

  it("an update's progress: only its own status counts; paused and rolled back are failures naming the tasks", () => {
    const before = { state: "completed", startedAt: "T0", message: "update completed" };
    const status = (state: string, startedAt = "T1", message = "") => ({
      UpdateStatus: { State: state, StartedAt: startedAt, Message: message },
    });
    const wanted = (t: TaskInfo): boolean => t.specNetworks.some((n) => n.networkId === "back");
    const newTask = task({ specNetworks: [{ networkId: "back", aliases: [], driverOptions: {} }] });
    const oldTask = task({ specNetworks: [] });
    const progress = (over: object, tasks: TaskInfo[]) =>
      updateProgress(serviceFromApi(apiService(over)), before, tasks, wanted);

    // The previous update's "completed" is not this one's, however the tasks look.
    assert.equal(progress(status("completed", "T0"), [oldTask]).state, "updating");
    assert.equal(progress(status("updating"), [newTask]).state, "updating");
    assert.deepEqual(progress(status("completed"), [newTask]), { state: "converged" });
    const failed = progress(status("paused", "T1", "update paused due to failure or early termination of task t9"), [
      task({
        id: "t9",
        slot: 2,
        state: "failed",
        desiredState: "shutdown",
        error: "task: non-zero exit (1)",
        specNetworks: newTask.specNetworks,
      }),
    ]);
    assert.equal(failed.state, "failed");
    assert.match(
      (failed as { detail: string }).detail,
      /update paused.*; task t9 \(replica 2\) on node n1: failed, task: non-zero exit \(1\)/,
    );
    assert.deepEqual(
      { ...progress(status("rollback_completed", "T1", "rolled back"), [oldTask]), detail: "" },
      { state: "failed", detail: "", rolledBack: true },
    );
    const stuck = progress(status("updating"), [task({ id: "t5", state: "new", specNetworks: newTask.specNetworks })]);
    assert.match(
      (stuck as { detail: string }).detail,
      /t5 \(replica 1\) on node n1: new \(not allocated: is the network out of addresses\?\)/,
    );
    // No status of its own (nothing to restart): converged once every task that should run runs the new spec.
    assert.deepEqual(updateProgress(serviceFromApi(apiService(status("completed", "T0"))), before, [newTask], wanted), {
      state: "converged",
    });
    assert.deepEqual(updateProgress(serviceFromApi(apiService()), undefined, [newTask], wanted), {
      state: "converged",
    });
    assert.equal(updateProgress(serviceFromApi(apiService()), undefined, [newTask, oldTask], wanted).state, "updating");
  });

  it("an update still going names the tasks it waits for and their nodes, by hostname, address and ID", () => {
    const before = { state: "completed", startedAt: "T0", message: "" };
    const wanted = (t: TaskInfo): boolean => t.specNetworks.some((n) => n.networkId === "back");
    const nodes = [{ id: "n1aaaaaaaaaaaaaa", hostname: "node-2", address: "10.0.0.3" }];
    const old = task({ id: "t1", slot: 3, nodeId: "n1aaaaaaaaaaaaaa", specNetworks: [] });
    const service = serviceFromApi(apiService({ UpdateStatus: { State: "updating", StartedAt: "T1", Message: "" } }));
    // Nothing failed yet: the tasks still on the previous spec are what it waits for.
    assert.deepEqual(updateProgress(service, before, [old], wanted, nodes), {
      state: "updating",
      detail: "task t1 (replica 3) on node-2 (10.0.0.3, node n1aaaaaaaaaa): running, still on the previous spec",
    });
    // A node the managers no longer list is named by its ID.
    assert.match(
      (updateProgress(service, before, [old], wanted) as { detail: string }).detail,
      /on node n1aaaaaaaaaa:/,
    );
    // Stop-first: the old task is stopping, its replacement waits (desired "ready") for an address.
    const stopping = task({
      id: "t3",
      slot: 3,
      desiredState: "shutdown",
      nodeId: "n1aaaaaaaaaaaaaa",
      specNetworks: [],
    });
    const waiting = task({ id: "t4", slot: 3, state: "new", desiredState: "ready", nodeId: "", specNetworks: [] });
    assert.equal(
      (updateProgress(service, before, [stopping, waiting], wanted, nodes) as { detail: string }).detail,
      "task t4 (replica 3): new (not allocated: is the network out of addresses?)",
    );
    assert.equal(
      (updateProgress(service, before, [stopping], wanted, nodes) as { detail: string }).detail,
      "task t3 (replica 3) on node-2 (10.0.0.3, node n1aaaaaaaaaa): running, to be shutdown",
    );
    const done = task({ id: "t2", specNetworks: [{ networkId: "back", aliases: [], driverOptions: {} }] });
    assert.deepEqual(updateProgress(service, before, [done], wanted), {
      state: "updating",
      detail: "1 of 1 task(s) run the new spec",
    });
  });

  it("ServiceAttachment diff: another network or service replaces, aliases update in place", () => {
    const olds = {
      network: "back",
      service: "web",
      networkId: "n1",
      networkName: "back",
      serviceId: "s1",
      serviceName: "web",
      aliases: ["db"],
      driverOptions: {},
    };
    const news = { network: "back", service: "web", aliases: ["db"] };
    assert.equal(diffServiceAttachment(olds, news).changes, false);
    assert.equal(diffServiceAttachment(olds, { ...news, network: "n1" }).changes, false, "the same network by ID");
    assert.deepEqual(diffServiceAttachment(olds, { ...news, aliases: ["db", "x"] }).updates, ["aliases"]);
    assert.deepEqual(diffServiceAttachment(olds, { ...news, service: "api" }).replaces, ["service"]);
    assert.deepEqual(diffServiceAttachment(olds, { ...news, network: UNKNOWN }).replaces, ["network"]);
    const moved = diffServiceAttachment(olds, { ...news, connection: { host: "tcp://other:2376" } });
    assert.deepEqual([moved.replaces, moved.deleteBeforeReplace], [["connection"], true]);
  });

  it("ServiceAttachment check names each bad field", () => {
    const reasons = serviceAttachmentProblems({
      network: "",
      service: "bad name",
      aliases: ["ok", "not ok"],
      driverOptions: { k: 1 },
      timeoutSeconds: 0,
      adopt: "yes",
    }).map((f) => f.reason);
    assert.deepEqual(reasons, [
      "network is required: give the network's name or ID",
      `service "bad name" is not a valid Docker name: use letters, digits, '_', '.' and '-', starting with a letter or digit`,
      `aliases[1] "not ok" is not a valid DNS name: use labels of letters, digits and '-', joined by '.'`,
      'driverOptions["k"] must be a string',
      "timeoutSeconds 0 must be a whole number from 1 to 3600",
      "adopt must be true or false",
    ]);
    assert.deepEqual(serviceAttachmentProblems({ network: UNKNOWN, service: "web", aliases: [UNKNOWN] }), []);
  });
});
