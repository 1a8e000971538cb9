/**
 * `npm run bench [N ...]`: N bridge networks with one attachment each (N = 10 and 100 unless
 * given), deployed by a program file with the `pulumi` command as users run it: `up`, a no-op
 * `preview`, `refresh` and `destroy`, next to the same engine calls made directly with dockerode
 * (the floor). It prints, per operation: the time, the time per resource over an empty stack's
 * (the slope, which stays flat when cost is linear in N), the ratio to the floor as measured and
 * net of Pulumi's fixed cost (the empty stack's time), the engine calls (counted by a proxy in
 * front of the engine's socket) in all and per resource, and the provider process's peak memory;
 * then the state's bytes per resource and how much of it is the serialized provider.
 * A script that prints numbers, not a test.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type Docker from "dockerode";
import { startTestEngine } from "../test/support/engine";
import { ensureTestImage, RUN_ID, startContainer, TEST_LABEL } from "../test/support/fixtures";
import { cliProject } from "../test/e2e/project";
import { printTable, timed } from "./util";

/** A unix-socket proxy to the engine that counts HTTP requests passing through it. */
function countingProxy(target: string): { host: string; count: () => number; reset: () => void; close: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-bench-"));
  const sock = path.join(dir, "proxy.sock");
  let n = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(new URL(target).pathname);
    client.on(
      "data",
      (d) => (n += (d.toString("latin1").match(/^(GET|POST|PUT|DELETE|HEAD) \S+ HTTP\/1\.1\r$/gm) ?? []).length),
    );
    client.pipe(upstream).pipe(client);
    const end = (): void => void (client.destroy(), upstream.destroy());
    client.on("error", end);
    upstream.on("error", end);
  });
  server.listen(sock);
  return {
    host: `unix://${sock}`,
    count: () => n,
    reset: () => void (n = 0),
    close: () => void (server.close(), fs.rmSync(dir, { recursive: true, force: true })),
  };
}

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

/** The same engine work with dockerode directly: create+connect, inspect, disconnect+remove. */
async function floor(docker: Docker, containers: string[]): Promise<Record<string, number>> {
  const ids: string[] = [];
  const create = await timed(async () => {
    for (const [i, c] of containers.entries()) {
      const n = await docker.createNetwork({ Name: `floor-${i}-${RUN_ID}`, Labels: { [TEST_LABEL]: RUN_ID } });
      await docker.getNetwork(n.id).connect({ Container: c });
      ids.push(n.id);
    }
  });
  const refresh = await timed(async () => {
    for (const [i, id] of ids.entries()) {
      await docker.getNetwork(id).inspect();
      await docker.getContainer(containers[i]).inspect();
    }
  });
  const destroy = await timed(async () => {
    for (const [i, id] of ids.entries()) {
      await docker.getNetwork(id).disconnect({ Container: containers[i] });
      await docker.getNetwork(id).remove();
    }
  });
  return { up: create, refresh, destroy };
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

const OPS: [string, string[]][] = [
  ["up", ["up", "--yes", "--skip-preview"]],
  ["preview (no-op)", ["preview", "--expect-no-changes"]],
  ["refresh", ["refresh", "--yes", "--skip-preview"]],
  ["destroy", ["destroy", "--yes", "--skip-preview"]],
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

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const engine = await startTestEngine();
  const proxy = countingProxy(engine.host);
  await ensureTestImage(engine.docker);
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
  // Printed after each N, so a later failure loses nothing measured.
  const report = (): void => {
    console.log(
      "N networks + N attachments, one `pulumi` command each; N = 0 is the empty stack (Pulumi's fixed cost)",
    );
    printTable(
      [
        "N",
        "operation",
        "pulumi ms",
        "ms/resource over empty",
        "dockerode ms",
        "pulumi/floor",
        "(pulumi - empty)/floor",
        "engine calls",
        "calls/resource",
        "provider peak MiB",
      ],
      rows,
    );
    for (const s of states) console.log(s);
  };
  let containers: Docker.Container[] = [];
  try {
    // Pulumi's fixed cost: the same operations on the empty stack.
    const empty: Record<string, number> = {};
    for (const [op, args] of OPS) empty[op] = await timed(() => pulumi(args));
    rows.push(...OPS.map(([op]) => ["0", op, empty[op].toFixed(0), "", "", "", "", "", "", ""]));
    for (const n of sizes.length ? sizes : [10, 100]) {
      containers = [];
      for (let i = 0; i < n; i++) containers.push(await startContainer(engine.docker, `bench-${n}-${i}`));
      const ids = containers.map((c) => c.id);
      project.write("containers.json", JSON.stringify(ids));
      const resources = 2 * n;
      for (const [op, args] of OPS) {
        proxy.reset();
        const { result: ms, peakKiB } = await withPeakProviderMemory(() => timed(() => pulumi(args)));
        const calls = proxy.count();
        if (op === "refresh") {
          const s = stateBytes(project.dir, stack, resources);
          states.push(
            `N=${n}: state ${s.total.toFixed(0)} B/resource, of which the serialized provider (inputs and outputs) ${s.provider.toFixed(0)} B`,
          );
        }
        rows.push([
          String(n),
          op,
          ms.toFixed(0),
          ((ms - empty[op]) / resources).toFixed(1),
          "",
          "",
          "",
          String(calls),
          (calls / resources).toFixed(2),
          (peakKiB / 1024).toFixed(0),
        ]);
      }
      project.write("containers.json", "[]");
      proxy.reset();
      const direct = await floor(engine.docker, ids);
      for (const row of rows.slice(-OPS.length)) {
        const base = direct[row[1].split(" ")[0]];
        if (base === undefined) continue;
        row[4] = base.toFixed(0);
        row[5] = (Number(row[2]) / base).toFixed(2);
        row[6] = ((Number(row[2]) - empty[row[1]]) / base).toFixed(2);
      }
      await Promise.all(containers.map((c) => c.remove({ force: true })));
      containers = [];
      report();
    }
  } finally {
    await project.start(["destroy", "--yes", "--skip-preview"]).done;
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    project.remove();
    proxy.close();
    // Not in place of the error that ended the run.
    await engine.stop().catch((e: Error) => console.error(`stopping the engine: ${e.message}`));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
