/**
 * The dynamic provider of SwarmNode: one engine's swarm membership.
 *
 * | lifecycle | Engine API                                                                        |
 * |-----------|-----------------------------------------------------------------------------------|
 * | check     | none: validation                                                                  |
 * | diff      | none: membership changes replace; spec, node settings and tokens update in place  |
 * | create    | GET /info; join: a probe container (POST /containers/create, start, wait, logs,   |
 * |           | DELETE) proves the managers' 2377/tcp and 7946/tcp answer (unless preflight: false); |
 * |           | POST /swarm/init or /swarm/join (undone with /swarm/leave on failure);            |
 * |           | [POST /nodes/{id}/update]; join: GET /nodes, [DELETE /nodes/{id} of its old,      |
 * |           | down entries]; GET /swarm, /nodes/{id}, /swarm/unlockkey                          |
 * | read      | GET /info (not a member, or another node ID → dropped; locked → error, kept),    |
 * |           | GET /swarm, /nodes/{id}                                                           |
 * | update    | POST /swarm/update (spec, token rotation), POST /nodes/{id}/update (role, ...)     |
 * | delete    | worker: POST /swarm/leave, DELETE /nodes/{id} through a manager;                   |
 * |           | manager: demote (POST /nodes/{id}/update) first; last manager: leave --force only  |
 * |           | with forceLeave                                                                   |
 *
 * Node settings (role, availability, labels) and node removal go through a manager: the node itself
 * when it is one, else `managerConnection`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { diffSwarmNode } from "../model/diff";
import { Engine } from "../engine/engine";
import type { Connection } from "../model/model";
import { picked, sameValue, withoutUndefined } from "../model/values";
import {
  SWARM_DEFAULTS,
  swarmSpecToApi,
  withSwarmPort,
  type LocalSwarm,
  type SwarmNodeInfo,
} from "../model/swarmModel";
import { SWARM_NODE_ARGS, swarmNodeProblems } from "../model/swarmValidation";
import { failedCheck } from "../model/validation";
import { preflightJoin } from "./probes";
import { until } from "./wait";

/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic providers receive raw property bags */

/** How long a promotion or demotion may take to show on the node itself. */
const SETTLE_MS = 30_000;

const label = (engine: Engine): string => `SwarmNode on ${engine.host}`;

/** The engine that can change and remove this node: itself when a manager, else managerConnection. */
function managerFor(inputs: any, engine: Engine, local: LocalSwarm): Engine | undefined {
  if (local.isManager) return engine;
  return inputs.managerConnection ? Engine.connect(inputs.managerConnection as Connection) : undefined;
}

/** Outputs: the inputs, overlaid with what the engines report. */
async function observe(inputs: any, engine: Engine, local: LocalSwarm, adopted: boolean): Promise<any> {
  const manager = managerFor(inputs, engine, local);
  const [swarm, node, unlockKey] = await Promise.all([
    manager?.inspectSwarm(),
    manager?.inspectNode(local.nodeId),
    local.isManager ? engine.unlockKey() : undefined,
  ]);
  return withoutUndefined({
    ...inputs,
    nodeId: local.nodeId,
    clusterId: swarm?.clusterId ?? local.clusterId,
    role: local.isManager ? "manager" : "worker",
    // A node that just joined may not have reported its hostname to the managers yet.
    hostname: node?.hostname || local.hostname,
    nodeAddress: local.nodeAddr,
    managerAddress: local.isManager ? (node?.managerAddress ?? withSwarmPort(local.nodeAddr)) : undefined,
    availability: node?.availability ?? inputs.availability,
    nodeLabels: node?.labels ?? inputs.nodeLabels,
    // Swarm-wide values: only a manager reads them, and only the init node declares them.
    spec: local.isManager && swarm ? swarm.spec : inputs.spec,
    // Init-only settings, on the node that inits: as in force, the swarm's defaults included.
    ...(inputs.join
      ? {}
      : {
          defaultAddrPool: swarm?.defaultAddrPool ?? inputs.defaultAddrPool,
          subnetSize: swarm?.subnetSize ?? inputs.subnetSize,
          dataPathPort: swarm?.dataPathPort ?? inputs.dataPathPort,
        }),
    workerToken: local.isManager ? swarm?.workerToken : undefined,
    managerToken: local.isManager ? swarm?.managerToken : undefined,
    unlockKey,
    adopted,
  });
}

/**
 * Applies the declared role, availability and labels to the node through a manager; resolves to
 * the engine's own view afterwards (a promotion or demotion shows there after a moment).
 */
