/**
 * Malformed programs under `pulumi preview`, as a new user writes them (a program file run by the
 * pulumi command): each problem is reported as a message naming the resource or lookup, the field
 * and the fix, without a JavaScript stack, and the engine is left untouched.
 */
import * as assert from "node:assert/strict";
import type Docker from "dockerode";
import { RUN_ID, TEST_LABEL } from "../support/fixtures";
import { testEngine } from "../support/hooks";
import { cliProject, requireCli, type CliProject } from "./project";

const PULUMI_YAML = `name: pdn-malformed
runtime:
  name: nodejs
  options:
    typescript: true
main: index.ts
`;

const LABELS = `{ "${TEST_LABEL}": "${RUN_ID}" }`;

/** [what, the program, what the preview must print]. */
const programs: [string, string, RegExp[]][] = [
  [
    "a connection that names no socket, and an argument the resource does not take",
    `import { BridgeNetwork } from "pulumi-docker-networking";
new BridgeNetwork("web", { subnet: "10.241.30.0/24", connection: { host: "unix://" }, labels: ${LABELS} } as any);
`,
    [
      /BridgeNetwork resource 'web' has a problem: unknown argument subnet: it belongs in ipamConfigs: \[\{ subnet: \.\.\. \}\]/,
      /BridgeNetwork resource 'web' has a problem: connection\.host "unix:\/\/" names no socket/,
    ],
  ],
  [
    "an attachment to the host network",
    `import { NetworkAttachment } from "pulumi-docker-networking";
new NetworkAttachment("app", { network: "host", container: "app" });
`,
    [
      /NetworkAttachment resource 'app' has a problem: network "host": a container joins the host network only when it is created/,
    ],
  ],
  [
    "a static address on the gateway of a subnet declared in the same program",
    `import { BridgeNetwork, NetworkAttachment } from "pulumi-docker-networking";
const net = new BridgeNetwork("web", { ipamConfigs: [{ subnet: "10.241.31.0/24" }], labels: ${LABELS} });
new NetworkAttachment("app", { network: net, container: "app", ipv4Address: "10.241.31.1" });
`,
    [/NetworkAttachment resource 'app' has a problem: ipv4Address 10\.241\.31\.1 is the network's gateway/],
  ],
  [
    "a swarm service attached to a bridge network of the same program",
    `import { BridgeNetwork, ServiceAttachment } from "pulumi-docker-networking";
const net = new BridgeNetwork("web", { name: "pdn-bridge-${RUN_ID}", labels: ${LABELS} });
new ServiceAttachment("api", { network: net, service: "api" });
`,
    [
      new RegExp(
        `ServiceAttachment resource 'api' has a problem: network: BridgeNetwork "pdn-bridge-${RUN_ID}" is local to one engine, and a service's tasks join only swarm-scoped networks: give an OverlayNetwork`,
      ),
    ],
  ],
  [
    "a SwarmCluster with no manager",
    `import { SwarmCluster } from "pulumi-docker-networking";
new SwarmCluster("bad", { hosts: [{ advertiseAddr: "192.0.2.1" }], managers: 0 });
`,
    [/SwarmCluster "bad": managers 0 must be a whole number from 1 to the number of hosts \(1\)/],
  ],
  [
    "a lookup of a network that does not exist",
    `import { getNetwork } from "pulumi-docker-networking";
export const id = getNetwork({ name: "pdn-no-such-${RUN_ID}" }).then((n) => n.id);
`,
    [/getNetwork: no network named "pdn-no-such-\w+" on /],
  ],
];

describe("malformed programs under pulumi preview", function () {
  this.timeout(300_000);
  let project: CliProject | undefined;
  const networksOfRun = async (): Promise<Docker.NetworkInspectInfo[]> =>
    testEngine().docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${RUN_ID}`] } });

  before(function () {
    requireCli(this);
    project = cliProject({ files: { "Pulumi.yaml": PULUMI_YAML, "index.ts": programs[0][1] } }, `bad${RUN_ID}`);
  });

  after(() => project?.remove());

  for (const [what, program, expected] of programs) {
    it(`${what}: one readable message, no stack, nothing made`, async () => {
      const before = await networksOfRun();
      project!.write("index.ts", program);
      const r = project!.pulumi(["preview"], { allowFailure: true });
      const printed = r.stdout + r.stderr;
      assert.notEqual(r.status, 0, printed);
      for (const e of expected) assert.match(printed, e);
      assert.doesNotMatch(printed, /unhandled exception|^\s+at .*:\d+:\d+\)?$/im, "a JavaScript stack was printed");
      assert.deepEqual(await networksOfRun(), before);
    });
  }
});
