/**
 * The Docker engine tests talk to. With `PDN_ENGINE` set (20.10, 26.1, 28.5, 29.8), always a private
 * engine of that version; otherwise `DOCKER_HOST` or the default socket when reachable, else a
 * private engine of the machine's own dockerd. A private engine (root needed) has its own
 * data-root, exec-root, pidfile, socket, bridge address and default address pools big enough for
 * 1,280 /24 networks, and is stopped afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Docker from "dockerode";
import { dockerdCommand, requestedEngine, type EngineVersion } from "./dockerd";

export interface TestEngine {
  readonly host: string;
  /** The engine's version as it reports it (`docker version`). */
  readonly version: string;
  /** The Engine API version it reports (`docker version` → ApiVersion). */
  readonly apiVersion: string;
  readonly docker: Docker;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function dockerFor(host: string): Docker {
  return new Docker({ socketPath: new URL(host).pathname, timeout: 30_000 });
}

async function reachable(host: string): Promise<boolean> {
  if (!host.startsWith("unix://") || !fs.existsSync(new URL(host).pathname)) return false;
  try {
    await dockerFor(host).ping();
    return true;
  } catch {
    return false;
  }
}

/** The path of an installed command: on PATH, or in the sbin/bin directories root's PATH has. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return ["/usr/sbin", "/usr/bin", "/sbin"].map((d) => path.join(d, cmd)).find((p) => fs.existsSync(p));
}

/**
 * Removes every container and network a run left on a private engine before it stops: a
 * network's bridge and firewall rules stay on the host after its engine is gone, and hundreds of
 * them (a crashed benchmark's) slow every later engine's network calls. Best effort.
 */
async function sweep(docker: Docker): Promise<void> {
  const ignore = (): undefined => undefined;
  for (const c of (await docker.listContainers({ all: true }).catch(() => [])) as Docker.ContainerInfo[]) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(ignore);
  }
  for (const n of (await docker.listNetworks().catch(() => [])) as Docker.NetworkInspectInfo[]) {
    if (!["bridge", "host", "none"].includes(n.Name)) await docker.getNetwork(n.Id).remove().catch(ignore);
  }
}

/** What `docker version` says of the engine: its release and API version. */
export async function versionOf(docker: Docker): Promise<{ version: string; apiVersion: string }> {
  const v = await docker.version();
  return { version: v.Version, apiVersion: v.ApiVersion };
}

/** Starts a private dockerd of `version` (undefined: the machine's own); resolves once it answers ping (bounded wait). */
async function startPrivate(version: EngineVersion | undefined): Promise<TestEngine> {
  if (process.getuid?.() !== 0 || (!version && !which("dockerd"))) {
    throw new Error(
      "No Docker engine: DOCKER_HOST is unset/unreachable and /var/run/docker.sock does not answer; " +
        "run as root (with docker.io installed, or PDN_ENGINE set) to let the tests start a private one",
    );
  }
  // Under /tmp, which an engine from another root shares (see dockerd.ts); short, since unix
  // socket paths are limited to 107 bytes.
  const dir = fs.mkdtempSync(path.join("/tmp", "pdn-engine-"));
  const host = `unix://${dir}/docker.sock`;
  const log = fs.openSync(path.join(dir, "dockerd.log"), "a");
  const [file, ...args] = dockerdCommand(version, {}, [
    `--data-root=${dir}/data`,
    `--exec-root=${dir}/exec`,
    `--pidfile=${dir}/docker.pid`,
    `--host=${host}`,
    // Room for the benchmark's 500 containers on the default bridge and 2 x 500 networks.
    "--bip=10.231.0.1/22",
    "--default-address-pool=base=10.232.0.0/16,size=24",
    "--default-address-pool=base=10.216.0.0/14,size=24",
    "--storage-driver=overlay2",
  ]);
  const child: ChildProcess = spawn(file, args, { stdio: ["ignore", log, log], detached: false });
  const docker = dockerFor(host);
  for (let i = 0; i < 120 && !(await reachable(host)); i++) {
    if (child.exitCode !== null) break;
    await sleep(250);
  }
  if (!(await reachable(host))) {
    child.kill("SIGKILL");
    const tail = fs.readFileSync(path.join(dir, "dockerd.log"), "utf8").split("\n").slice(-20).join("\n");
    throw new Error(`private dockerd ${version ?? "(the machine's)"} did not come up within 30 s:\n${tail}`);
  }
  return {
    host,
    docker,
    ...(await versionOf(docker)),
    async stop() {
      await sweep(docker);
      child.kill("SIGTERM");
      for (let i = 0; i < 80 && child.exitCode === null && child.signalCode === null; i++) await sleep(250);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

export async function startTestEngine(): Promise<TestEngine> {
  const version = requestedEngine();
  if (version) return startPrivate(version);
  for (const host of [process.env.DOCKER_HOST, "unix:///var/run/docker.sock"]) {
    if (host && (await reachable(host))) {
      const docker = dockerFor(host);
      return { host, docker, ...(await versionOf(docker)), stop: async () => {} };
    }
  }
  return startPrivate(undefined);
}
