/** Swarm helpers of the lab tests: membership through the provider, the node list, probes left, the kernel's IPsec. */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type Docker from "dockerode";
import { Engine } from "../../provider/engine/engine";
import { PROBE_LABEL } from "../../provider/model/probe";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { exec, RUN_ID, TEST_IMAGE, TEST_LABEL } from "./fixtures";
import type { LabHost } from "./lab";
import { create, type Created } from "./lifecycle";

/* eslint-disable @typescript-eslint/no-explicit-any -- provider property bags */

export const conn = (h: LabHost): { host: string } => ({ host: h.host });

/** Why IPsec ESP as Docker's encrypted overlay uses it cannot work on this kernel, or undefined. */
export function ipsecUnavailable(): string | undefined {
  const ns = `pdn-xfrm-${RUN_ID}`;
  execFileSync("ip", ["netns", "add", ns]);
  try {
    execFileSync(
      "ip",
      ["-n", ns, "xfrm", "state", "add", "src", "192.0.2.1", "dst", "192.0.2.2", "proto", "esp", "spi", "0x100"].concat(
        ["reqid", "1", "mode", "transport", "aead", "rfc4106(gcm(aes))", `0x${"ab".repeat(20)}`, "64"],
      ),
      { stdio: "pipe" },
    );
    return undefined;
  } catch (err: any) {
    return String(err.stderr || err.message).trim();
  } finally {
    execFileSync("ip", ["netns", "delete", ns]);
  }
}

export async function nodesOf(manager: LabHost): Promise<{ hostname: string; role: string; state: string }[]> {
  return (await Engine.connect(conn(manager)).listNodes()).map((n) => ({
    hostname: n.hostname,
    role: n.role,
    state: n.state,
  }));
}

/** Waits (bounded) until the manager lists `want` hostnames, all ready. */
export async function waitForNodes(manager: LabHost, want: string[]): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const nodes = await nodesOf(manager);
    const ready = nodes.filter((n) => n.state === "ready").map((n) => n.hostname);
    if (nodes.length === want.length && want.every((h) => ready.includes(h))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.deepEqual((await nodesOf(manager)).map((n) => n.hostname).sort(), [...want].sort(), "node list");
}

/** `docker swarm join` of `host` through the init node `first`, as a worker or a manager. */
export function joinOf(
  host: LabHost,
  first: Created,
  role: "worker" | "manager",
  managerHost: LabHost,
): Promise<Created> {
  return create(swarmNodeProvider, {
    connection: conn(host),
    advertiseAddr: host.address,
    join: {
      remoteAddrs: [first.outs.managerAddress],
      token: role === "worker" ? first.outs.workerToken : first.outs.managerToken,
    },
    managerConnection: conn(managerHost),
  });
}

/** No probe container of the library is left on the host, running or not. */
export async function assertNoProbes(host: LabHost): Promise<void> {
  const left = await host.docker.listContainers({ all: true, filters: { label: [PROBE_LABEL] } });
  assert.deepEqual(
    left.map((c) => c.Names[0]),
    [],
    `probe containers left on ${host.hostname}`,
  );
}

/** A test service's command: each task answers on 8080/tcp with its hostname (its container's short ID). */
export const ECHO = ["nc", "-ll", "-p", "8080", "-e", "hostname"];

export interface TestServiceOptions {
  /** @default 3 */
  readonly replicas?: number;
  /** @default "vip" */
  readonly endpointMode?: "vip" | "dnsrr";
  /** Placement constraints (`node.hostname!=...`). @default none */
  readonly constraints?: string[];
}

/**
 * A labelled test service made as `docker service create` and `@pulumi/docker`'s `Service` make
 * one (or a stack deploy): replicated, at most one task per node (3 replicas are one per host of a
 * three-host lab), each answering with its hostname (ECHO); resolves once its tasks run.
 * `made` gets its ID at once, for the caller's cleanup.
 */
export async function createTestService(
  manager: Docker,
  name: string,
  networks: { Target: string; Aliases?: string[] }[],
  opts: TestServiceOptions,
  made: (id: string) => void,
): Promise<{ id: string; name: string }> {
  const full = `${name}-${RUN_ID}`;
  const replicas = opts.replicas ?? 3;
  const created: any = await manager.createService({
    Name: full,
    Labels: { [TEST_LABEL]: RUN_ID },
    TaskTemplate: {
      ContainerSpec: { Image: TEST_IMAGE, Command: ECHO, StopGracePeriod: 1_000_000_000 },
      Networks: networks,
      Placement: { MaxReplicas: 1, Constraints: opts.constraints ?? [] },
      RestartPolicy: { Condition: "any", Delay: 1_000_000_000 },
    },
    Mode: { Replicated: { Replicas: replicas } },
    // Every task at once, watched for a second: a quick rollout for the tests.
    UpdateConfig: { Parallelism: 0, Monitor: 1_000_000_000, FailureAction: "pause" },
    EndpointSpec: { Mode: opts.endpointMode ?? "vip" },
  } as any);
  made(created.id);
  await runningTasks(manager, created.id, replicas);
  return { id: created.id, name: full };
}

/** A service's running tasks, once `count` run (bounded wait): their node and container. */
export async function runningTasks(
  manager: Docker,
  serviceId: string,
  count: number,
): Promise<{ node: string; container: string }[]> {
  for (let i = 0; i < 120; i++) {
    const tasks: any[] = await manager.listTasks({ filters: { service: [serviceId], "desired-state": ["running"] } });
    const up = tasks.filter((t) => t.Status?.State === "running");
    if (up.length === count && tasks.length === count) {
      return up.map((t) => ({ node: t.NodeID, container: t.Status.ContainerStatus.ContainerID }));
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`service ${serviceId}: ${count} tasks did not come up`);
}

/**
 * {@link answersOf}, asked again (up to `tries` times, a second apart) until the answers are
 * `want`: a task that just started may not be in the swarm's DNS, or listening, yet. Resolves to
 * the last answers, for the caller's assertion.
 */
export async function answersSettled(
  docker: Docker,
  container: string,
  name: string,
  want: string[],
  tries = 10,
): Promise<string[]> {
  let got: string[] = [];
  for (let i = 0; i < tries; i++) {
    got = (await answersOf(docker, container, name)).sort();
    if (JSON.stringify(got) === JSON.stringify([...want].sort())) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return got;
}

/**
 * From `container`: each address `name` resolves to, asked on 8080/tcp (see ECHO); resolves to
 * the hostnames that answered.
 */
export async function answersOf(docker: Docker, container: string, name: string): Promise<string[]> {
  const script = `for a in $(nslookup ${name} | sed -n '/^Name:/,$ s/^Address[^:]*: *//p'); do echo "$a $(nc -w 3 $a 8080 </dev/null)"; done`;
  const r = await exec(docker, container, ["sh", "-c", script]);
  return r.output
    .trim()
    .split("\n")
    .filter((l) => /^\S+ \S+$/.test(l.trim()))
    .map((l) => l.trim().split(" ")[1]);
}
