/**
 * A multi-host lab on one machine: N Docker engines as N "hosts", each `dockerd` in its own
 * network namespace and UTS namespace (own hostname), joined by veth pairs to a lab bridge with a
 * /24 of its own. Optional per host: a TLS `tcp://` listener and an `sshd` whose only command is
 * `docker system dial-stdio` on that host's engine. `stop()` removes every process, namespace,
 * link, firewall rule, mount and file the lab made; {@link labLeftovers} proves it.
 *
 * Started with `nsenter --net=...`: `ip netns exec` remounts /sys and dockerd then fails on
 * cgroups. The host's own dockerd sets FORWARD to DROP with bridge-nf-call-iptables on, so the
 * lab bridge gets an ACCEPT rule, or swarm joins time out.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Docker from "dockerode";
import { DEFAULT_PROBE_IMAGE } from "../../provider/model/probe";
import { dockerdCommand, requestedEngine } from "./dockerd";
import { which } from "./engine";
import { ensureTestImage, TEST_IMAGE } from "./fixtures";

export interface LabTls {
  /** `tcp://<address>:2376`. */
  readonly host: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** A CA that did not sign the server's certificate. */
  readonly wrongCa: string;
}

export interface LabSsh {
  /** `ssh://root@<address>:22`. */
  readonly host: string;
  /** The authorized private key (OpenSSH format). */
  readonly key: string;
  /** A key the host does not accept. */
  readonly wrongKey: string;
}

export interface LabHost {
  /** Hostname, as the swarm node list shows it. */
  readonly hostname: string;
  /** Address on the lab bridge (advertise address). */
  readonly address: string;
  /** `unix://` socket of this host's engine (reachable from the test process). */
  readonly host: string;
  readonly docker: Docker;
  /** The engine's log file. */
  readonly log: string;
  readonly tls?: LabTls;
  readonly ssh?: LabSsh;
}

export interface Lab {
  readonly id: string;
  readonly hosts: LabHost[];
  /** Kills host `i`'s engine (dockerd and its containerd) with SIGKILL, as a crash would; the containers' shims live on. */
  killEngine(i: number): Promise<void>;
  /** Starts host `i`'s engine again on the same data; resolves once it answers. */
  startEngine(i: number): Promise<void>;
  /**
   * Drops what reaches host `i` on `port`/`protocol` (iptables INPUT in its network namespace);
   * returns the undo. Gone with the lab anyway.
   */
  block(i: number, protocol: "tcp" | "udp", port: number): () => void;
  /** Runs a command in host `i`'s network namespace, as that host's own shell would; true when it exits 0. */
  inHost(i: number, ...command: string[]): boolean;
  /** An address on the lab subnet that no host has. */
  readonly unusedAddress: string;
  stop(): Promise<void>;
}

export interface LabOptions {
  /** Indexes of hosts that also listen on TLS `tcp://`. */
  readonly tls?: number[];
  /** Indexes of hosts that also run sshd. */
  readonly ssh?: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const run = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
const tryRun = (cmd: string, args: string[]): boolean => {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
};

/** Every lab's names start with this: bridge and veths `pdl<id>...`, namespaces `pdn-lab-<id>-...`. */
const PREFIX = "pdl";
const LAB_ROOT = "/tmp";

/** What labs left on this machine: namespaces, links, processes, firewall rules, directories. */
export function labLeftovers(id?: string): string[] {
  const tag = id ?? "";
  const out: string[] = [];
  const netns = fs.existsSync("/var/run/netns") ? fs.readdirSync("/var/run/netns") : [];
  out.push(...netns.filter((n) => n.startsWith(`pdn-lab-${tag}`)).map((n) => `netns ${n}`));
  out.push(
    ...run("ip", ["-o", "link", "show"])
      .split("\n")
      .map((l) => l.split(":")[1]?.trim().split("@")[0])
      .filter((n): n is string => !!n && n.startsWith(`${PREFIX}${tag}`))
      .map((n) => `link ${n}`),
  );
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let cmdline = "";
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    } catch {
      continue;
    }
    if (cmdline.includes(`${LAB_ROOT}/pdn-lab-${tag}`)) out.push(`process ${pid} ${cmdline.slice(0, 80)}`);
  }
  out.push(
    ...run("iptables", ["-S", "FORWARD"])
      .split("\n")
      .filter((l) => l.includes(`${PREFIX}${tag}`))
      .map((l) => `iptables ${l}`),
  );
  out.push(
    ...fs
      .readdirSync(LAB_ROOT)
      .filter((d) => d.startsWith(`pdn-lab-${tag}`))
      .map((d) => `directory ${LAB_ROOT}/${d}`),
  );
  return out;
}

