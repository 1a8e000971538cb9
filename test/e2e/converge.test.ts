/**
 * Edits a user makes over weeks, each applied with the real Pulumi CLI on a real engine and
 * followed by a preview that must plan nothing: every field that replaces a bridge network (with
 * a declared subnet and an auto-name, so old and new pools overlap), every field documented as
 * in place, other spellings of IPv6 values, and attachments of containers that are not running.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import type * as automation from "@pulumi/pulumi/automation";
import { RUN_ID, TEST_IMAGE, TEST_LABEL, removeContainers, startContainer } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { atLeast } from "../../provider/model/engineFeatures";
import { disposeStack, makeUserProject, requireCli, type UserProject } from "./project";

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs and inspect JSON */

/** What the program declares; each row of the tables edits it. */
interface Declared {
  readonly name?: string;
  readonly subnet: string;
  readonly gateway?: string;
  readonly ipRange?: string;
  readonly auxAddresses?: Record<string, string>;
  readonly ipamOptions?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly mtu?: number;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly enableIcc?: boolean;
  readonly enableIpMasquerade?: boolean;
  readonly hostBindingIpv4?: string;
  readonly bridgeName?: string;
  /** An IPv6 pool (and `ipv6: true`), and the static IPv6 address of the running container. */
  readonly v6?: { readonly subnet: string; readonly address: string };
  readonly disconnectOnDelete?: boolean;
  readonly key?: string;
  readonly gatewayModeIpv4?: "nat" | "routed";
  /** The running container's attachment's gateway priority. */
  readonly gwPriority?: number;
}

const BASE: Declared = { subnet: "10.241.30.0/24", labels: { tier: "a" } };
const IP = "10.241.30.10";

/** Replace-triggering fields: the edit, and what `docker network inspect` must show after it. */
const REPLACES: [string, Partial<Declared>, (n: any) => unknown, unknown][] = [
  ["labels", { labels: { tier: "b" } }, (n) => n.Labels.tier, "b"],
  ["mtu", { mtu: 1400 }, (n) => n.Options["com.docker.network.driver.mtu"], "1400"],
  ["internal", { internal: true }, (n) => n.Internal, true],
  ["attachable", { attachable: true }, (n) => n.Attachable, true],
  ["enableIcc", { enableIcc: false }, (n) => n.Options["com.docker.network.bridge.enable_icc"], "false"],
  [
    "enableIpMasquerade",
    { enableIpMasquerade: false },
    (n) => n.Options["com.docker.network.bridge.enable_ip_masquerade"],
    "false",
  ],
  [
    "hostBindingIpv4",
    { hostBindingIpv4: "127.0.0.1" },
    (n) => n.Options["com.docker.network.bridge.host_binding_ipv4"],
    "127.0.0.1",
  ],
  [
    "bridgeName",
    { bridgeName: `pdn${RUN_ID}`.slice(0, 15) },
    (n) => n.Options["com.docker.network.bridge.name"],
    `pdn${RUN_ID}`.slice(0, 15),
  ],
  ["ipamOptions", { ipamOptions: { note: "x" } }, (n) => n.IPAM.Options.note, "x"],
  ["gateway", { gateway: "10.241.30.254" }, (n) => n.IPAM.Config[0].Gateway, "10.241.30.254"],
  ["ipRange", { ipRange: "10.241.30.128/25" }, (n) => n.IPAM.Config[0].IPRange, "10.241.30.128/25"],
  [
    "auxAddresses",
    { auxAddresses: { h: "10.241.30.20" } },
    (n) => n.IPAM.Config[0].AuxiliaryAddresses.h,
    "10.241.30.20",
  ],
  ["subnet (overlapping)", { subnet: "10.241.30.0/23" }, (n) => n.IPAM.Config[0].Subnet, "10.241.30.0/23"],
  [
    "ipv6 with a pool",
    { v6: { subnet: "fd00:31::/64", address: "fd00:31::10" } },
    (n) => n.IPAM.Config.map((c: any) => c.Subnet).includes("fd00:31::/64") && n.EnableIPv6,
    true,
  ],
  ["name (explicit)", { name: `conv-a-${RUN_ID}` }, (n) => n.Name, `conv-a-${RUN_ID}`],
  ["name (another explicit)", { name: `conv-b-${RUN_ID}` }, (n) => n.Name, `conv-b-${RUN_ID}`],
];

const REPO = process.cwd();

