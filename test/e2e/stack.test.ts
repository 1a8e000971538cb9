/**
 * `pulumi preview / up / refresh / destroy` end to end: the real Pulumi CLI, the library as
 * installed from its npm tarball, the real Docker engine.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type Docker from "dockerode";
import type * as automation from "@pulumi/pulumi/automation";
import { exec, RUN_ID, TEST_LABEL, removeContainers, startContainer } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { disposeStack, makeUserProject, requireCli, type UserProject } from "./project";

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs and exported state are JSON */

interface Params {
  readonly subnet: string;
  readonly internal?: boolean;
  readonly mtu?: number;
  readonly alias?: string;
}

const REPO = process.cwd();

function findFiles(dir: string, name: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? findFiles(path.join(dir, e.name), name) : e.name === name ? [path.join(dir, e.name)] : [],
    );
}

/** JSON paths under `v` whose string value contains `needle`. */
function pathsContaining(v: any, needle: string, at = "$"): string[] {
  if (typeof v === "string") return v.includes(needle) ? [at] : [];
  if (v && typeof v === "object")
    return Object.entries(v).flatMap(([k, x]) => pathsContaining(x, needle, `${at}.${k}`));
  return [];
}

// A stand-in key: over a unix socket it is not used, but it must be stored only as a secret.
const KEY = `-----BEGIN PRIVATE KEY-----not-a-real-key-${RUN_ID}-----END PRIVATE KEY-----`;

