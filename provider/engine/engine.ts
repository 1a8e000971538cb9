/**
 * The one place that talks to a Docker engine. A thin client over an injected dockerode: each
 * method is one Engine API call (or a call and the inspect that reads its result), mapped to the
 * camelCase model. Not-found is `undefined`, never an exception.
 */
import Docker from "dockerode";
import type { ConnectConfig } from "ssh2";
import { dockerodeOptions, resolveHost } from "../model/connection";
import { sshAgent } from "./sshTransport";
import { pickNetwork } from "../model/naming";
import { containsUnknown } from "../model/values";
import { Gate } from "./gate";
import { PROBE_LABEL } from "../model/probe";
import { unmetNeeds, type EngineNeed, type EngineVersion } from "../model/engineFeatures";
import {
  endpointConfigRequest,
  endpointFromApi,
  networkCreateRequest,
  networkFromApi,
  type Connection,
  MANAGED_LABEL,
  type EndpointInfo,
  type EndpointSpec,
  type NetworkInfo,
  type NetworkSpec,
} from "../model/model";
import { serviceFromApi, taskFromApi, type ServiceInfo, type TaskInfo } from "../model/serviceModel";
import {
  localSwarmFromInfo,
  nodeFromApi,
  swarmFromApi,
  swarmSpecToApi,
  type LocalSwarm,
  type SwarmSpec,
  type SwarmInfo,
  type SwarmNodeInfo,
} from "../model/swarmModel";

/** Engine calls time out after this long, so nothing waits on a dead engine forever. */
export const ENGINE_TIMEOUT_MS = 60_000;

/** Calls (by their docker CLI name) that only read: one that times out has changed nothing. */
const READ_ONLY =
  /^docker (version|info|ps|logs|wait|inspect|swarm unlock-key$|(network|node|service|swarm|image) (inspect|ls|ps)\b)/;

/**
 * Why a call named `what` failed when the engine did not answer in time. A change is not
 * "nothing happened": the engine may still carry it out, and the next run's create takes over
 * what it made (see networkProvider / attachmentProvider). A read changed nothing.
 */
export function timeoutReason(what: string, timeoutMs: number): string {
  return READ_ONLY.test(what)
    ? `no answer within ${timeoutMs / 1000} s (the engine is slow or unreachable); this call only reads, nothing was changed`
    : `no answer within ${timeoutMs / 1000} s; the engine may still carry it out, and the next pulumi up takes over what it made`;
}

/**
 * How long an engine may take to answer its first call of a process (`GET /_ping`): a socket that
 * accepts connections but never answers (a hung or stopped dockerd) then fails in seconds, not
 * after ENGINE_TIMEOUT_MS on every call. Longer over the network, where TLS or SSH come first.
 */
export function pingTimeoutMs(host: string): number {
  return host.startsWith("unix://") ? 5_000 : 15_000;
}

/** Socket errors that mean no engine answers at the address (nothing listening, no such host, no access). */
const UNREACHABLE = new Set([
  "ENOENT",
  "ECONNREFUSED",
  "EACCES",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
]);

/** The error for an engine that does not answer at `host`, saying why and what to do. */
export function unreachable(host: string, cause: string): Error {
  return new Error(
    `no Docker engine answers at ${host} (${cause}): start dockerd there, or point DOCKER_HOST (or the resource's connection.host) at a running engine. Nothing was changed`,
  );
}

/**
 * Network changes (create, remove, connect, disconnect) this process sends one engine at once,
 * whatever Pulumi's `--parallel`: the engine makes networks one after another, so a wider burst
 * only queues there, and past ENGINE_TIMEOUT_MS the queued calls failed (500 creates at
 * `--parallel 1024`). Measured on 100 networks + connects: 4, 8, 16 or 100 at once all took
 * 6.9-7.7 s; one at a time, 11-16 s.
 */
export const MAX_CHANGES_PER_ENGINE = 8;

/**
 * Ranks in the queue: work on networks and endpoints that exist goes before a new network, so an
 * attachment waiting for its network is connected as soon as the network is made, not after every
 * other network the run declares.
 */
