/**
 * The dynamic provider of ServiceAttachment: a swarm service this stack did not create, on one more
 * network (`docker service update --network-add` / `--network-rm`).
 *
 * | lifecycle | Engine API (on a manager)                                               |
 * |-----------|-------------------------------------------------------------------------|
 * | check     | none: validation                                                        |
 * | diff      | none: another network or service replaces; aliases and driver options   |
 * |           | update in place                                                         |
 * | create    | GET /services/{ref}, GET /networks (the network as the CLI resolves it), |
 * |           | POST /services/{id}/update?version= (the whole spec, one network added), |
 * |           | then GET /services/{id} + GET /tasks until the update converged (bounded); |
 * |           | failed or timed out: POST .../update?rollback=previous, and why           |
 * | read      | GET /services/{id}; service gone or network removed → dropped            |
 * | update    | as create, the network's entry replaced                                  |
 * | delete    | as create, the network's entry removed; service or entry gone = done     |
 */
import type * as pulumi from "@pulumi/pulumi";
import { diffServiceAttachment } from "../model/diff";
import { Engine } from "../engine/engine";
import { picked, sameValue, withoutUndefined } from "../model/values";
import {
  networkShown,
  SERVICE_ATTACHMENT_ARGS,
  SERVICE_ATTACHMENT_INTERNAL,
  serviceAttachmentProblems,
} from "../model/attachmentValidation";
import { failedCheck } from "../model/validation";
import {
  specWithNetwork,
  specWithoutNetwork,
  updateProgress,
  type ServiceInfo,
  type ServiceNetwork,
  type TaskInfo,
} from "../model/serviceModel";
import { sleep } from "./wait";

/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic providers receive raw property bags */

/** How long an update may take to converge when `timeoutSeconds` is left out. */
export const DEFAULT_CONVERGE_TIMEOUT_S = 300;

/** Attempts at an update that lost the race with another change of the service ("update out of sequence"). */
const UPDATE_ATTEMPTS = 5;

/** The attachment, for messages. */
const what = (inputs: any, networkName = networkShown(inputs)): string =>
  `ServiceAttachment of service "${inputs.service}" to network "${networkName}"`;

/**
 * One update at a time per service in this process: two attachments of one service would
 * otherwise race on its spec version, and each would wait on the other's rollout.
 */
const queues = new Map<string, Promise<unknown>>();
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    key,
    run.catch(() => undefined),
  );
  return run;
}

const entryOf = (networks: ServiceNetwork[], networkId: string): ServiceNetwork | undefined =>
  networks.find((n) => n.networkId === networkId);

/** Whether an entry has the declared settings (left out: none). */
const matches = (e: ServiceNetwork, inputs: any): boolean =>
  sameValue(e.aliases, inputs.aliases ?? []) && sameValue(e.driverOptions, inputs.driverOptions ?? {});

/**
 * Sends `change` of the service's current spec (at its current version; retried, bounded, when
 * the service changed meanwhile) and waits until the tasks run the new spec. A failed or stuck
 * update is rolled back to the spec before it, and the error says why. The whole of it, rollback
 * included, is bounded by `timeoutSeconds`.
 */
