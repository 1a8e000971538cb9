/**
 * `npm run bench [N ...]`: what this library's operations cost, as users run them (the `pulumi`
 * command on a program file), against the engine floor and against Terraform. Two parts, one engine:
 * 1. Against Terraform's Docker provider (bench/terraform.ts): N networks only, N = 10 and 100.
 * 2. N bridge networks with one attachment each (N = 10, 100 and 500): `up`, a no-op `preview`,
 *    `refresh` and `destroy`, interleaved with the same engine calls made with dockerode (the
 *    floor: the faster of one at a time and as many at once as Pulumi's default `--parallel`).
 *    Printed per operation: the time, the time per resource over an empty stack's (the slope, flat when cost
 *    is linear in N), the ratio to the floor as measured and net of Pulumi's fixed cost (the empty
 *    stack's time), the engine calls (counted by a proxy in front of the engine's socket) in all
 *    and per resource, and the provider process's peak memory; then the state's bytes per
 *    resource and how much of it is the serialized provider.
 *    `up` and `destroy` run again with `--parallel` wide enough for every step at once, and when
 *    `up` sent the network creates and the connects is printed: Pulumi's step order shows there.
 * Times are medians of PDN_BENCH_ROUNDS rounds (default 3). Given N replace both parts' defaults;
 * PDN_BENCH_TERRAFORM=0 leaves part 1 out. A script that prints numbers, not a test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import DockerClient from "dockerode";
import type Docker from "dockerode";
import { startTestEngine, type TestEngine } from "../test/support/engine";
import { ensureTestImage, RUN_ID, startContainer, TEST_LABEL } from "../test/support/fixtures";
import { cliProject } from "../test/e2e/project";
import { engineProxy, type EngineProxy } from "../test/support/proxy";
import { compareWithTerraform, provideTerraform } from "./terraform";
import { eachLimit, median, printTable, timed } from "./util";

const ROUNDS = Number(process.env.PDN_BENCH_ROUNDS ?? 3);
/** Pulumi's `--parallel` default (4 per CPU, as its CLI computes it), for the floor's concurrent run. */
const PARALLEL = 4 * os.availableParallelism();

/** "first-last s" of a list of ms, or "none". */
const span = (ms: number[]): string =>
  ms.length ? `${(Math.min(...ms) / 1000).toFixed(1)}-${(Math.max(...ms) / 1000).toFixed(1)} s` : "none";

/** When the requests of `proxy` whose route matches `re` were sent, as "first-last s". */
const sent = (proxy: EngineProxy, re: RegExp): string =>
  span(
    proxy
      .requests()
      .filter((r) => r.method === "POST" && re.test(r.route))
      .map((r) => r.at),
  );

/** Peak resident memory (VmHWM, KiB) of dynamic-provider processes seen while `fn` runs. */
async function withPeakProviderMemory<T>(fn: () => Promise<T>): Promise<{ result: T; peakKiB: number }> {
  let peak = 0;
  const poll = setInterval(() => {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
        const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peak = Math.max(peak, Number(hwm[1]));
      } catch {
        // the process ended meanwhile
      }
    }
  }, 50);
  try {
    return { result: await fn(), peakKiB: peak };
  } finally {
    clearInterval(poll);
  }
}

/**
 * The engine calls the library makes, made with dockerode directly, `limit` containers at once:
 * the label list once, then per container create and inspect the network, connect and inspect the
 * container (up); inspect both (refresh); disconnect, remove (destroy).
 */
