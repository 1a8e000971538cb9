/**
 * Which Docker Engine the tests run, and how its `dockerd` is started: the private test engine and
 * every lab host use the version `PDN_ENGINE` names (20.10, 26.1, 28.5 or 29.8; unset, the
 * machine's own dockerd, whatever its version). 20.10 is Debian 12's docker.io, checked to be that
 * version; 26.1 and 28.5 run from a debootstrapped Debian root, 29.8 from a copy of the 28.5 root
 * with dockerd built from the Go module proxy (`scripts/provide-engine.sh`, built on first use and
 * cached): dockerd and its userland come from there, the kernel is the machine's.
 *
 * Such a root is entered with pivot_root in a private mount namespace, never chroot: under a
 * chroot, runc pivots each container into the mount namespace's real root, so containers would run
 * on the machine's own filesystem. `/tmp` (where every test engine keeps its data, sockets and
 * logs) is the machine's inside the root too, so paths are the same from both sides; `/run` is a
 * fresh tmpfs per engine, so engines of one root share no runtime state.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

/** The engine versions the tests can run. */
export const ENGINE_VERSIONS = ["20.10", "26.1", "28.5", "29.8"] as const;
export type EngineVersion = (typeof ENGINE_VERSIONS)[number];

/** The version `PDN_ENGINE` asks for; undefined when unset (then any reachable engine will do). */
export function requestedEngine(): EngineVersion | undefined {
  const v = process.env.PDN_ENGINE;
  if (v === undefined || v === "") return undefined;
  if (!(ENGINE_VERSIONS as readonly string[]).includes(v)) {
    throw new Error(`PDN_ENGINE=${v}: use one of ${ENGINE_VERSIONS.join(", ")}`);
  }
  return v as EngineVersion;
}

const roots = new Map<EngineVersion, string>();

/** The root filesystem of `version`'s dockerd (`/` for the machine's own), provided on first use. */
export function engineRoot(version: EngineVersion): string {
  let root = roots.get(version);
  if (!root) {
    const script = path.join(__dirname, "../../scripts/provide-engine.sh");
    root = execFileSync("bash", [script, version], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    roots.set(version, root);
  }
  return root;
}

/** Where a dockerd runs: its network namespace and hostname, when not the machine's. */
export interface DockerdPlace {
  /** A named network namespace (`ip netns add`). @default the machine's */
  readonly netns?: string;
  /** The hostname its UTS namespace gets. @default the machine's (no UTS namespace) */
  readonly hostname?: string;
}

/**
 * The command that runs `dockerd ARGS` of `version` (undefined: the machine's own dockerd, whatever
 * its version) at `place`, as [file, ...args]. Started with
 * `nsenter --net`: `ip netns exec` remounts /sys and dockerd then fails on cgroups. The process
 * becomes dockerd itself (each step execs the next), so killing it kills the engine.
 */
export function dockerdCommand(version: EngineVersion | undefined, place: DockerdPlace, args: string[]): string[] {
  const root = version ? engineRoot(version) : "/";
  const net = place.netns ? ["nsenter", `--net=/var/run/netns/${place.netns}`] : [];
  const hostname = place.hostname ? ['hostname "$HN"'] : [];
  const uts = place.hostname ? ["--uts"] : [];
  if (root === "/" && !place.netns && !place.hostname) return ["dockerd", ...args];
  // "$@" is the dockerd arguments (sh's $0 is "dockerd").
  const shell = (steps: string[], unshare: string[], env: string[]): string[] => [
    ...net,
    "unshare",
    ...unshare,
    "--",
    "env",
    `HN=${place.hostname ?? ""}`,
    ...env,
    "sh",
    "-c",
    steps.join(" && "),
    "dockerd",
    ...args,
  ];
  if (root === "/") return shell([...hostname, 'exec dockerd "$@"'], uts, []);
  // $R is the root. /sys is mounted afresh so that it shows this network namespace's interfaces;
  // the cgroup hierarchy, devices and kernel modules are the machine's.
  const enter = [
    ...hostname,
    'mount --bind "$R" "$R"',
    'mount -t proc proc "$R/proc"',
    'mount -t sysfs sys "$R/sys"',
    'mount --rbind /sys/fs/cgroup "$R/sys/fs/cgroup"',
    'mount --rbind /dev "$R/dev"',
    'mount --rbind /tmp "$R/tmp"',
    'mount -t tmpfs tmpfs "$R/run"',
    // Kernel modules, where the machine has them (dockerd may modprobe).
    '{ [ ! -d /lib/modules ] || { mkdir -p "$R/lib/modules" && mount --rbind /lib/modules "$R/lib/modules"; }; }',
    'cd "$R"',
    "mkdir -p .oldroot",
    "pivot_root . .oldroot",
    "cd /",
    "umount -l /.oldroot",
    'exec /usr/sbin/dockerd "$@"',
  ];
  return shell(enter, ["--mount", "--propagation", "private", ...uts], [`R=${root}`]);
}