describe("pulumi up / preview / refresh / destroy with the real CLI", function () {
  this.timeout(300_000);
  let project: UserProject;
  let stack: automation.Stack;
  let containers: Docker.Container[] = [];
  let names: string[] = [];
  let params: Params = { subnet: "10.241.1.0/24" };
  const docker = (): Docker => testEngine().docker;

  const program = (): Promise<Record<string, unknown>> => {
    const { BridgeNetwork, NetworkAttachment, getNetworkOutput } = project.lib;
    const net = new BridgeNetwork("app", {
      ipamConfigs: [{ subnet: params.subnet }],
      internal: params.internal,
      mtu: params.mtu,
      labels: { [TEST_LABEL]: RUN_ID },
      connection: { host: process.env.DOCKER_HOST, keyMaterial: project.pulumi.secret(KEY) },
    });
    const atts = names.map(
      (c, i) =>
        new NetworkAttachment(`att-${i}`, { network: net, container: c, aliases: [`${params.alias ?? "svc"}${i}`] }),
    );
    // After the attachments, so the lookup sees them.
    const seen = getNetworkOutput({
      id: project.pulumi.all([net.networkId, ...atts.map((a) => a.endpointId)]).apply(([id]) => id),
    });
    return Promise.resolve({
      networkId: net.networkId,
      networkName: net.name,
      addresses: atts.map((a) => a.ipv4Address),
      attachedSeen: seen.containers.apply((cs) => cs.length),
    });
  };

  const networksOfRun = async (): Promise<string[]> =>
    (await docker().listNetworks({ filters: { label: [`${TEST_LABEL}=${RUN_ID}`] } })).map((n) => n.Id).sort();
  const attachedTo = async (c: Docker.Container): Promise<string[]> =>
    Object.values((await c.inspect()).NetworkSettings.Networks).map((e: any) => e.NetworkID);

  before(async function () {
    requireCli(this);
    this.timeout(600_000);
    project = makeUserProject();
    // Pulumi starts the provider plugin in the directory of the process hosting the inline
    // program, and the plugin resolves the SDK and this library from there, as for a user
    // whose program runs in their project.
    process.chdir(project.dir);
    containers = await Promise.all([startContainer(docker(), "e2e-a"), startContainer(docker(), "e2e-b")]);
    names = await Promise.all(containers.map(async (c) => (await c.inspect()).Name.slice(1)));
    stack = await project.stack(`e2e${RUN_ID}`, program);
  });

  after(async function () {
    this.timeout(300_000);
    if (!project) return;
    process.chdir(REPO);
    try {
      await disposeStack(stack);
    } finally {
      await removeContainers(containers);
      project.remove();
    }
  });

  it("1. preview plans the creates and leaves the engine untouched", async () => {
    const before = await networksOfRun();
    const attachedBefore = await Promise.all(containers.map(attachedTo));
    const r = await stack.preview({ color: "never" });
    assert.equal(r.changeSummary.create, 1 + 1 + names.length, JSON.stringify(r.changeSummary));
    assert.deepEqual(await networksOfRun(), before);
    assert.deepEqual(await Promise.all(containers.map(attachedTo)), attachedBefore);
  });

  it("2. up creates; a second up changes nothing; refresh --expect-no-changes passes", async () => {
    const up = await stack.up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const id = up.outputs.networkId.value;
    const inspect = await docker().getNetwork(id).inspect();
    assert.match(inspect.Name, /^app-[0-9a-f]{7}$/);
    assert.equal(inspect.IPAM!.Config![0].Subnet, params.subnet);
    for (const c of containers) assert.ok((await attachedTo(c)).includes(id));
    assert.equal(up.outputs.attachedSeen.value, 2, "the lookup sees both attachments");
    const again = await stack.up({ color: "never" });
    assert.deepEqual(again.summary.resourceChanges, { same: 1 + 1 + names.length });
    await stack.refresh({ color: "never", expectNoChanges: true } as automation.RefreshOptions);
  });

  it("keeps key material secret in state and the serialized provider small", async () => {
    // The checkpoint as the file backend stores it (exportStack would decrypt secrets).
    const file = findFiles(path.join(project.dir, "state"), `${stack.name}.json`)[0];
    const state = JSON.parse(fs.readFileSync(file, "utf8")).checkpoint.latest;
    assert.deepEqual(pathsContaining(state, "not-a-real-key"), [], "key material in plaintext in the state file");
    const resources = (state.resources ?? []).filter((r: any) =>
      r.type.startsWith("pulumi-nodejs:dynamic/docker-networking:"),
    );
    assert.equal(resources.length, 1 + names.length);
    for (const r of resources) {
      assert.ok(r.outputs.connection?.ciphertext, `${r.urn}: connection output is not an encrypted secret`);
      assert.ok(r.inputs.connection?.ciphertext, `${r.urn}: connection input is not an encrypted secret`);
      // An installed package's provider is stored as a require of its per-kind export, not as code.
      const kind = r.type.split(":").pop();
      const size = r.inputs.__provider.length;
      console.log(`      __provider of ${kind}: ${size} bytes`);
      assert.match(r.inputs.__provider, new RegExp(`require\\("pulumi-docker-networking/dynamic/${kind}"\\)`));
      assert.ok(size < 512, `${r.urn}: __provider is ${size} bytes`);
      assert.equal(r.outputs.__provider, r.inputs.__provider);
    }
  });

  it("3. a changed network property: preview shows a replace; up replaces it and re-attaches the containers", async () => {
    const oldId = (await stack.outputs()).networkId.value;
    params = { ...params, subnet: "10.241.2.0/24" };
    const preview = await stack.preview({ color: "never", diff: true });
    assert.equal(preview.changeSummary.replace, 1 + names.length, JSON.stringify(preview.changeSummary));
    assert.match(preview.stdout, /replace/);
    const up = await stack.up({ color: "never" });
    const newId = up.outputs.networkId.value;
    assert.notEqual(newId, oldId);
    await assert.rejects(docker().getNetwork(oldId).inspect(), /404|no such network/i);
    for (const c of containers) assert.ok((await attachedTo(c)).includes(newId));
    for (const a of up.outputs.addresses.value) assert.match(a, /^10\.241\.2\./);
  });

  it("3b. a changed attachment argument: only the attachments are replaced, with the new settings", async () => {
    const networkId = (await stack.outputs()).networkId.value;
    params = { ...params, alias: "api" };
    const preview = await stack.preview({ color: "never" });
    assert.deepEqual(
      [preview.changeSummary.replace, preview.changeSummary.same],
      [names.length, 2],
      JSON.stringify(preview.changeSummary),
    );
    const up = await stack.up({ color: "never" });
    assert.equal(up.outputs.networkId.value, networkId, "the network stays");
    const ping = await exec(docker(), containers[0].id, ["ping", "-c", "1", "-W", "5", "api1"]);
    assert.equal(ping.code, 0, ping.output);
    const old = await exec(docker(), containers[0].id, ["ping", "-c", "1", "-W", "2", "svc1"]);
    assert.notEqual(old.code, 0, "the old alias is gone");
  });

  it("4. out-of-band removal: refresh drops it; the next up recreates what the program declares", async () => {
    const id = (await stack.outputs()).networkId.value;
    for (const c of containers) await docker().getNetwork(id).disconnect({ Container: c.id });
    await docker().getNetwork(id).remove();
    const refresh = await stack.refresh({ color: "never" });
    assert.equal(
      refresh.summary.resourceChanges?.delete,
      1 + names.length,
      JSON.stringify(refresh.summary.resourceChanges),
    );
    const state = await stack.exportStack();
    assert.equal((state.deployment.resources ?? []).filter((r: any) => r.type.includes("docker-networking")).length, 0);
    const up = await stack.up({ color: "never" });
    assert.equal(up.summary.resourceChanges?.create, 1 + names.length);
    for (const c of containers) assert.ok((await attachedTo(c)).includes(up.outputs.networkId.value));
  });

  it("5. bad input: preview fails naming the field and the fix; nothing is created", async () => {
    const before = await networksOfRun();
    const good = params;
    params = { ...params, subnet: "10.241.3.0/33", mtu: 10 };
    try {
      await assert.rejects(stack.preview({ color: "never" }), (e: Error) => {
        assert.match(e.message, /ipamConfigs\[0\]\.subnet "10\.241\.3\.0\/33": prefix must be 0-32/);
        assert.match(e.message, /mtu 10 must be a whole number from 68 to 65535/);
        return true;
      });
      await assert.rejects(stack.up({ color: "never" }), /prefix must be 0-32/);
    } finally {
      params = good;
    }
    assert.deepEqual(await networksOfRun(), before);
  });

  it("6. destroy removes everything", async () => {
    await stack.destroy({ color: "never" });
    assert.deepEqual(await networksOfRun(), []);
    for (const c of containers) assert.deepEqual(Object.keys((await c.inspect()).NetworkSettings.Networks), ["bridge"]);
  });

  it("7. adopt takes over an existing network by name; destroy then removes it", async () => {
    const name = `e2e-adopt-${RUN_ID}`;
    const existing = await docker().createNetwork({
      Name: name,
      Labels: { [TEST_LABEL]: RUN_ID },
      IPAM: { Config: [{ Subnet: "10.241.9.0/24" }] },
    });
    const adoptStack = await project.stack(`adopt${RUN_ID}`, async () => {
      const net = new project.lib.BridgeNetwork("taken", {
        name,
        adopt: true,
        ipamConfigs: [{ subnet: "10.241.9.0/24" }],
        labels: { [TEST_LABEL]: RUN_ID },
      });
      return { networkId: net.networkId, adopted: net.adopted };
    });
    try {
      const up = await adoptStack.up({ color: "never" });
      assert.equal(up.outputs.networkId.value, existing.id, "the existing network, not a new one");
      assert.equal(up.outputs.adopted.value, true);
      assert.deepEqual((await adoptStack.up({ color: "never" })).summary.resourceChanges, { same: 2 });
      await adoptStack.destroy({ color: "never" });
      await assert.rejects(
        existing.inspect(),
        /404|no such network/i,
        "an adopted network is managed like any other: destroy removes it",
      );
    } finally {
      await existing.remove().catch(() => undefined);
      await adoptStack.workspace.removeStack(adoptStack.name).catch(() => undefined);
    }
  });
});