const EXISTING = 0;
const NEW_NETWORK = 1;

/** One gate per engine address, shared by every resource this process serves. */
const gates = new Map<string, Gate>();

/** Whether each engine answers, asked once per process before its first call (`GET /_ping`). */
const answering = new Map<string, Promise<void>>();

/** Each engine's version, asked once per process (`GET /version`). */
const versions = new Map<string, Promise<EngineVersion>>();

/** A container as far as networking goes (`docker inspect`). */
export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  /** Endpoints by network name. */
  readonly networks: Record<string, EndpointInfo>;
}

/** Filters of `docker network ls --filter`. */
export interface NetworkFilters {
  readonly name?: string;
  readonly id?: string;
  readonly driver?: string;
  readonly label?: string | string[];
  readonly scope?: string;
  readonly type?: "custom" | "builtin";
}

/* eslint-disable @typescript-eslint/no-explicit-any -- dockerode's errors and JSON are untyped */

const statusOf = (err: any): number | undefined => err?.statusCode;

export class Engine {
  constructor(
    readonly docker: Docker,
    /** The engine's address, for messages. */
    readonly host: string,
  ) {}

  static connect(conn?: Connection): Engine {
    const { ssh, ...options } = dockerodeOptions(conn, ENGINE_TIMEOUT_MS);
    if (ssh) options.agent = sshAgent(ssh as ConnectConfig);
    return new Engine(new Docker(options as Docker.DockerOptions), resolveHost(conn));
  }

  /** Wraps an engine error in a message that says what was tried, on which engine, and why it failed. */
  fail(what: string, err: any): Error {
    if (UNREACHABLE.has(err?.code)) return unreachable(this.host, String(err.message));
    const reason = err?.json?.message ?? err?.reason ?? err?.message ?? String(err);
    // Engine 29 puts a line break after "invalid endpoint settings:": one line reads better.
    const e = new Error(
      `${what} on ${this.host}: ${String(reason)
        .trim()
        .replace(/\s*\n\s*/g, " ")}`,
    );
    (e as any).statusCode = statusOf(err);
    return e;
  }