async function updateAndConverge(
  engine: Engine,
  inputs: any,
  network: { id: string; name: string },
  serviceId: string,
  change: (spec: any) => any,
  wanted: (t: TaskInfo) => boolean,
): Promise<ServiceInfo> {
  const timeoutS = inputs.timeoutSeconds ?? DEFAULT_CONVERGE_TIMEOUT_S;
  const subject = what(inputs, network.name);
  return serialized(`${engine.host}\n${serviceId}`, async () => {
    // Starts once this update's turn has come: another attachment's update is not this one's time.
    const end = Date.now() + timeoutS * 1000;
    let before: ServiceInfo["updateStatus"];
    for (let attempt = 1; ; attempt++) {
      const current = await engine.inspectService(serviceId);
      if (!current) throw new Error(`${subject}: the service is gone from ${engine.host}`);
      before = current.info.updateStatus;
      try {
        await engine.updateService(serviceId, current.info.version, change(current.spec));
        break;
      } catch (err) {
        if (!/out of sequence/i.test(String((err as Error).message)) || attempt >= UPDATE_ATTEMPTS) throw err;
      }
    }
    for (;;) {
      const [now, tasks] = await Promise.all([
        engine.inspectService(serviceId),
        engine.listTasks({ service: [serviceId] }),
      ]);
      if (!now) throw new Error(`${subject}: the service was removed from ${engine.host} during its update`);
      const progress = updateProgress(now.info, before, tasks, wanted);
      if (progress.state === "converged") return now.info;
      const timedOut = Date.now() > end;
      if (progress.state === "failed" || timedOut) {
        // Tasks named with their nodes (hostname, address, ID), asked once, for the message.
        const nodes = await engine.listNodes().catch(() => []);
        const { detail } = updateProgress(now.info, before, tasks, wanted, nodes) as { detail: string };
        const why =
          progress.state === "failed"
            ? `the update failed: ${detail}`
            : `the update did not converge within ${timeoutS} s: ${detail}`;
        const rolledBack =
          progress.state === "failed" && progress.rolledBack
            ? "the swarm rolled the service back to its previous spec"
            : await rollBack(engine, serviceId, end);
        throw new Error(
          `${subject} on ${engine.host}: ${why}. ${rolledBack}. Check the tasks (docker service ps ${now.info.name} --no-trunc), or raise timeoutSeconds for a service that takes longer to roll out`,
        );
      }
      await sleep(Math.min(1000, Math.max(0, end - Date.now()) + 1));
    }
  });
}

/** `docker service rollback`, then a wait for it until `end` (the attachment's deadline); says how it went. */
async function rollBack(engine: Engine, serviceId: string, end: number): Promise<string> {
  try {
    const current = await engine.inspectService(serviceId);
    if (!current) return "The service is gone";
    await engine.updateService(serviceId, current.info.version, current.spec, true);
    for (; Date.now() < end; await sleep(Math.min(1000, end - Date.now()))) {
      const s = (await engine.inspectService(serviceId))?.info.updateStatus;
      if (s?.state === "rollback_completed") return "It was rolled back to its previous spec";
      if (s?.state === "rollback_paused") return `Its rollback paused too: ${s.message}`;
    }
    return "Its spec is back to the previous one; the swarm is still rolling its tasks back (docker service ps)";
  } catch (err) {
    return `Rolling it back failed too: ${(err as Error).message}`;
  }
}

/** The service and the network an attachment names, as the CLI resolves them; fails naming what is missing. */
async function resolve(
  engine: Engine,
  inputs: any,
): Promise<{ service: ServiceInfo; network: { id: string; name: string } }> {
  const [service, network] = await Promise.all([
    engine.inspectService(inputs.service),
    engine.findNetwork(inputs.network),
  ]);
  if (!service) {
    const local = await engine.localSwarm();
    if (!local.isManager) {
      throw new Error(
        `${what(inputs, network?.name)}: the engine at ${engine.host} is not a swarm manager (swarm state: ${local.state}): services are managed on a manager, point connection at one`,
      );
    }
    throw new Error(
      `${what(inputs, network?.name)}: no service "${inputs.service}" on ${engine.host}: check the name (docker service ls)`,
    );
  }
  if (!network)
    throw new Error(
      `${what(inputs)}: no network "${networkShown(inputs)}" on ${engine.host}: create it first or check the name`,
    );
  if (network.scope !== "swarm") {
    throw new Error(
      `${what(inputs, network.name)}: network "${network.name}" is local to ${engine.host} (scope ${network.scope}, driver ${network.driver}); a service's tasks can only join swarm-scoped networks: use an OverlayNetwork, or a swarm-wide LAN network (configFrom)`,
    );
  }
  return { service: service.info, network };
}

/** Outputs: the inputs, with the service and network as the engine names them and the observed entry. */
function outputsOf(inputs: any, service: ServiceInfo, network: { id: string; name: string }, adopted: boolean): any {
  const entry = entryOf(service.networks, network.id);
  return {
    ...inputs,
    serviceId: service.id,
    serviceName: service.name,
    networkId: network.id,
    networkName: network.name,
    aliases: entry?.aliases ?? [],
    driverOptions: entry?.driverOptions ?? {},
    virtualIp: service.virtualIps[network.id] ?? "",
    adopted,
  };
}

