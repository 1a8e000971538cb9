/**
 * `npm run bench:swarm`: for a swarm of N lab hosts (N = 3 and 5, or the numbers given as
 * arguments; 1 manager, the rest workers), times `pulumi up` of a `SwarmCluster`, a no-op
 * `preview`, `refresh` and `destroy` through the real CLI, and the same membership changes made
 * directly with dockerode (init, joins, leaves and node removals: the floor), and prints each ratio.
 * Needs root (the lab is network namespaces). A script that prints numbers, not a test.
 */
import { makeUserProject } from "../test/e2e/project";
import { RUN_ID } from "../test/support/fixtures";
import { startLab, type LabHost } from "../test/support/lab";
import { printTable, timed, versusFloor } from "./util";

const POOL = ["10.237.0.0/16"];

/** init on the first host, joins of the others one by one, then leaves in reverse and removals. */
async function floor(hosts: LabHost[]): Promise<Record<string, number>> {
  const [first, ...rest] = hosts;
  const manager = first.docker;
  const up = await timed(async () => {
    await manager.swarmInit({ ListenAddr: "0.0.0.0:2377", AdvertiseAddr: first.address, DefaultAddrPool: POOL });
    const token = ((await manager.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
    for (const h of rest) {
      await h.docker.swarmJoin({
        ListenAddr: "0.0.0.0:2377",
        AdvertiseAddr: h.address,
        RemoteAddrs: [`${first.address}:2377`],
        JoinToken: token,
      });
    }
  });
  const refresh = await timed(async () => {
    for (const h of hosts) await h.docker.info();
    await manager.swarmInspect();
  });
  const destroy = await timed(async () => {
    for (const h of [...rest].reverse()) {
      const id = ((await h.docker.info()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
      await h.docker.swarmLeave({ force: false });
      await manager.getNode(id).remove({ force: true });
    }
    await manager.swarmLeave({ force: true });
  });
  return { up, refresh, destroy };
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 1);
  const project = makeUserProject();
  const repo = process.cwd();
  process.chdir(project.dir);
  const rows: string[][] = [];
  try {
    for (const n of sizes.length ? sizes : [3, 5]) {
      const lab = await startLab(n);
      try {
        const stack = await project.stack(`swarmbench${n}${RUN_ID}`, async () => {
          new project.lib.SwarmCluster("bench", {
            hosts: lab.hosts.map((h) => ({ connection: { host: h.host }, advertiseAddr: h.address })),
            defaultAddrPool: POOL,
          });
        });
        const results: Record<string, number> = {};
        results.up = await timed(() => stack.up({ color: "never" }));
        results["preview (no-op)"] = await timed(() => stack.preview({ color: "never" }));
        results.refresh = await timed(() => stack.refresh({ color: "never" }));
        results.destroy = await timed(() => stack.destroy({ color: "never" }));
        await stack.workspace.removeStack(stack.name);
        const direct = await floor(lab.hosts);
        for (const [op, ms] of Object.entries(results)) rows.push([String(n), op, ...versusFloor(op, ms, direct)]);
      } finally {
        await lab.stop();
      }
    }
  } finally {
    process.chdir(repo);
    project.remove();
  }
  printTable(["hosts", "operation", "pulumi ms", "dockerode ms", "ratio"], rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
