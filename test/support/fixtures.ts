/**
 * Test objects: a local busybox image (never pulled) and labelled containers. Everything a test
 * creates carries TEST_LABEL, so the leak check can prove nothing is left.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import type Docker from "dockerode";

export const TEST_LABEL = "pulumi-docker-networking.test";
export const TEST_IMAGE = "pdn-test-busybox:2";
/** Distinguishes this run's objects (names and label values). */
export const RUN_ID = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

const BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"].find((p) => fs.existsSync(p));
const APPLETS = ["sh", "ping", "ip", "sleep", "nc", "cat", "hostname", "ifconfig", "nslookup", "wget", "true"];

/** Imports an image made of the static busybox binary and its applet links, once per engine. */
export async function ensureTestImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return;
  } catch {
    // not there yet
  }
  if (!BUSYBOX) throw new Error("busybox-static is not installed (apt-get install busybox-static)");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-rootfs-"));
  try {
    fs.mkdirSync(path.join(root, "bin"));
    fs.copyFileSync(BUSYBOX, path.join(root, "bin/busybox"));
    fs.chmodSync(path.join(root, "bin/busybox"), 0o755);
    for (const a of APPLETS) fs.symlinkSync("busybox", path.join(root, "bin", a));
    const tar = execFileSync("tar", ["-C", root, "-c", "."], { maxBuffer: 64 << 20 });
    const stream = await docker.importImage(Readable.from([tar]), {
      repo: TEST_IMAGE.split(":")[0],
      tag: TEST_IMAGE.split(":")[1],
      changes: [`LABEL ${TEST_LABEL}=image`],
    } as object);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Starts a labelled test container that sleeps; removed by {@link removeTestObjects}. */
export async function startContainer(docker: Docker, name: string): Promise<Docker.Container> {
  const c = await docker.createContainer({
    name: `${name}-${RUN_ID}`,
    Image: TEST_IMAGE,
    Cmd: ["sleep", "3600"],
    Labels: { [TEST_LABEL]: RUN_ID },
    HostConfig: { AutoRemove: false },
  });
  await c.start();
  return c;
}

/** Runs a command in a container; resolves to its exit code and output. */
export async function exec(
  docker: Docker,
  container: string,
  cmd: string[],
): Promise<{ code: number; output: string }> {
  const e = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (d: Buffer) => chunks.push(d));
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const info = await e.inspect();
  // Demultiplex docker's 8-byte frame headers.
  const raw = Buffer.concat(chunks);
  let output = "";
  for (let i = 0; i + 8 <= raw.length;) {
    const len = raw.readUInt32BE(i + 4);
    output += raw.subarray(i + 8, i + 8 + len).toString();
    i += 8 + len;
  }
  return { code: info.ExitCode ?? -1, output };
}

/** What this run left behind: containers with the test label, networks with the test label. */
export async function leftovers(docker: Docker): Promise<string[]> {
  const filters = { label: [`${TEST_LABEL}=${RUN_ID}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`)];
}

/** Removes test containers (tests' own cleanup). */
export async function removeContainers(containers: Docker.Container[]): Promise<void> {
  await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
}