  /**
   * Runs one engine call, named as the docker CLI would do it (`what`), bounded by `timeoutMs`; a 404 gives `notFound` when that is given, else
   * every error is wrapped.
   */
  private async call<T>(
    what: string,
    fn: () => Promise<T>,
    notFound?: { value: T },
    timeoutMs = ENGINE_TIMEOUT_MS,
  ): Promise<T> {
    await this.answers();
    let timer: NodeJS.Timeout | undefined;
    // dockerode's own timeout is per socket and cannot apply over ssh: bound every call here.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(timeoutReason(what, timeoutMs))), timeoutMs);
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (err) {
      if (notFound && statusOf(err) === 404) return notFound.value;
      throw this.fail(what, err);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves once the engine has answered `GET /_ping` (asked once per process and engine, within
   * {@link pingTimeoutMs}); rejects, saying which address was tried and what to do, when nothing
   * answers there.
   */
  private answers(): Promise<void> {
    let ping = answering.get(this.host);
    if (!ping) {
      const ms = pingTimeoutMs(this.host);
      // Aborted, not abandoned: a request left waiting on a silent socket would keep the program alive.
      // dockerode's ping takes an abortSignal; its types predate it.
      const pingWith = this.docker.ping.bind(this.docker) as unknown as (o: object) => Promise<unknown>;
      ping = pingWith({ abortSignal: AbortSignal.timeout(ms) })
        .then(() => undefined)
        .catch((err: any) => {
          if (err?.name !== "AbortError" && err?.name !== "TimeoutError") throw this.fail("docker info", err);
          throw unreachable(this.host, `it took the connection but did not answer GET /_ping within ${ms / 1000} s`);
        });
      answering.set(this.host, ping);
      // Asked again by the next call: the engine may have been started meanwhile.
      ping.catch(() => answering.delete(this.host));
    }
    return ping;
  }

  /** A change to the engine's networks, queued behind the engine's other changes (see MAX_CHANGES_PER_ENGINE). */
  private change<T>(rank: number, what: string, fn: () => Promise<T>, notFound?: { value: T }): Promise<T> {
    let gate = gates.get(this.host);
    if (!gate) gates.set(this.host, (gate = new Gate(MAX_CHANGES_PER_ENGINE)));
    // The deadline starts when the call is sent, not while it waits its turn.
    return gate.run(rank, () => this.call(what, fn, notFound));
  }

  /** The engine's version (`docker version` → Server.Version and ApiVersion), e.g. `28.5.2`, `1.51`. */
  version(): Promise<EngineVersion> {
    let v = versions.get(this.host);
    if (!v) {
      v = this.call("docker version", async () => {
        const { Version, ApiVersion } = await this.docker.version();
        return { version: String(Version), apiVersion: ApiVersion === undefined ? undefined : String(ApiVersion) };
      });
      versions.set(this.host, v);
      v.catch(() => versions.delete(this.host));
    }
    return v;
  }

  /**
   * {@link require} on the engine `conn` names, where it is known (in a preview it may not be yet)
   * and where there is anything to require: no engine call otherwise.
   */
  static async requireOn(conn: Connection | undefined, what: string, needs: readonly EngineNeed[]): Promise<void> {
    if (needs.length > 0 && !containsUnknown(conn)) await Engine.connect(conn).require(what, needs);
  }

  /** Refuses, before any change, settings this engine is too old for (see model/engineFeatures). */
  async require(what: string, needs: readonly EngineNeed[]): Promise<void> {
    if (needs.length === 0) return;
    const refused = unmetNeeds(what, this.host, await this.version(), needs);
    if (refused) throw new Error(refused);
  }

  /** `GET /networks/{ref}`: dockerode puts the reference into the path unescaped, so names with `#`, `%`, `?` broke. */
  private networkJson(ref: string): Promise<any> {
    return new Promise((resolve, reject) =>
      this.docker.modem.dial(
        {
          path: `/networks/${encodeURIComponent(ref)}?`,
          method: "GET",
          statusCodes: { 200: true, 404: "no such network", 500: "server error" },
        },
        (err: any, data: any) => (err ? reject(err) : resolve(data)),
      ),
    );
  }

  inspectNetwork(ref: string): Promise<NetworkInfo | undefined> {
    return this.call(`docker network inspect ${ref}`, async () => networkFromApi(await this.networkJson(ref)), {
      value: undefined,
    });
  }

  /**
   * The network a reference means, resolved as the engine does (see pickNetwork): full ID, exact
   * name, ID prefix; an ambiguous reference fails listing the matches. Matched against the list, so
   * any character a name may hold is fine.
   */
  async findNetwork(ref: string, by: "name or ID" | "ID" = "name or ID"): Promise<NetworkInfo | undefined> {
    const all: any[] = await this.call("docker network ls", () => this.docker.listNetworks());
    const { network, ambiguous } = pickNetwork(
      all.map((n) => ({ id: String(n.Id), name: String(n.Name), scope: String(n.Scope) })),
      ref,
      by,
    );
    if (ambiguous) throw new Error(`${ambiguous} (on ${this.host})`);
    return network && this.inspectNetwork(network.id);
  }

  async createNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    const created = await this.change(NEW_NETWORK, `docker network create ${spec.name}`, () =>
      this.docker.createNetwork(networkCreateRequest(spec)),
    );
    const info = await this.inspectNetwork(created.id);
    if (!info)
      throw new Error(`docker network create ${spec.name} on ${this.host}: network vanished right after creation`);
    return info;
  }

  /** Removes a network; true when it was there. */
  removeNetwork(id: string): Promise<boolean> {
    return this.change(
      EXISTING,
      `docker network rm ${id}`,
      () =>
        this.docker
          .getNetwork(id)
          .remove()
          .then(() => true),
      { value: false },
    );
  }

  /** `docker network ls --filter`, as listed: without attached containers. */
  private networkSummaries(filters: NetworkFilters): Promise<any[]> {
    const f = Object.fromEntries(
      Object.entries(filters)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
    );
    return this.call("docker network ls", () => this.docker.listNetworks({ filters: f }));
  }

  async listNetworks(filters: NetworkFilters = {}): Promise<NetworkInfo[]> {
    const summaries = await this.networkSummaries(filters);
    // The list omits attached containers; inspect each (a network removed meanwhile drops out).
    const infos = await Promise.all(summaries.map((s: any) => this.inspectNetwork(s.Id)));
    return infos.filter((n): n is NetworkInfo => n !== undefined);
  }

  /** ID, name and labels of each network `docker network ls --filter` lists: one call, no inspect. */
  async networkLabels(
    filters: NetworkFilters = {},
  ): Promise<{ id: string; name: string; labels: Record<string, string> }[]> {
    return (await this.networkSummaries(filters)).map((s: any) => ({
      id: s.Id,
      name: s.Name,
      labels: { ...s.Labels },
    }));
  }

  inspectContainer(ref: string): Promise<ContainerInfo | undefined> {
    return this.call(
      `docker inspect ${ref}`,
      async () => {
        const c: any = await this.docker.getContainer(ref).inspect();
        const networks = Object.fromEntries(
          Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, e]) => [name, endpointFromApi(e)]),
        );
        return { id: c.Id, name: String(c.Name).replace(/^\//, ""), networks };
      },
      { value: undefined },
    );
  }