/** A task runs the declared entry (or, `absent`, no entry) for the network. */
const runs =
  (networkId: string, inputs: any, absent = false) =>
  (t: TaskInfo): boolean => {
    const e = entryOf(t.specNetworks, networkId);
    return absent ? e === undefined : e !== undefined && matches(e, inputs);
  };

export const serviceAttachmentProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: any, news: any) {
    const failures = serviceAttachmentProblems(news);
    if (failures.length > 0) return failedCheck(news, failures);
    return { inputs: picked(news, [...SERVICE_ATTACHMENT_ARGS, ...SERVICE_ATTACHMENT_INTERNAL]) };
  },

  async diff(_id: string, olds: any, news: any) {
    return diffServiceAttachment(olds, news);
  },

  async create(inputs: any) {
    const engine = Engine.connect(inputs.connection);
    const { service, network } = await resolve(engine, inputs);
    const existing = entryOf(service.networks, network.id);
    if (existing) {
      const where = `service "${service.name}" is already on network "${network.name}" on ${engine.host}`;
      if (!inputs.adopt) {
        throw new Error(
          `${what(inputs, network.name)}: ${where} (in its own spec, or added by hand or another tool). Nothing was changed. ` +
            "To manage that entry from now on, set adopt: true (pulumi destroy then removes the network from the service); " +
            `or remove it first (docker service update --network-rm ${network.name} ${service.name})`,
        );
      }
      if (!matches(existing, inputs)) {
        throw new Error(
          `${what(inputs, network.name)}: adopt: ${where}, but with aliases ${JSON.stringify(existing.aliases)} and driver options ${JSON.stringify(existing.driverOptions)}, not the declared ones. Nothing was changed: declare what it has`,
        );
      }
      return { id: `${service.id}:${network.id}`, outs: outputsOf(inputs, service, network, true) };
    }
    const after = await updateAndConverge(
      engine,
      inputs,
      network,
      service.id,
      (spec) => specWithNetwork(spec, network.id, inputs),
      runs(network.id, inputs),
    );
    return { id: `${service.id}:${network.id}`, outs: outputsOf(inputs, after, network, false) };
  },

  async read(_id: string, props: any) {
    const found = await Engine.connect(props.connection).inspectService(props.serviceId);
    // An empty ID tells Pulumi the attachment is gone: the service removed, or the network taken off it.
    if (!found || !entryOf(found.info.networks, props.networkId)) return { id: "", props: {} };
    const network = { id: props.networkId, name: props.networkName };
    return {
      id: `${found.info.id}:${props.networkId}`,
      props: outputsOf(props, found.info, network, !!props.adopted),
    };
  },

  async update(_id: string, olds: any, news: any) {
    const engine = Engine.connect(news.connection);
    const network = { id: olds.networkId, name: olds.networkName };
    const current = await engine.inspectService(olds.serviceId);
    const entry = current && entryOf(current.info.networks, network.id);
    if (!current || !entry) {
      throw new Error(
        `${what(news, network.name)}: the service or its network entry is gone from ${engine.host}: run pulumi refresh, then pulumi up attaches it again`,
      );
    }
    const info = matches(entry, news)
      ? current.info
      : await updateAndConverge(
          engine,
          news,
          network,
          olds.serviceId,
          (spec) => specWithNetwork(spec, network.id, news),
          runs(network.id, news),
        );
    return { outs: withoutUndefined(outputsOf(news, info, network, !!olds.adopted)) };
  },

  async delete(_id: string, props: any) {
    const engine = Engine.connect(props.connection);
    const current = await engine.inspectService(props.serviceId);
    // The service gone, or the network already off it, is what delete wants.
    if (!current || !entryOf(current.info.networks, props.networkId)) return;
    await updateAndConverge(
      engine,
      props,
      { id: props.networkId, name: props.networkName },
      props.serviceId,
      (spec) => specWithoutNetwork(spec, props.networkId),
      runs(props.networkId, props, true),
    );
  },
};
