/**
 * A user's own project through the `pulumi` command line (no Automation API): Pulumi.yaml and
 * index.ts in a new directory, the library installed from its tarball, `pulumi stack init`,
 * `pulumi up --yes`, edits to index.ts followed by `pulumi preview --diff`, `pulumi destroy --yes`.
 * Asserts what the engine has and what the CLI printed.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { removeContainers, RUN_ID, startContainer, TEST_LABEL } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { cliProject, requireCli, type CliProject } from "./project";

const PULUMI_YAML = `name: pdn-cli-user
runtime:
  name: nodejs
  options:
    typescript: true
main: index.ts
`;

/** The user's program, with the subnet they are editing. */
const program = (
  subnet: string,
  container: string,
): string => `import { BridgeNetwork, NetworkAttachment } from "pulumi-docker-networking";

const net = new BridgeNetwork("web", {
  ipamConfigs: [{ subnet: "${subnet}" }],
  labels: { "${TEST_LABEL}": "${RUN_ID}" },
});
const attachment = new NetworkAttachment("web-a", { network: net, container: "${container}", aliases: ["a"] });

export const networkId = net.networkId;
export const address = attachment.ipv4Address;
`;

describe("a user's project with the pulumi command line", function () {
  this.timeout(300_000);
  let project: CliProject | undefined;
  let container: Docker.Container | undefined;
  let name = "";
  /** The network name the last preview planned. */
  let planned = "";
  const docker = (): Docker => testEngine().docker;
  const networksOfRun = async (): Promise<Docker.NetworkInspectInfo[]> =>
    docker().listNetworks({ filters: { label: [`${TEST_LABEL}=${RUN_ID}`] } });
  const attachedTo = async (): Promise<string[]> =>
    Object.values((await container!.inspect()).NetworkSettings.Networks).map((e) => e.NetworkID);

  before(async function () {
    requireCli(this);
    container = await startContainer(docker(), "cli-a");
    name = (await container.inspect()).Name.slice(1);
    project = cliProject(
      { files: { "Pulumi.yaml": PULUMI_YAML, "index.ts": program("10.241.20.0/24", name) } },
      `cli${RUN_ID}`,
    );
  });

  after(async () => {
    project?.pulumi(["destroy", "--yes"], { allowFailure: true });
    project?.remove();
    if (container) await removeContainers([container]);
  });

  it("up --yes creates the network the preview showed, by name, and plugs the container in", async () => {
    const { stdout } = project!.pulumi(["preview", "--diff"]);
    planned = /^ +name +: +"(web-[0-9a-f]{7})"$/m.exec(stdout)?.[1] ?? `(no name in the preview: ${stdout})`;
    project!.pulumi(["up", "--yes"]);
    const nets = await networksOfRun();
    assert.equal(nets.length, 1);
    assert.equal(nets[0].Name, planned, "the name the preview showed");
    assert.equal(nets[0].IPAM?.Config?.[0].Subnet, "10.241.20.0/24");
    assert.ok((await attachedTo()).includes(nets[0].Id));
  });

  it("after an edit, preview --diff shows the replacement and why, and changes nothing", async () => {
    const before = (await networksOfRun()).map((n) => n.Id);
    project!.write("index.ts", program("10.241.21.0/24", name));
    const { stdout } = project!.pulumi(["preview", "--diff"]);
    assert.match(stdout, /\+-\s*pulumi-nodejs:dynamic\/docker-networking:BridgeNetwork: \(replace\)/);
    assert.match(stdout, /subnet\s*:\s*"10\.241\.20\.0\/24" => "10\.241\.21\.0\/24"/);
    const renamed = /name\s*:\s*"(web-[0-9a-f]{7})" => "(web-[0-9a-f]{7})"/.exec(stdout);
    assert.ok(renamed, `the preview shows the replacement's new name: ${stdout}`);
    assert.equal(renamed[1], planned);
    planned = renamed[2];
    assert.match(stdout, /\+-\s*pulumi-nodejs:dynamic\/docker-networking:NetworkAttachment: \(replace\)/);
    assert.doesNotMatch(stdout, /connection/, "an attachment whose network has no connection shows none");
    assert.match(stdout, /\+-2 to replace/);
    assert.deepEqual(
      (await networksOfRun()).map((n) => n.Id),
      before,
    );
  });

  it("a bad edit: preview fails naming the field once, readably, and nothing changes", async () => {
    const before = (await networksOfRun()).map((n) => n.Id);
    project!.write("index.ts", program("10.241.21.0/33", name));
    const r = project!.pulumi(["preview"], { allowFailure: true });
    assert.notEqual(r.status, 0);
    const printed = r.stdout + r.stderr;
    assert.match(
      printed,
      /BridgeNetwork resource 'web' has a problem: ipamConfigs\[0\]\.subnet "10\.241\.21\.0\/33": prefix must be 0-32/,
    );
    assert.doesNotMatch(printed, /<nil>|property ipamConfigs/);
    assert.deepEqual(
      (await networksOfRun()).map((n) => n.Id),
      before,
    );
  });

  it("up --yes applies the edit: a new network on the new subnet, named as the preview showed, the container moved to it without a moment off the network", async () => {
    project!.write("index.ts", program("10.241.21.0/24", name));
    const oldIds = (await networksOfRun()).map((n) => n.Id);
    // The auto-named network is made before the old one goes, so the container always has one of
    // the two: its networks are sampled as fast as the engine answers while up runs.
    const up = project!.start(["up", "--yes"]);
    let finished = false;
    void up.done.then(() => (finished = true));
    const samples: number[] = [];
    while (!finished) {
      const names = Object.keys((await container!.inspect()).NetworkSettings.Networks);
      samples.push(names.filter((n) => /^web-[0-9a-f]{7}$/.test(n)).length);
    }
    const result = await up.done;
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const off = samples.filter((n) => n === 0).length;
    assert.equal(
      off,
      0,
      `${off} of ${samples.length} samples during up found the container on no network of the stack`,
    );
    assert.ok(
      samples.some((n) => n === 2),
      `no sample saw both networks at once (${samples.length} samples): the new one was not made first`,
    );
    const nets = await networksOfRun();
    assert.equal(nets.length, 1);
    assert.notDeepEqual([nets[0].Id], oldIds);
    assert.equal(nets[0].IPAM?.Config?.[0].Subnet, "10.241.21.0/24");
    assert.equal(nets[0].Name, planned, "the name the preview showed for the replacement");
    assert.ok((await attachedTo()).includes(nets[0].Id));
    project!.pulumi(["preview", "--expect-no-changes"]);
  });

  it("destroy --yes removes the network and unplugs the container", async () => {
    project!.pulumi(["destroy", "--yes"]);
    assert.deepEqual(await networksOfRun(), []);
    assert.deepEqual(Object.keys((await container!.inspect()).NetworkSettings.Networks), ["bridge"]);
  });
});