  connect(networkId: string, containerId: string, endpoint: EndpointSpec): Promise<void> {
    return this.change(EXISTING, `docker network connect ${networkId} ${containerId}`, () =>
      this.docker
        .getNetwork(networkId)
        .connect({ Container: containerId, EndpointConfig: endpointConfigRequest(endpoint) }),
    );
  }

  /** Disconnects; true when the container was attached. */
  disconnect(networkId: string, containerId: string, force = false): Promise<boolean> {
    return this.change(
      EXISTING,
      `docker network disconnect ${networkId} ${containerId}`,
      () =>
        this.docker
          .getNetwork(networkId)
          .disconnect({ Container: containerId, Force: force })
          .then(() => true),
      { value: false },
    );
  }

  /** This engine's own swarm membership (`docker info`). */
  async localSwarm(): Promise<LocalSwarm> {
    return localSwarmFromInfo(await this.call("docker info", () => this.docker.info()));
  }

  /** The swarm, when this engine is a manager (`docker swarm inspect`); undefined otherwise. */
  async inspectSwarm(): Promise<SwarmInfo | undefined> {
    try {
      return await this.call("docker swarm inspect", async () => swarmFromApi(await this.docker.swarmInspect()));
    } catch (err) {
      // 406: not part of a swarm; 503: a worker, or no quorum.
      if ([406, 503].includes(statusOf(err) ?? 0)) return undefined;
      throw err;
    }
  }

  /** `docker swarm init`; resolves to the new node's ID. */
  initSwarm(request: object): Promise<string> {
    return this.call("docker swarm init", () => this.docker.swarmInit(request)).then(String);
  }

  joinSwarm(request: object): Promise<void> {
    return this.call("docker swarm join", () => this.docker.swarmJoin(request));
  }

  leaveSwarm(force: boolean): Promise<void> {
    return this.call(`docker swarm leave${force ? " --force" : ""}`, () => this.docker.swarmLeave({ force }));
  }

  /** `docker swarm update`: the declared spec fields over the current spec, optionally rotating join tokens. */
  updateSwarm(declared: SwarmSpec | undefined, rotateTokens = false): Promise<void> {
    return this.call("docker swarm update", async () => {
      const current: any = await this.docker.swarmInspect();
      const query = {
        version: current.Version.Index,
        rotateWorkerToken: rotateTokens,
        rotateManagerToken: rotateTokens,
      };
      await this.docker.swarmUpdate({ _query: query, _body: swarmSpecToApi(declared, current.Spec) });
    });
  }

