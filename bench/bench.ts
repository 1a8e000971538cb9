/**
 * `npm run bench`: for N bridge networks with one attachment each (N = 10 and 100, or the
 * numbers given as arguments), times `pulumi up`, a no-op `preview`, `refresh` and `destroy`
 * through the real CLI, and the same engine calls made directly with dockerode (the floor), and
 * prints each ratio, the engine calls each operation made (counted by a proxy in front of the
 * engine's socket), the provider process's peak memory and the state size per resource.
 * A script that prints numbers, not a test.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type Docker from "dockerode";
import { startTestEngine } from "../test/support/engine";
import { ensureTestImage, RUN_ID, startContainer, TEST_LABEL } from "../test/support/fixtures";
import { makeUserProject } from "../test/e2e/project";
import { printTable, timed, versusFloor } from "./util";

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

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const engine = await startTestEngine();
  const proxy = countingProxy(engine.host);
  process.env.DOCKER_HOST = proxy.host;
  await ensureTestImage(engine.docker);
  const project = makeUserProject();
  const repo = process.cwd();
  process.chdir(project.dir);
  const rows: string[][] = [];
  try {
    for (const n of sizes.length ? sizes : [10, 100]) {
      const containers: Docker.Container[] = [];
      for (let i = 0; i < n; i++) containers.push(await startContainer(engine.docker, `bench-${n}-${i}`));
      const ids = containers.map((c) => c.id);
      const stack = await project.stack(`bench${n}${RUN_ID}`, async () => {
        for (const [i, id] of ids.entries()) {
          const network = new project.lib.BridgeNetwork(`net-${i}`, { labels: { [TEST_LABEL]: RUN_ID } });
          new project.lib.NetworkAttachment(`att-${i}`, { network, container: id });
        }
      });
      const measure = async (op: string, fn: () => Promise<unknown>): Promise<void> => {
        proxy.reset();
        const { result: ms, peakKiB } = await withPeakProviderMemory(() => timed(fn));
        results[op] = { ms, calls: proxy.count(), peakKiB };
      };
      const results: Record<string, { ms: number; calls: number; peakKiB: number }> = {};
      await measure("up", () => stack.up({ color: "never" }));
      await measure("preview (no-op)", () => stack.preview({ color: "never" }));
      await measure("refresh", () => stack.refresh({ color: "never" }));
      const stateFile = fs
        .readdirSync(path.join(project.dir, "state/.pulumi/stacks/pdn-e2e"))
        .find((f) => f === `${stack.name}.json`)!;
      const stateBytes = fs.statSync(path.join(project.dir, "state/.pulumi/stacks/pdn-e2e", stateFile)).size;
      await measure("destroy", () => stack.destroy({ color: "never" }));
      await stack.workspace.removeStack(stack.name);
      proxy.reset();
      const direct = await floor(engine.docker, ids);
      for (const [op, r] of Object.entries(results)) {
        rows.push([
          String(n),
          op,
          ...versusFloor(op, r.ms, direct),
          String(r.calls),
          (r.peakKiB / 1024).toFixed(0),
          op === "up" ? (stateBytes / (2 * n)).toFixed(0) : "",
        ]);
      }
      await Promise.all(containers.map((c) => c.remove({ force: true })));
    }
  } finally {
    process.chdir(repo);
    project.remove();
    proxy.close();
    await engine.stop();
  }
  printTable(
    ["N", "operation", "pulumi ms", "dockerode ms", "ratio", "engine calls", "provider peak MiB", "state B/resource"],
    rows,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
