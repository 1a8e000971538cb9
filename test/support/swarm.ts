/** Swarm helpers of the lab tests: membership through the provider, the node list, probes left, the kernel's IPsec. */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Engine } from "../../provider/engine/engine";
import { PROBE_LABEL } from "../../provider/model/probe";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { RUN_ID } from "./fixtures";
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