async function floorRun(
  docker: Docker,
  containers: string[],
  limit: number,
  tag: string,
): Promise<Record<"up" | "refresh" | "destroy", number>> {
  const ids: string[] = [];
  const up = await timed(async () => {
    await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${RUN_ID}`] } });
    await eachLimit(containers, limit, async (c, i) => {
      const n = await docker.createNetwork({ Name: `floor-${tag}-${i}-${RUN_ID}`, Labels: { [TEST_LABEL]: RUN_ID } });
      await docker.getNetwork(n.id).inspect();
      await docker.getNetwork(n.id).connect({ Container: c });
      await docker.getContainer(c).inspect();
      ids[i] = n.id;
    });
  });
  const refresh = await timed(() =>
    eachLimit(ids, limit, async (id, i) => {
      await docker.getNetwork(id).inspect();
      await docker.getContainer(containers[i]).inspect();
    }),
  );
  const destroy = await timed(() =>
    eachLimit(ids, limit, async (id, i) => {
      await docker.getNetwork(id).disconnect({ Container: containers[i] });
      await docker.getNetwork(id).remove();
    }),
  );
  return { up, refresh, destroy };
}

/** The floor: the faster of the calls made one at a time and `PARALLEL` at once, per operation. */
async function floor(docker: Docker, containers: string[], round: number): Promise<Record<string, number>> {
  const one = await floorRun(docker, containers, 1, `${round}s`);
  const many = await floorRun(docker, containers, PARALLEL, `${round}p`);
  return Object.fromEntries(Object.entries(one).map(([op, ms]) => [op, Math.min(ms, many[op as keyof typeof one])]));
}

/** The program a user would write: a network and an attachment per container listed in containers.json. */
const PROGRAM = `import * as fs from "node:fs";
import { BridgeNetwork, NetworkAttachment } from "pulumi-docker-networking";

const containers: string[] = JSON.parse(fs.readFileSync("containers.json", "utf8"));
containers.forEach((container, i) => {
  const network = new BridgeNetwork(\`net-\${i}\`, { labels: { "${TEST_LABEL}": "${RUN_ID}" } });
  new NetworkAttachment(\`att-\${i}\`, { network, container });
});
`;

/**
 * Enough `--parallel` for every step of the largest stack at once: Pulumi dispatches steps in the
 * order the program registered them, at most `--parallel` at a time, so at its default the
 * attachments wait until nearly every network's create has started.
 */
const WIDE = 1024;

const OPS: [string, string[]][] = [
  ["up", ["up", "--yes", "--skip-preview"]],
  ["preview (no-op)", ["preview", "--expect-no-changes"]],
  ["refresh", ["refresh", "--yes", "--skip-preview"]],
  ["destroy", ["destroy", "--yes", "--skip-preview"]],
  [`up --parallel ${WIDE}`, ["up", "--yes", "--skip-preview", "--parallel", String(WIDE)]],
  [`destroy --parallel ${WIDE}`, ["destroy", "--yes", "--skip-preview", "--parallel", String(WIDE)]],
];

/** Bytes per resource of the stack's state file, and of them the serialized provider's. */
function stateBytes(dir: string, stack: string, resources: number): { total: number; provider: number } {
  const file = path.join(dir, "state/.pulumi/stacks/pdn-bench", `${stack}.json`);
  const text = fs.readFileSync(file, "utf8");
  const provider = (JSON.parse(text).checkpoint.latest.resources as { inputs?: any; outputs?: any }[]) // eslint-disable-line @typescript-eslint/no-explicit-any
    .flatMap((r) => [r.inputs?.__provider, r.outputs?.__provider])
    .filter((p): p is string => typeof p === "string")
    .reduce((sum, p) => sum + JSON.stringify(p).length, 0);
  return { total: Buffer.byteLength(text) / resources, provider: provider / resources };
}

/** Part 2: N networks + N attachments for each N, against the floor; prints its table after each N. */
async function networksAndAttachments(engine: TestEngine, sizes: number[]): Promise<void> {
  const proxy = engineProxy(engine.host);
  // Through the counting proxy, the floor's calls as much as Pulumi's.
  const docker = new DockerClient({ socketPath: new URL(proxy.host).pathname, timeout: 120_000 });
  process.env.DOCKER_HOST = proxy.host;
  const stack = `bench${RUN_ID}`;
  const project = cliProject(
    {
      files: {
        "Pulumi.yaml": "name: pdn-bench\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n",
        "index.ts": PROGRAM,
        "containers.json": "[]",
      },
    },
    stack,
  );
  const pulumi = async (args: string[]): Promise<void> => {
    const r = await project.start(args).done;
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  };
  const rows: string[][] = [];
  const states: string[] = [];
  const timelines: string[] = [];
  const report = (): void => {
    console.log(
      `\nN networks + N attachments, one \`pulumi\` command each; N = 0 is the empty stack (Pulumi's fixed cost); medians of ${ROUNDS} interleaved rounds`,
    );
    printTable(
      [
        "N",
        "operation",
        "pulumi ms",
        "ms/resource over empty",
        "floor ms",
        "pulumi/floor",
        "(pulumi - empty)/floor",
        "engine calls",
        "calls/resource",
        "provider peak MiB",
      ],
      rows,
    );
    for (const s of [...timelines, ...states]) console.log(s);
  };
  let containers: Docker.Container[] = [];
  try {
    // Pulumi's fixed cost: the same operations on the empty stack.
    const emptyRuns: Record<string, number[]> = Object.fromEntries(OPS.map(([op]) => [op, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const [op, args] of OPS) emptyRuns[op].push(await timed(() => pulumi(args)));
    const empty = Object.fromEntries(OPS.map(([op]) => [op, median(emptyRuns[op])]));
    rows.push(...OPS.map(([op]) => ["0", op, empty[op].toFixed(0), "", "", "", "", "", "", ""]));
    for (const n of sizes) {
      containers = [];
      for (let i = 0; i < n; i++) containers.push(await startContainer(engine.docker, `bench-${n}-${i}`));
      const ids = containers.map((c) => c.id);
      const resources = 2 * n;
      const runs: Record<string, { ms: number[]; calls: number; peakKiB: number }> = Object.fromEntries(
        OPS.map(([op]) => [op, { ms: [], calls: 0, peakKiB: 0 }]),
      );
      const floors: Record<string, number[]> = { up: [], refresh: [], destroy: [] };
      for (let round = 0; round < ROUNDS; round++) {
        project.write("containers.json", JSON.stringify(ids));
        for (const [op, args] of OPS) {
          proxy.reset();
          const { result: ms, peakKiB } = await withPeakProviderMemory(() => timed(() => pulumi(args)));
          runs[op].ms.push(ms);
          runs[op].calls = proxy.requests().length;
          runs[op].peakKiB = Math.max(runs[op].peakKiB, peakKiB);
          if (op.startsWith("up") && round === ROUNDS - 1) {
            timelines.push(
              `N=${n}, ${op}: network creates sent at ${sent(proxy, /^\/networks\/create$/)}, connects at ${sent(proxy, /^\/networks\/[^/]+\/connect$/)} (of ${(ms / 1000).toFixed(1)} s)`,
            );
          }
          if (op === "refresh" && round === 0) {
            const s = stateBytes(project.dir, stack, resources);
            states.push(
              `N=${n}: state ${s.total.toFixed(0)} B/resource, of which the serialized provider (inputs and outputs) ${s.provider.toFixed(0)} B`,
            );
          }
        }
        project.write("containers.json", "[]");
        const f = await floor(docker, ids, round);
        for (const op of Object.keys(floors)) floors[op].push(f[op]);
      }
      for (const [op] of OPS) {
        const ms = median(runs[op].ms);
        const base = floors[op.split(" ")[0]];
        const f = base ? median(base) : undefined;
        rows.push([
          String(n),
          op,
          ms.toFixed(0),
          ((ms - empty[op]) / resources).toFixed(1),
          f === undefined ? "-" : f.toFixed(0),
          f === undefined ? "-" : (ms / f).toFixed(2),
          f === undefined ? "-" : ((ms - empty[op]) / f).toFixed(2),
          String(runs[op].calls),
          (runs[op].calls / resources).toFixed(2),
          (runs[op].peakKiB / 1024).toFixed(0),
        ]);
      }
      // A few at a time: 500 removals at once outlast the client's 120 s timeout ("socket hang up").
      await eachLimit(containers, PARALLEL, (c) => c.remove({ force: true }));
      containers = [];
      report();
    }
  } finally {
    await project.start(["destroy", "--yes", "--skip-preview"]).done;
    await eachLimit(containers, PARALLEL, (c) => c.remove({ force: true }).catch(() => undefined));
    project.remove();
    proxy.close();
  }
}

async function main(): Promise<void> {
  const given = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  let tfrc: string | undefined;
  if (process.env.PDN_BENCH_TERRAFORM === "0") console.log("Terraform is not compared: PDN_BENCH_TERRAFORM=0");
  else {
    try {
      tfrc = provideTerraform();
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      console.log(`Terraform is not compared: ${(err.stderr || err.message).trim().split("\n").slice(-5).join("\n")}`);
    }
  }
  const engine = await startTestEngine();
  try {
    await ensureTestImage(engine.docker);
    if (tfrc) {
      process.env.DOCKER_HOST = engine.host;
      await compareWithTerraform(engine, given.length ? given : [10, 100], ROUNDS, tfrc);
    }
    await networksAndAttachments(engine, given.length ? given : [10, 100, 500]);
  } finally {
    // Not in place of the error that ended the run.
    await engine.stop().catch((e: Error) => console.error(`stopping the engine: ${e.message}`));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