  /** `docker swarm unlock-key`; undefined when the swarm is not autolocked. */
  unlockKey(): Promise<string | undefined> {
    // dockerode has no call for it: dial the endpoint directly.
    return this.call(
      "docker swarm unlock-key",
      () =>
        new Promise<string | undefined>((resolve, reject) =>
          this.docker.modem.dial(
            { path: "/swarm/unlockkey", method: "GET", statusCodes: { 200: true, 503: "not a swarm manager" } },
            (e: any, d: any) => (e ? reject(e) : resolve(d?.UnlockKey || undefined)),
          ),
        ),
    );
  }

  listNodes(): Promise<SwarmNodeInfo[]> {
    return this.call("docker node ls", async () => ((await this.docker.listNodes()) as any[]).map(nodeFromApi));
  }

  inspectNode(id: string): Promise<SwarmNodeInfo | undefined> {
    return this.call(`docker node inspect ${id}`, async () => nodeFromApi(await this.docker.getNode(id).inspect()), {
      value: undefined,
    });
  }

  /** `docker node update`: the node's role, availability and labels at `version`. */
  updateNode(
    id: string,
    version: number,
    spec: { role: string; availability: string; labels: Record<string, string> },
  ): Promise<void> {
    const body = { Role: spec.role, Availability: spec.availability, Labels: spec.labels };
    return this.call(`docker node update ${id}`, () =>
      this.docker.getNode(id).update({ _query: { version }, _body: body }),
    );
  }

  /** `docker node rm`; true when the node was there. */
  removeNode(id: string, force: boolean): Promise<boolean> {
    return this.call(
      `docker node rm ${id}`,
      () =>
        this.docker
          .getNode(id)
          .remove({ force })
          .then(() => true),
      { value: false },
    );
  }

  /** `docker service ls`. */
  async listServices(): Promise<ServiceInfo[]> {
    return ((await this.call("docker service ls", () => this.docker.listServices())) as any[]).map(serviceFromApi);
  }

  /** `docker service inspect` by name, ID or ID prefix: the model, and the spec an update sends back. */
  inspectService(ref: string): Promise<{ info: ServiceInfo; spec: any } | undefined> {
    return this.call(
      `docker service inspect ${ref}`,
      async () => {
        const s: any = await this.docker.getService(ref).inspect();
        return { info: serviceFromApi(s), spec: s.Spec };
      },
      { value: undefined },
    );
  }

  /**
   * `docker service update` with a whole spec at `version` (the engine refuses it when the
   * service changed since: "update out of sequence"), or `docker service rollback` to the spec
   * before the last update. The registry credentials the service has are kept.
   */
  updateService(id: string, version: number, spec: object, rollback = false): Promise<void> {
    const query = { version, ...(rollback ? { rollback: "previous" } : {}) };
    return this.call(`docker service ${rollback ? "rollback" : "update"} ${id.slice(0, 12)}`, () =>
      this.docker.getService(id).update({ _query: query, _body: spec }),
    );
  }

  /** `docker service ps`: tasks by `docker service ps --filter` filters (service, node, desired-state, label). */
  /** `GET /tasks/{id}` (no CLI twin): any task, a network attachment task included; undefined when gone. */
  async inspectTask(id: string): Promise<TaskInfo | undefined> {
    const t = await this.call(`docker inspect ${id}`, () => this.docker.getTask(id).inspect(), { value: undefined });
    return t && taskFromApi(t);
  }

  async listTasks(filters: Record<string, string[]>): Promise<TaskInfo[]> {
    return ((await this.call("docker service ps", () => this.docker.listTasks({ filters }))) as any[]).map(taskFromApi);
  }

  /** `docker service create`; resolves to the service's ID. */
  async createService(spec: object): Promise<string> {
    const created: any = await this.call("docker service create", () => this.docker.createService(spec as any));
    return String(created.ID ?? created.id);
  }

  /** `docker service rm`; true when it was there. */
  removeService(id: string): Promise<boolean> {
    return this.call(
      `docker service rm ${id.slice(0, 12)}`,
      () =>
        this.docker
          .getService(id)
          .remove()
          .then(() => true),
      { value: false },
    );
  }