function makeTls(dir: string, address: string): Omit<LabTls, "host"> {
  const file = (n: string): string => path.join(dir, n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  for (const name of ["ca", "wrong-ca"]) {
    run("openssl", [
      "req",
      "-x509",
      ...ec,
      "-days",
      "2",
      "-subj",
      `/CN=pdn lab ${name}`,
      "-keyout",
      file(`${name}-key.pem`),
      "-out",
      file(`${name}.pem`),
    ]);
  }
  const leaf = (name: string, ext: string): void => {
    run("openssl", [
      "req",
      ...ec,
      "-subj",
      `/CN=${name}`,
      "-keyout",
      file(`${name}-key.pem`),
      "-out",
      file(`${name}.csr`),
    ]);
    fs.writeFileSync(file(`${name}.ext`), ext);
    run("openssl", [
      "x509",
      "-req",
      "-in",
      file(`${name}.csr`),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca-key.pem"),
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      file(`${name}.ext`),
      "-out",
      file(`${name}.pem`),
    ]);
  };
  leaf("server", `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`);
  leaf("client", "extendedKeyUsage=clientAuth\n");
  const read = (n: string): string => fs.readFileSync(file(n), "utf8");
  return { ca: read("ca.pem"), cert: read("client.pem"), key: read("client-key.pem"), wrongCa: read("wrong-ca.pem") };
}

/** An sshd in the host's namespace whose one command is `docker system dial-stdio` on its engine. */
function startSshd(dir: string, ns: string, address: string, socket: string): { ssh: LabSsh; child: ChildProcess } {
  const file = (n: string): string => path.join(dir, n);
  for (const k of ["ssh_host_key", "client_key", "wrong_key"]) {
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `pdn-lab ${k}`, "-f", file(k)]);
  }
  const docker = installed("docker");
  fs.writeFileSync(
    file("authorized_keys"),
    `command="${docker} -H unix://${socket} system dial-stdio",no-pty,no-port-forwarding,no-agent-forwarding ${fs.readFileSync(file("client_key.pub"), "utf8")}`,
  );
  fs.writeFileSync(
    file("sshd_config"),
    [
      `ListenAddress ${address}:22`,
      `HostKey ${file("ssh_host_key")}`,
      `PidFile ${file("sshd.pid")}`,
      `AuthorizedKeysFile ${file("authorized_keys")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "StrictModes no",
      "UsePAM no",
      "",
    ].join("\n"),
  );
  fs.mkdirSync("/run/sshd", { recursive: true });
  const log = fs.openSync(file("sshd.log"), "a");
  const child = spawn(
    "nsenter",
    [`--net=/var/run/netns/${ns}`, installed("sshd"), "-D", "-e", "-f", file("sshd_config")],
    {
      stdio: ["ignore", log, log],
    },
  );
  fs.closeSync(log);
  const read = (n: string): string => fs.readFileSync(file(n), "utf8");
  return { ssh: { host: `ssh://root@${address}:22`, key: read("client_key"), wrongKey: read("wrong_key") }, child };
}

function installed(cmd: string): string {
  const found = which(cmd);
  if (!found) throw new Error(`lab: ${cmd} is not installed`);
  return found;
}

/** Waits until `ok()` holds, polling every 250 ms, at most `ms`. */
async function until(ms: number, ok: () => Promise<boolean> | boolean): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) if (await ok()) return true;
  return ok();
}