async function applyNodeSettings(inputs: any, engine: Engine, local: LocalSwarm): Promise<LocalSwarm> {
  if (inputs.role === undefined && inputs.availability === undefined && inputs.nodeLabels === undefined) return local;
  const manager = managerFor(inputs, engine, local);
  if (!manager) {
    throw new Error(
      `${label(engine)} is a worker: role, availability and nodeLabels are set through a manager: give managerConnection (a manager's engine)`,
    );
  }
  const node = await manager.inspectNode(local.nodeId);
  if (!node) throw new Error(`${label(engine)}: node ${local.nodeId} is not in the swarm at ${manager.host}`);
  const want = {
    role: inputs.role ?? node.role,
    availability: inputs.availability ?? node.availability,
    labels: inputs.nodeLabels ?? node.labels,
  };
  if (want.role === node.role && want.availability === node.availability && sameValue(want.labels, node.labels)) {
    return local;
  }
  await manager.updateNode(node.id, node.version, want);
  if (want.role === node.role) return local;
  const settled = await until(SETTLE_MS, async () => {
    const now = await engine.localSwarm();
    return now.isManager === (want.role === "manager") ? now : undefined;
  });
  if (!settled) {
    throw new Error(`${label(engine)}: not yet a ${want.role} ${SETTLE_MS / 1000} s after docker node update --role`);
  }
  return settled;
}

/**
 * Removes the node list's entries this engine left behind: when it left out of band and joins
 * again, the managers keep its old node (same hostname, same address) beside the new one, "down"
 * once they notice. Needs a manager to ask.
 */
async function forgetEarlierSelves(inputs: any, engine: Engine, local: LocalSwarm): Promise<void> {
  const manager = managerFor(inputs, engine, local);
  if (!manager) return;
  const stale = (await manager.listNodes()).filter(
    (n) => n.id !== local.nodeId && n.hostname === local.hostname && n.address === local.nodeAddr,
  );
  for (const n of stale) await manager.removeNode(n.id, true);
}

/** Whether an engine already in a swarm is in the one this declaration means; else why not. */
function mismatch(
  inputs: any,
  local: LocalSwarm,
  swarm: { defaultAddrPool: string[]; subnetSize: number; dataPathPort: number } | undefined,
  /** Whether managerConnection's swarm lists this node, when there is one to ask. */
  sameSwarmAsManager: boolean | undefined,
): string | undefined {
  const where = local.clusterId
    ? `swarm ${local.clusterId}`
    : `the swarm of managers ${local.remoteManagers.join(", ")}`;
  if (inputs.join) {
    const targets = (inputs.join.remoteAddrs as string[]).map(withSwarmPort);
    if (sameSwarmAsManager ?? local.remoteManagers.some((m) => targets.includes(m))) return undefined;
    return `it is already in ${where}, not the one at ${targets.join(", ")}`;
  }
  if (!local.isManager) return `it is a worker in ${where}; swarm init needs an engine outside any swarm`;
  const differs = (["defaultAddrPool", "subnetSize", "dataPathPort"] as const).filter(
    (f) => inputs[f] !== undefined && swarm && !sameValue(inputs[f], swarm[f]),
  );
  if (differs.length > 0)
    return `it is already a manager of ${where}, whose ${differs.join(", ")} differ from the declaration`;
  return undefined;
}

/** The addresses `swarm init` and `swarm join` both take. */
function addresses(inputs: any): any {
  return {
    ListenAddr: inputs.listenAddr ?? "0.0.0.0:2377",
    AdvertiseAddr: inputs.advertiseAddr ?? "",
    DataPathAddr: inputs.dataPathAddr ?? "",
  };
}

function initRequest(inputs: any): any {
  return {
    ...addresses(inputs),
    DataPathPort: inputs.dataPathPort ?? 0,
    DefaultAddrPool: inputs.defaultAddrPool ?? [],
    // As `docker swarm init` sends it (--default-addr-pool-mask-length defaults to 24); with pools
    // and a size of 0 the engine's allocator dies ("invalid pools size: 0").
    SubnetSize: inputs.subnetSize ?? SWARM_DEFAULTS.subnetSize,
    ForceNewCluster: !!inputs.forceNewCluster,
    Spec: swarmSpecToApi(inputs.spec),
  };
}

function joinRequest(inputs: any): any {
  return {
    ...addresses(inputs),
    RemoteAddrs: (inputs.join.remoteAddrs as string[]).map(withSwarmPort),
    JoinToken: inputs.join.token,
  };
}

/**
 * Ends a membership that create could not finish, so a failed create leaves nothing behind (a
 * join that timed out even keeps retrying in the background until cancelled).
 */
async function undo(engine: Engine, err: unknown): Promise<never> {
  const now = await engine.localSwarm().catch(() => undefined);
  if (now && now.state !== "inactive") await engine.leaveSwarm(true).catch(() => undefined);
  throw err;
}