describe("edits converge: every replace and in-place field, IPv6 spellings, stopped containers", function () {
  this.timeout(600_000);
  let project: UserProject;
  let stack: automation.Stack;
  let running: Docker.Container;
  let created: Docker.Container;
  let declared: Declared = BASE;
  const docker = (): Docker => testEngine().docker;

  const program = async (): Promise<Record<string, unknown>> => {
    const { BridgeNetwork, NetworkAttachment } = project.lib;
    const { v6, key, subnet, gateway, ipRange, auxAddresses, gwPriority, ...rest } = declared;
    const net = new BridgeNetwork("conv", {
      ...rest,
      ipamConfigs: [{ subnet, gateway, ipRange, auxAddresses }, ...(v6 ? [{ subnet: v6.subnet }] : [])],
      ipv6: v6 ? true : undefined,
      labels: { ...declared.labels, [TEST_LABEL]: RUN_ID },
      // PEM-shaped, as check requires; the local socket's client ignores it.
      connection: key
        ? {
            host: process.env.DOCKER_HOST,
            keyMaterial: project.pulumi.secret(`-----BEGIN PRIVATE KEY-----\n${key}\n-----END PRIVATE KEY-----\n`),
          }
        : undefined,
    });
    const onRunning = new NetworkAttachment("running", {
      network: net,
      container: running.id,
      aliases: ["svc"],
      ipv4Address: IP,
      ipv6Address: v6?.address,
      gwPriority,
    });
    const onCreated = new NetworkAttachment("created", { network: net, container: created.id, aliases: ["idle"] });
    // IPv6 only: Engine 20.10 adds an IPv4 pool of its own choosing.
    const v6only = new BridgeNetwork("v6only", {
      ipv6: true,
      ipamConfigs: [{ subnet: declared.v6 ? "FD00:0032:0000::/64" : "fd00:32::/64" }],
      labels: { [TEST_LABEL]: RUN_ID },
    });
    return {
      networkId: net.networkId,
      v6onlyId: v6only.networkId,
      attachments: project.pulumi.all([onRunning.id, onCreated.id]),
      createdAddress: onCreated.ipv4Address,
    };
  };

  const inspect = async (): Promise<any> =>
    docker()
      .getNetwork((await stack.outputs()).networkId.value)
      .inspect();
  const endpointOf = async (c: Docker.Container, networkId: string): Promise<any> =>
    Object.values((await c.inspect()).NetworkSettings.Networks).find((e: any) => e.NetworkID === networkId);
  /** A preview plans nothing, and refresh finds nothing changed. */
  const assertConverged = async (what: string): Promise<void> => {
    const p = await stack.preview({ color: "never" });
    const { same, ...changes } = p.changeSummary;
    assert.deepEqual(changes, {}, `${what}: the second preview plans ${JSON.stringify(changes)}`);
    assert.ok((same ?? 0) > 0);
    await stack.refresh({ color: "never", expectNoChanges: true } as automation.RefreshOptions);
  };

  before(async function () {
    requireCli(this);
    project = makeUserProject();
    process.chdir(project.dir);
    running = await startContainer(docker(), "conv-run");
    created = await docker().createContainer({
      name: `conv-idle-${RUN_ID}`,
      Image: TEST_IMAGE,
      Cmd: ["sleep", "3600"],
      Labels: { [TEST_LABEL]: RUN_ID },
    });
    stack = await project.stack(`conv${RUN_ID}`, program);
  });

  after(async function () {
    if (!project) return;
    process.chdir(REPO);
    try {
      await disposeStack(stack);
    } finally {
      await removeContainers([running, created].filter(Boolean));
      project.remove();
    }
  });

  it("up attaches a running and a never-started container; nothing drifts while one is not running", async () => {
    const up = await stack.up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const id = up.outputs.networkId.value;
    assert.equal((await endpointOf(running, id)).IPAddress, IP);
    const idle = (await created.inspect()).NetworkSettings.Networks;
    assert.ok(Object.keys(idle).includes((await inspect()).Name), "the created container has the network's settings");
    assert.equal(up.outputs.createdAddress.value, "", "no address before it runs");
    await assertConverged("after the first up");
  });

  it("a container started later: refresh fills in its address and endpoint; then nothing is planned", async () => {
    await created.start();
    await stack.refresh({ color: "never" });
    // Stack outputs change only on up; the resource's state is what refresh updates.
    const state = await stack.exportStack();
    const att = state.deployment.resources.find((r: any) => r.urn.endsWith("NetworkAttachment::created"));
    assert.match(att.outputs.ipv4Address, /^10\.241\.30\./);
    const live = await endpointOf(created, (await stack.outputs()).networkId.value);
    assert.equal(live.IPAddress, att.outputs.ipv4Address, "the output is the address the engine gave it");
    assert.equal(live.EndpointID, att.outputs.endpointId);
    await created.stop({ t: 0 });
    await assertConverged("after the container stopped again");
  });

  for (const [field, edit, observe, want] of REPLACES) {
    it(`replace: ${field}`, async () => {
      const oldId = (await stack.outputs()).networkId.value;
      declared = { ...declared, ...edit };
      const preview = await stack.preview({ color: "never" });
      assert.equal(preview.changeSummary.replace, 3, `${field}: ${JSON.stringify(preview.changeSummary)}`);
      const up = await stack.up({ color: "never" });
      const id = up.outputs.networkId.value;
      assert.notEqual(id, oldId, "a new network");
      await assert.rejects(docker().getNetwork(oldId).inspect(), /404|no such network/i, "the old one is gone");
      assert.deepEqual(observe(await inspect()), want, `${field} as docker network inspect shows it`);
      const e = await endpointOf(running, id);
      assert.equal(e.IPAddress, IP, "the static address is kept");
      assert.ok(e.Aliases.includes("svc"), "the alias is kept");
      if (declared.v6) assert.equal(e.GlobalIPv6Address, declared.v6.address);
      await assertConverged(field);
    });
  }

  // Edits a newer engine is needed for: applied where the engine has them; elsewhere refused by
  // the preview and by up, before the old network or endpoint is deleted (both delete first).
  for (const [field, edit, since, replaces, observe, want] of [
    [
      "gatewayModeIpv4",
      { gatewayModeIpv4: "routed" },
      "27.0",
      3,
      async () => (await inspect()).Options["com.docker.network.bridge.gateway_mode_ipv4"],
      "routed",
    ],
    [
      "gwPriority",
      { gwPriority: 5 },
      "28.0",
      1,
      async () => (await endpointOf(running, (await stack.outputs()).networkId.value)).GwPriority,
      5,
    ],
  ] as [string, Partial<Declared>, string, number, () => Promise<unknown>, unknown][]) {
    it(`replace on Engine ${since} and later: ${field}; an older engine refuses it in the preview, changing nothing`, async () => {
      const before = declared;
      const outputs = await stack.outputs();
      declared = { ...declared, ...edit };
      if (!atLeast(testEngine(), since)) {
        const refused = new RegExp(`${field}: .* needs Docker Engine ${since.replace(".", "\\.")} or later`);
        await assert.rejects(stack.preview({ color: "never" }), refused);
        await assert.rejects(stack.up({ color: "never" }), refused);
        const now = await stack.outputs();
        assert.equal(now.networkId.value, outputs.networkId.value, "the same network");
        assert.equal((await endpointOf(running, now.networkId.value)).IPAddress, IP, "still attached");
        declared = before;
        await assertConverged(`${field} refused`);
        return;
      }
      const preview = await stack.preview({ color: "never" });
      assert.equal(preview.changeSummary.replace, replaces, `${field}: ${JSON.stringify(preview.changeSummary)}`);
      await stack.up({ color: "never" });
      assert.deepEqual(await observe(), want, `${field} as docker inspect shows it`);
      assert.equal((await endpointOf(running, (await stack.outputs()).networkId.value)).IPAddress, IP);
      await assertConverged(field);
    });
  }

  it("IPv6 values in another valid spelling plan nothing; nor does the IPv4 pool the engine adds", async () => {
    declared = { ...declared, v6: { subnet: "FD00:0031:0000::/64", address: "fd00:0031:0000:0000::10" } };
    const p = await stack.preview({ color: "never" });
    assert.deepEqual(
      [p.changeSummary.replace, p.changeSummary.update, p.changeSummary.create],
      [undefined, undefined, undefined],
      JSON.stringify(p.changeSummary),
    );
    const v6only = await docker()
      .getNetwork((await stack.outputs()).v6onlyId.value)
      .inspect();
    assert.equal(v6only.IPAM?.Config?.length, 2, "the engine added an IPv4 pool");
    await stack.up({ color: "never" });
    await assertConverged("IPv6 spellings");
  });

  for (const [field, edit] of [
    ["disconnectOnDelete", { disconnectOnDelete: true }],
    ["disconnectOnDelete back", { disconnectOnDelete: false }],
    ["connection key material", { key: `key-1-${RUN_ID}` }],
    ["connection key material again", { key: `key-2-${RUN_ID}` }],
  ] as [string, Partial<Declared>][]) {
    it(`in place: ${field}`, async () => {
      const before = await stack.outputs();
      declared = { ...declared, ...edit };
      const up = await stack.up({ color: "never" });
      const { same: _same, update, ...others } = up.summary.resourceChanges ?? {};
      assert.ok((update ?? 0) >= 1, `${field}: ${JSON.stringify(up.summary.resourceChanges)}`);
      assert.deepEqual(others, {}, `${field}: only in-place updates`);
      assert.equal(up.outputs.networkId.value, before.networkId.value, "the same network");
      assert.deepEqual(up.outputs.attachments.value, before.attachments.value, "the same attachments");
      await assertConverged(field);
    });
  }
});