export async function startLab(count: number, options: LabOptions = {}): Promise<Lab> {
  const id = randomBytes(2).toString("hex");
  // Every host runs the engine PDN_ENGINE names, else the machine's own dockerd.
  const version = requestedEngine();
  const dir = path.join(LAB_ROOT, `pdn-lab-${id}`);
  // A /24 per lab in 10.239.0.0/16, from the id: labs of concurrent runs do not overlap.
  const net = `10.239.${parseInt(id, 16) % 256}`;
  const bridge = `${PREFIX}${id}br`;
  const children: ChildProcess[] = [];
  const engines: { child: ChildProcess; spawn: () => ChildProcess }[] = [];
  const nsNames: string[] = [];
  const cleanups: (() => void)[] = [];
  fs.mkdirSync(dir, { recursive: true });

  const stop = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await until(20_000, () => children.every((c) => c.exitCode !== null || c.signalCode !== null));
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    // Container shims and anything else started under the lab directory.
    for (const left of labLeftovers(id).filter((l) => l.startsWith("process "))) {
      tryRun("kill", ["-9", left.split(" ")[1]]);
    }
    await until(5_000, () => labLeftovers(id).every((l) => !l.startsWith("process ")));
    // Mounts dockerd left if it was killed (overlay layers, netns bind mounts).
    const mounts = fs
      .readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[1])
      .filter((m) => m?.startsWith(dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) tryRun("umount", ["-l", m]);
    for (const ns of nsNames) tryRun("ip", ["netns", "delete", ns]);
    for (const c of cleanups.reverse()) c();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    run("ip", ["link", "add", bridge, "type", "bridge"]);
    cleanups.push(() => tryRun("ip", ["link", "delete", bridge]));
    run("ip", ["addr", "add", `${net}.1/24`, "dev", bridge]);
    run("ip", ["link", "set", bridge, "up"]);
    run("iptables", ["-I", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"]);
    cleanups.push(() => tryRun("iptables", ["-D", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"]));

    const hosts: LabHost[] = [];
    for (let i = 1; i <= count; i++) {
      const ns = `pdn-lab-${id}-h${i}`;
      const hostname = `lab${id}-h${i}`;
      const address = `${net}.${10 + i}`;
      const hdir = path.join(dir, `h${i}`);
      const veth = `${PREFIX}${id}h${i}`;
      fs.mkdirSync(hdir);
      run("ip", ["netns", "add", ns]);
      nsNames.push(ns);
      run("ip", ["link", "add", veth, "type", "veth", "peer", "name", `${veth}p`]);
      // Deleting the namespace frees the pair only once the kernel reaps it: delete it outright.
      cleanups.push(() => tryRun("ip", ["link", "delete", veth]));
      run("ip", ["link", "set", `${veth}p`, "netns", ns]);
      run("ip", ["link", "set", veth, "master", bridge, "up"]);
      const inNs = (...args: string[]): string => run("ip", ["-n", ns, ...args]);
      inNs("link", "set", `${veth}p`, "name", "eth0");
      inNs("addr", "add", `${address}/24`, "dev", "eth0");
      inNs("link", "set", "eth0", "up");
      inNs("link", "set", "lo", "up");
      inNs("route", "add", "default", "via", `${net}.1`);

      const socket = path.join(hdir, "docker.sock");
      const args = [
        `--data-root=${hdir}/data`,
        `--exec-root=${hdir}/exec`,
        `--pidfile=${hdir}/docker.pid`,
        `--host=unix://${socket}`,
        `--bip=10.233.${i}.1/24`,
        "--default-address-pool=base=10.234.0.0/16,size=24",
        "--storage-driver=overlay2",
      ];
      let tls: LabTls | undefined;
      if (options.tls?.includes(i)) {
        const t = makeTls(hdir, address);
        tls = { host: `tcp://${address}:2376`, ...t };
        args.push("--tlsverify", `--tlscacert=${hdir}/ca.pem`, `--tlscert=${hdir}/server.pem`);
        args.push(`--tlskey=${hdir}/server-key.pem`, `--host=${tls.host}`);
      }
      const logFile = path.join(hdir, "dockerd.log");
      const [file, ...argv] = dockerdCommand(version, { netns: ns, hostname }, args);
      const spawnEngine = (): ChildProcess => {
        const log = fs.openSync(logFile, "a");
        // No registry here: a service's task runs its image from the host as the library's
        // probes do, without the swarm agent's pull first (which would wait on DNS, ~10 s per task).
        const env = { ...process.env, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: "1" };
        const child = spawn(file, argv, { stdio: ["ignore", log, log], env });
        fs.closeSync(log);
        children.push(child);
        return child;
      };
      engines.push({ child: spawnEngine(), spawn: spawnEngine });
      let ssh: LabSsh | undefined;
      if (options.ssh?.includes(i)) {
        const s = startSshd(hdir, ns, address, socket);
        children.push(s.child);
        ssh = s.ssh;
      }
      const docker = new Docker({ socketPath: socket, timeout: 30_000 });
      hosts.push({ hostname, address, host: `unix://${socket}`, docker, log: logFile, tls, ssh });
    }
    const answering = async (which: LabHost[]): Promise<void> => {
      const up = await until(60_000, async () => {
        if (children.some((c) => c.exitCode !== null && engines.some((e) => e.child === c))) return true;
        const pings = await Promise.all(
          which.map((h) =>
            h.docker.ping().then(
              () => true,
              () => false,
            ),
          ),
        );
        return pings.every(Boolean);
      });
      if (!up || engines.some((e) => e.child.exitCode !== null)) {
        const tail = which
          .map((h) => `${h.log}:\n${fs.readFileSync(h.log, "utf8").split("\n").slice(-8).join("\n")}`)
          .join("\n");
        throw new Error(`lab ${id}: engines did not come up within 60 s:\n${tail}`);
      }
    };
    await answering(hosts);
    // Every lab host has the test image, also under the name the library's probes default to
    // (a lab engine is private, so the tag shadows nothing of a user's).
    await Promise.all(
      hosts.map(async (h) => {
        await ensureTestImage(h.docker);
        const [repo, tag] = DEFAULT_PROBE_IMAGE.split(":");
        await h.docker.getImage(TEST_IMAGE).tag({ repo, tag });
      }),
    );
    const inHost = (i: number, ...command: string[]): boolean =>
      tryRun("nsenter", [`--net=/var/run/netns/${nsNames[i]}`, ...command]);
    const block = (i: number, protocol: "tcp" | "udp", port: number): (() => void) => {
      // In host i's own namespace: what reaches it on that port is dropped, as a firewall would.
      const rule = ["INPUT", "-p", protocol, "--dport", String(port), "-j", "DROP"];
      const ipt = (op: string): boolean => inHost(i, "iptables", op, ...rule);
      if (!ipt("-I")) throw new Error(`lab ${id}: could not block ${port}/${protocol} on host ${i + 1}`);
      return () => void ipt("-D");
    };
    const killEngine = async (i: number): Promise<void> => {
      const { child } = engines[i];
      // dockerd and the containerd it runs go down together, as in a crash of the engine; the
      // containers' shims live on and are picked up again on start.
      const containerd = labLeftovers(id)
        .filter((l) => l.startsWith("process "))
        .map((l) => l.split(" "))
        .filter(
          ([, , cmd, ...args]) => path.basename(cmd) === "containerd" && args.join(" ").includes(`${dir}/h${i + 1}/`),
        )
        .map(([, pid]) => pid);
      child.kill("SIGKILL");
      for (const pid of containerd) tryRun("kill", ["-9", pid]);
      await until(10_000, () => child.exitCode !== null || child.signalCode !== null);
      // Nothing here reaps the orphaned containerd: its pid lives on as a zombie, and a restarted
      // dockerd, seeing it in the pid file, would wait for it instead of starting a new one.
      fs.rmSync(path.join(dir, `h${i + 1}`, "exec", "containerd", "containerd.pid"), { force: true });
    };
    const startEngine = async (i: number): Promise<void> => {
      engines[i].child = engines[i].spawn();
      await answering([hosts[i]]);
    };
    return { id, hosts, unusedAddress: `${net}.250`, killEngine, startEngine, block, inHost, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