export const swarmNodeProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: any, news: any) {
    const failures = swarmNodeProblems(news);
    if (failures.length > 0) return failedCheck(news, failures);
    return { inputs: picked(news, SWARM_NODE_ARGS) };
  },

  async diff(_id: string, olds: any, news: any) {
    return diffSwarmNode(olds, news);
  },

  async create(inputs: any) {
    const engine = Engine.connect(inputs.connection);
    const before = await engine.localSwarm();
    if (before.state !== "inactive") {
      // managerConnection's node list is the surest test of "the same swarm"; else its managers' addresses.
      const listed = inputs.managerConnection
        ? (await Engine.connect(inputs.managerConnection as Connection).inspectNode(before.nodeId)) !== undefined
        : undefined;
      const why = mismatch(inputs, before, before.isManager ? await engine.inspectSwarm() : undefined, listed);
      if (why) {
        throw new Error(`${label(engine)}: ${why}. Leave it first (docker swarm leave), or declare the swarm it is in`);
      }
      // Already the member this declaration describes: adopt it.
      const now = await applyNodeSettings(inputs, engine, before);
      return { id: before.nodeId, outs: await observe(inputs, engine, now, true) };
    }
    const preflightResult = !inputs.join
      ? undefined
      : inputs.preflight === false
        ? "off: preflight is false"
        : await preflightJoin(engine, before.hostname, inputs.join.remoteAddrs, inputs.preflight ?? {});
    try {
      if (inputs.join) await engine.joinSwarm(joinRequest(inputs));
      else await engine.initSwarm(initRequest(inputs));
      const local = await engine.localSwarm();
      if (local.state !== "active") {
        throw new Error(
          `${label(engine)}: swarm state is ${local.state} after ${inputs.join ? "join" : "init"}${local.error ? `: ${local.error}` : ""}`,
        );
      }
      const now = await applyNodeSettings(inputs, engine, local);
      if (inputs.join) await forgetEarlierSelves(inputs, engine, now);
      return { id: local.nodeId, outs: await observe({ ...inputs, preflightResult }, engine, now, false) };
    } catch (err) {
      return undo(engine, err);
    }
  },

  async read(id: string, props: any) {
    const engine = Engine.connect(props.connection);
    const local = await engine.localSwarm();
    // Still a member, but unable to say more until unlocked: never dropped from state.
    if (local.state === "locked") {
      throw new Error(
        `${label(engine)} is locked: the swarm is autolocked and this manager restarted. Unlock it with ` +
          "docker swarm unlock and the unlock key (the unlockKey output of the SwarmNode that inits the swarm: " +
          "pulumi stack output --show-secrets, or docker swarm unlock-key on another manager), then run this again",
      );
    }
    // Not a member any more, or a member under another node ID (it left and joined again).
    if (local.state === "inactive" || local.nodeId !== id) return { id: "", props: {} };
    return { id, props: await observe(props, engine, local, !!props.adopted) };
  },

  async update(id: string, olds: any, news: any) {
    const engine = Engine.connect(news.connection);
    const local = await engine.localSwarm();
    if (local.state === "inactive" || local.nodeId !== id) {
      throw new Error(`${label(engine)}: node ${id} is no longer a swarm member there: run pulumi refresh`);
    }
    const d = diffSwarmNode(olds, news);
    if (d.updates.includes("spec") || d.updates.includes("rotateTokens")) {
      if (!local.isManager) {
        throw new Error(`${label(engine)}: spec and rotateTokens change through a manager, and this node is not one`);
      }
      await engine.updateSwarm(news.spec, d.updates.includes("rotateTokens"));
    }
    const now = await applyNodeSettings(news, engine, local);
    // What the preflight found before the join stands.
    return { outs: await observe({ ...news, preflightResult: olds.preflightResult }, engine, now, !!olds.adopted) };
  },

  async delete(id: string, props: any) {
    const engine = Engine.connect(props.connection);
    const local = await engine.localSwarm();
    if (local.state === "inactive" || local.nodeId !== id) return;
    let remover = props.managerConnection ? Engine.connect(props.managerConnection as Connection) : undefined;
    if (remover?.host === engine.host) remover = undefined;
    if (local.isManager) {
      const nodes = await engine.listNodes();
      if (nodes.filter((n: SwarmNodeInfo) => n.role === "manager").length <= 1) {
        if (!props.forceLeave) {
          const others = nodes.length - 1;
          throw new Error(
            `${label(engine)} is the last manager of swarm ${local.clusterId}: leaving would end the swarm` +
              `${others > 0 ? ` and strand the ${others} other node(s) still in it: remove them first, then` : ":"} set forceLeave: true to let it go`,
          );
        }
        await engine.leaveSwarm(true);
        return;
      }
      // Demote first, so the remaining managers keep a quorum of the new, smaller set.
      await applyNodeSettings({ role: "worker" }, engine, local);
    }
    await engine.leaveSwarm(false);
    // Without a manager to ask, the node stays listed as down until someone runs docker node rm.
    if (!remover) return;
    // It has left: force spares waiting until the managers notice it is down.
    await remover.removeNode(id, true);
  },
};
