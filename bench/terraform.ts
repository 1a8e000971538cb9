/**
 * This library against Terraform's Docker provider (kreuzwerker/docker, built by
 * scripts/provide-terraform-docker.sh) and the dockerode floor, on one engine and the same work:
 * N bridge networks, each with a /24 and two labels (networks only: Terraform cannot attach an
 * existing container). Both tools run as users run them (`pulumi` on a program file, `terraform`
 * on a .tf file); the three are interleaved, and each operation's median of the rounds is printed
 * with its ratio to the floor and to Terraform. Part of `npm run bench`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type Docker from "dockerode";
import type { TestEngine } from "../test/support/engine";
import { RUN_ID, TEST_LABEL } from "../test/support/fixtures";
import { cliProject } from "../test/e2e/project";
import { median, printTable, timed } from "./util";

const OPS = ["up", "preview (no-op)", "refresh", "destroy"] as const;
type Op = (typeof OPS)[number];

/** The i-th /24 of a tool's own range (0: this library, 1: Terraform, 2: the floor), up to 1024 each. */
const MAX_N = 1024;
const subnet = (tool: number, i: number): string => `10.${200 + 4 * tool + Math.floor(i / 256)}.${i % 256}.0/24`;

function pulumiProgram(n: number): string {
  return `import { BridgeNetwork } from "pulumi-docker-networking";
for (let i = 0; i < ${n}; i++) {
  new BridgeNetwork(\`net-\${i}\`, {
    ipamConfigs: [{ subnet: \`10.\${200 + Math.floor(i / 256)}.\${i % 256}.0/24\` }],
    labels: { "${TEST_LABEL}": "${RUN_ID}", tier: "bench" },
  });
}
`;
}

function terraformConfig(n: number, host: string): string {
  return `terraform {
  required_providers {
    docker = { source = "kreuzwerker/docker" }
  }
}
provider "docker" {
  host = "${host}"
}
resource "docker_network" "net" {
  count = ${n}
  name  = "tf-\${count.index}-${RUN_ID}"
  ipam_config {
    subnet = "10.\${204 + floor(count.index / 256)}.\${count.index % 256}.0/24"
  }
  labels {
    label = "${TEST_LABEL}"
    value = "${RUN_ID}"
  }
  labels {
    label = "tier"
    value = "bench"
  }
}
`;
}

/** The Terraform CLI config that points at the provider built from source; throws saying why it cannot be had. */
export function provideTerraform(): string {
  return execFileSync("bash", ["scripts/provide-terraform-docker.sh"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** Runs the comparison for each N (`rounds` interleaved rounds) and prints its table. */
export async function compareWithTerraform(
  engine: TestEngine,
  sizes: number[],
  rounds: number,
  tfrc: string,
): Promise<void> {
  const rows: string[][] = [];
  for (const n of sizes) {
    if (n > MAX_N) throw new Error(`N ${n}: at most ${MAX_N} (the /24s of each tool's address range)`);
    const times: Record<"pulumi" | "terraform" | "floor", Record<Op, number[]>> = {
      pulumi: { up: [], "preview (no-op)": [], refresh: [], destroy: [] },
      terraform: { up: [], "preview (no-op)": [], refresh: [], destroy: [] },
      floor: { up: [], "preview (no-op)": [], refresh: [], destroy: [] },
    };
    const project = cliProject(
      {
        files: {
          "Pulumi.yaml":
            "name: pdn-bench\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n",
          "index.ts": pulumiProgram(n),
        },
      },
      `benchtf${n}${RUN_ID}`,
    );
    const tfDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-tf-"));
    fs.writeFileSync(path.join(tfDir, "main.tf"), terraformConfig(n, engine.host));
    const tf = (...args: string[]): unknown =>
      execFileSync("terraform", [...args, "-no-color", "-input=false"], {
        cwd: tfDir,
        env: { ...process.env, TF_CLI_CONFIG_FILE: tfrc, TF_IN_AUTOMATION: "1" },
        stdio: "pipe",
        maxBuffer: 64 << 20,
      });
    try {
      for (let round = 0; round < rounds; round++) {
        for (const [op, fn] of [
          ["up", () => project.pulumi(["up", "--yes", "--skip-preview"])],
          ["preview (no-op)", () => project.pulumi(["preview", "--expect-no-changes"])],
          ["refresh", () => project.pulumi(["refresh", "--yes", "--skip-preview"])],
          ["destroy", () => project.pulumi(["destroy", "--yes", "--skip-preview"])],
        ] as [Op, () => unknown][]) {
          times.pulumi[op].push(await timed(async () => fn()));
        }
        for (const [op, fn] of [
          ["up", () => tf("apply", "-auto-approve")],
          ["preview (no-op)", () => tf("plan", "-detailed-exitcode")],
          ["refresh", () => tf("apply", "-refresh-only", "-auto-approve")],
          ["destroy", () => tf("destroy", "-auto-approve")],
        ] as [Op, () => unknown][]) {
          times.terraform[op].push(await timed(async () => fn()));
        }
        const f = await floor(engine.docker, n, round);
        for (const op of ["up", "refresh", "destroy"] as const) times.floor[op].push(f[op]);
      }
    } finally {
      project.pulumi(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
      project.remove();
      try {
        tf("destroy", "-auto-approve");
      } catch {
        // nothing left to destroy
      }
      fs.rmSync(tfDir, { recursive: true, force: true });
    }
    for (const op of OPS) {
      const [p, t] = [median(times.pulumi[op]), median(times.terraform[op])];
      const f = times.floor[op].length ? median(times.floor[op]) : undefined;
      rows.push([
        String(n),
        op,
        p.toFixed(0),
        t.toFixed(0),
        f === undefined ? "-" : f.toFixed(0),
        (p / t).toFixed(2),
        f === undefined ? "-" : (p / f).toFixed(1),
        f === undefined ? "-" : (t / f).toFixed(1),
        (p / n).toFixed(1),
        (t / n).toFixed(1),
      ]);
    }
    console.log(
      `\nN bridge networks (a /24 and two labels each), this library against Terraform; medians of ${rounds} interleaved rounds`,
    );
    printTable(
      [
        "N",
        "operation",
        "pulumi ms",
        "terraform ms",
        "dockerode ms",
        "pulumi/terraform",
        "pulumi/floor",
        "terraform/floor",
        "pulumi ms/network",
        "terraform ms/network",
      ],
      rows,
    );
  }
}

/** The same engine calls made with dockerode directly: create and inspect, inspect, remove. */
async function floor(docker: Docker, n: number, round: number): Promise<Record<"up" | "refresh" | "destroy", number>> {
  const ids: string[] = [];
  const up = await timed(async () => {
    for (let i = 0; i < n; i++) {
      const created = await docker.createNetwork({
        Name: `floor-${round}-${i}-${RUN_ID}`,
        IPAM: { Config: [{ Subnet: subnet(2, i) }] },
        Labels: { [TEST_LABEL]: RUN_ID, tier: "bench" },
      });
      // As the library does, for the outputs (subnet, gateway, options as the engine set them).
      await docker.getNetwork(created.id).inspect();
      ids.push(created.id);
    }
  });
  const refresh = await timed(async () => {
    for (const id of ids) await docker.getNetwork(id).inspect();
  });
  const destroy = await timed(async () => {
    for (const id of ids) await docker.getNetwork(id).remove();
  });
  return { up, refresh, destroy };
}