  /** Containers with a label (`docker ps --filter label=...`), running or not: their IDs and states. */
  async containersLabelled(label: string): Promise<{ id: string; state: string }[]> {
    const list: any[] = await this.call("docker ps", () =>
      this.docker.listContainers({ all: true, filters: { label: [label] } }),
    );
    return list.map((c) => ({ id: String(c.Id), state: String(c.State) }));
  }

  /** The error for a probe image this engine does not have. */
  missingProbeImage(image: string): Error {
    return new Error(
      `probe image "${image}" is not on ${this.host}, and the library never pulls: provide it there (docker pull ${image}, or docker load / docker import), or name another image with a shell and busybox's nc and ping`,
    );
  }

  /**
   * Starts a probe container (`docker run -d --network NETWORK IMAGE CMD`) labelled as the
   * library's probe. The image is never pulled: a missing one is an error saying how to provide it.
   */
  async startProbe(probe: { image: string; cmd: string[]; network: string; name?: string }): Promise<string> {
    const created: any = await this.call(`docker run ${probe.image}`, () =>
      this.docker.createContainer({
        name: probe.name,
        Image: probe.image,
        Cmd: probe.cmd,
        Tty: true,
        Labels: { [MANAGED_LABEL]: "true", [PROBE_LABEL]: "true" },
        HostConfig: { NetworkMode: probe.network },
      }),
    ).catch((err: Error) => {
      if (/no such image/i.test(err.message)) throw this.missingProbeImage(probe.image);
      throw err;
    });
    try {
      await this.call(`docker start ${created.id}`, () => this.docker.getContainer(created.id).start());
    } catch (err) {
      await this.removeContainer(created.id);
      throw err;
    }
    return created.id;
  }

  /** The ID of the engine's image of that name (`docker image inspect`), undefined when it has none; never pulls. */
  imageId(name: string): Promise<string | undefined> {
    return this.call(
      `docker image inspect ${name}`,
      async () => String((await this.docker.getImage(name).inspect()).Id),
      { value: undefined },
    );
  }

  /** Whether the engine has an image of that name; never pulls. */
  async hasImage(name: string): Promise<boolean> {
    return (await this.imageId(name)) !== undefined;
  }

  /** Runs `sh -c SCRIPT` in a probe (`docker exec`), bounded by `timeoutMs`; resolves to its output. */
  execProbe(id: string, script: string, timeoutMs: number): Promise<string> {
    // A probe is removed after use, which ends an exec still running past its bound.
    return this.call(
      `docker exec ${id.slice(0, 12)}`,
      async () => {
        const exec = await this.docker
          .getContainer(id)
          .exec({ Cmd: ["sh", "-c", script], AttachStdout: true, AttachStderr: true, Tty: true });
        const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
        return await new Promise<string>((resolve, reject) => {
          let out = "";
          stream.on("data", (d: Buffer) => (out += d.toString("utf8")));
          stream.on("end", () => resolve(out));
          stream.on("error", reject);
        });
      },
      undefined,
      timeoutMs,
    );
  }

  /**
   * A probe that runs `sh -c SCRIPT` to its end (`docker run --rm`), bounded by `timeoutMs`, and is
   * removed whatever happens; resolves to its output.
   */
  async runProbe(probe: { image: string; script: string; network: string; timeoutMs: number }): Promise<string> {
    const id = await this.startProbe({ ...probe, cmd: ["sh", "-c", probe.script] });
    try {
      const container = this.docker.getContainer(id);
      await this.call(`docker wait ${id.slice(0, 12)}`, () => container.wait(), undefined, probe.timeoutMs);
      const logs = await this.call(`docker logs ${id.slice(0, 12)}`, () =>
        container.logs({ stdout: true, stderr: true, follow: false }),
      );
      return Buffer.isBuffer(logs) ? logs.toString("utf8") : String(logs);
    } finally {
      await this.removeContainer(id);
    }
  }

  /** `docker rm --force`; true when it was there. */
  removeContainer(id: string): Promise<boolean> {
    return this.call(
      `docker rm --force ${id.slice(0, 12)}`,
      () =>
        this.docker
          .getContainer(id)
          .remove({ force: true })
          .then(() => true),
      { value: false },
    );
  }
}
