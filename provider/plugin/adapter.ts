/**
 * The provider plugin `pulumi-resource-docker-networking`: the library's providers, the very
 * objects its TypeScript dynamic resources run, served to programs in any language (Python, YAML).
 *
 * | plugin call | what it does                                                                     |
 * |-------------|----------------------------------------------------------------------------------|
 * | GetSchema   | schema.json, generated from the TypeScript declarations at build time            |
 * | Check       | decodes the wire values; adds what the TypeScript classes compute in a program   |
 * |             | (owner, auto-name scope, a referenced network's pools and engine, a swarm's IDs, |
 * |             | the LAN networks checked before); then the kind's `check`                          |
 * | Diff, Create, Read, Update, Delete | the kind's method; secrets wrapped again by key          |
 * | Construct   | SwarmCluster: the TypeScript component, its nodes this plugin's SwarmNodes       |
 * | Invoke      | getNetwork, listNetworks, getSwarm, getTopology                                  |
 *
 * What TypeScript finds on the program's objects (a network resource's declared pools), the
 * plugin finds by the URN of a resource reference, in what it saw of that resource in this run:
 * its checked inputs, and its outputs as its diff or create gave them. Every resource the
 * program declares is checked, then diffed or created, before a resource that references it.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { providers, type ProviderKind } from "../providers/dynamic/impl";
import { attachmentPools, carriesKeys, lanNeighbour, ownerOf } from "../model/declared";
import type { LanKind } from "../model/lanValidation";
import { getNetwork, getSwarm, getTopology, listNetworks } from "../lookups";
import { SwarmCluster, type SwarmClusterArgs } from "../resources/swarmCluster";
import { PACKAGE, SECRET_OUTPUTS } from "./catalog";
import { decodeProps, encodeProps, parseUrn, ResourceRef, UNKNOWN, type UrnParts } from "./wire";

/* eslint-disable @typescript-eslint/no-explicit-any -- the providers take raw property bags */

const NETWORK_KINDS = ["BridgeNetwork", "OverlayNetwork", "MacvlanNetwork", "IpvlanNetwork"];
const LAN_KINDS: readonly string[] = ["MacvlanNetwork", "IpvlanNetwork"];

/** What this plugin saw of a resource in this run. */
interface Seen {
  readonly kind: string;
  /** Its checked inputs. */
  inputs?: any;
  /** Its ID and outputs, unknown while a preview plans to change them. */
  id?: string;
  outputs?: any;
  /** A SwarmCluster's nodes' URNs, the init node first. */
  nodes?: Promise<string[]>;
}

/** The kind a type token names, or an error naming what this plugin serves. */
function kindOf(type: string): ProviderKind {
  const kind = type.startsWith(`${PACKAGE}:index:`) ? type.slice(PACKAGE.length + 7) : "";
  if (!(kind in providers)) throw new Error(`${PACKAGE}: unknown resource type ${type}`);
  return kind as ProviderKind;
}

/** The inputs that are secret whatever the program said: key material, a join token. */
function secretInputs(values: any): string[] {
  return [
    ...(carriesKeys(values.connection) ? ["connection"] : []),
    ...(carriesKeys(values.managerConnection) ? ["managerConnection"] : []),
    ...(values.join?.token ? ["join"] : []),
    ...(Array.isArray(values.verify?.hosts) && values.verify.hosts.some(carriesKeys) ? ["verify"] : []),
    ...(Array.isArray(values.nodeConnections) && values.nodeConnections.some(carriesKeys) ? ["nodeConnections"] : []),
  ];
}

export function pluginProvider(version: string, schema: string): provider.Provider {
  const outputNames = schemaOutputs(schema);
  const seen = new Map<string, Seen>();
  const note = (urn: string, kind: string, update: Partial<Seen>): void => {
    seen.set(urn, Object.assign(seen.get(urn) ?? { kind }, update));
  };

  /** A referenced network: its ID, name and kind, declared pools and engine. */
  function networkFrom(ref: ResourceRef): any {
    const s = seen.get(ref.urn);
    const id = ref.id || (s?.outputs === UNKNOWN ? undefined : s?.outputs?.networkId) || UNKNOWN;
    if (!s) return { network: id };
    const pools = attachmentPools(s.inputs?.ipamConfigs, s.outputs === UNKNOWN ? undefined : s.outputs?.ipamConfigs);
    return {
      network: id,
      networkResource: { kind: s.kind, name: s.inputs?.name },
      networkSubnets: pools.subnets,
      networkGateways: pools.gateways,
      connection: s.inputs?.connection,
    };
  }

  /** A referenced swarm (a SwarmNode, or a SwarmCluster made by this plugin): as swarmInputs gives it in TypeScript. */
  async function swarmFrom(ref: ResourceRef): Promise<any> {
    const s = seen.get(ref.urn);
    const urns = (await s?.nodes) ?? [ref.urn];
    const init = seen.get(urns[0]);
    const known = init && init.outputs !== UNKNOWN;
    return {
      clusterId: known ? (init.outputs?.clusterId ?? UNKNOWN) : UNKNOWN,
      swarmNodeId: (s?.nodes ? init?.id : ref.id || init?.id) || UNKNOWN,
      nodeConnections: s?.nodes ? urns.map((u) => seen.get(u)?.inputs?.connection ?? {}) : undefined,
      connection: init?.inputs?.connection,
    };
  }

  /** The provider inputs of a resource: its arguments plus what its TypeScript class computes in a program. */
  async function programInputs(kind: ProviderKind, u: UrnParts, urn: string, args: any): Promise<any> {
    const ref = (v: unknown): ResourceRef | undefined => (v instanceof ResourceRef ? v : undefined);
    const inputs: any = { ...args };
    if (NETWORK_KINDS.includes(kind)) {
      Object.assign(inputs, {
        owner: ownerOf(u.project, u.stack, kind, u.name),
        autoNamePrefix: u.name,
        // The parents' types: what tells apart two resources of one name (their URNs differ there).
        autoNameScope: u.parents || undefined,
      });
      delete inputs.swarm;
      const swarm = ref(args.swarm);
      if (swarm) {
        const { connection, ...ids } = await swarmFrom(swarm);
        Object.assign(inputs, ids, { connection: args.connection ?? connection });
      }
    }
    if (LAN_KINDS.includes(kind)) {
      const configs = ([] as unknown[]).concat(args.configFrom ?? []).flatMap((v) => ref(v) ?? []);
      if (configs.length > 0) {
        const names = configs.map((r) => seen.get(r.urn)?.inputs?.name ?? UNKNOWN);
        Object.assign(inputs, { configFrom: names[0], configFromNames: names });
      }
      inputs.lanNeighbours = [...seen.entries()]
        .filter(([other, s]) => other !== urn && LAN_KINDS.includes(s.kind) && s.inputs)
        .map(([other, s]) => lanNeighbour(parseUrn(other).name, s.kind as LanKind, s.inputs));
    }
    if (kind === "NetworkAttachment" || kind === "ServiceAttachment") {
      const network = ref(args.network);
      if (network) {
        const { connection, ...from } = networkFrom(network);
        Object.assign(
          inputs,
          kind === "NetworkAttachment" ? from : { network: from.network, networkResource: from.networkResource },
        );
        inputs.connection = args.connection ?? connection;
      }
      if (kind === "NetworkAttachment") inputs.owner = ownerOf(u.project, u.stack, kind, u.name);
    }
    return inputs;
  }

  /** Output keys to wrap as secrets: those whose inputs were, the kind's own, and key material. */
  const secretOutputs = (kind: string, inputSecrets: Set<string>, outs: any): Set<string> =>
    new Set([...inputSecrets, ...(SECRET_OUTPUTS[kind] ?? []), ...secretInputs(outs ?? {})]);

  const methods = (kind: ProviderKind): pulumi.dynamic.ResourceProvider => providers[kind];

  return {
    version,
    getSchema: async () => schema,

    async check(urn, olds, news) {
      const u = parseUrn(urn);
      const kind = kindOf(u.type);
      const o = decodeProps(olds);
      const n = decodeProps(news);
      const inputs = await programInputs(kind, u, urn, n.values);
      const result = await methods(kind).check!(o.values, inputs);
      const checked = result.inputs ?? inputs;
      note(urn, kind, { inputs: checked });
      const secrets = new Set([...n.secrets, ...secretInputs(checked)]);
      return { inputs: encodeProps(checked, secrets), failures: result.failures };
    },

    async diff(id, urn, olds, news) {
      const kind = kindOf(parseUrn(urn).type);
      const o = decodeProps(olds);
      const result = await methods(kind).diff!(id, o.values, decodeProps(news).values);
      const replaced = (result.replaces ?? []).length > 0;
      // A preview knows an unchanged resource's ID and outputs; a replacement has neither yet.
      note(urn, kind, { id: replaced ? UNKNOWN : id, outputs: result.changes ? UNKNOWN : o.values });
      return result;
    },

    async create(urn, inputs) {
      const kind = kindOf(parseUrn(urn).type);
      const i = decodeProps(inputs);
      const result = await methods(kind).create(i.values);
      note(urn, kind, { id: result.id, outputs: result.outs });
      return { id: result.id, outs: encodeProps(result.outs ?? {}, secretOutputs(kind, i.secrets, result.outs)) };
    },

    async read(id, urn, props) {
      const kind = kindOf(parseUrn(urn).type);
      const p = decodeProps(props);
      const result = await methods(kind).read!(id, p.values);
      note(urn, kind, { id: result.id, outputs: result.props });
      return { id: result.id, props: encodeProps(result.props ?? {}, secretOutputs(kind, p.secrets, result.props)) };
    },

    async update(id, urn, olds, news) {
      const kind = kindOf(parseUrn(urn).type);
      const n = decodeProps(news);
      const result = await methods(kind).update!(id, decodeProps(olds).values, n.values);
      note(urn, kind, { id, outputs: result.outs });
      return { outs: encodeProps(result.outs ?? {}, secretOutputs(kind, n.secrets, result.outs)) };
    },

    async delete(id, urn, props) {
      await methods(kindOf(parseUrn(urn).type)).delete!(id, decodeProps(props).values);
    },

    async construct(name, type, inputs, options) {
      if (type !== `${PACKAGE}:index:SwarmCluster`) throw new Error(`${PACKAGE}: unknown component type ${type}`);
      const args = await knownArgs(name, inputs);
      const made = (kind: string) => (n: string, a: any, o: pulumi.CustomResourceOptions) =>
        new PackageResource(kind, n, a, outputNames[kind], o) as any;
      const cluster = new SwarmCluster(name, args, options, {
        node: made("SwarmNode"),
        overlay: made("OverlayNetwork"),
      });
      const nodes = pulumi.all(cluster.nodes.map((n) => n.urn));
      cluster.urn.apply((urn) => note(urn, "SwarmCluster", { nodes: promiseOf(nodes) }));
      return {
        urn: cluster.urn,
        state: {
          nodes: cluster.nodes,
          clusterId: cluster.clusterId,
          managerAddress: cluster.managerAddress,
          workerToken: cluster.workerToken,
          managerToken: cluster.managerToken,
          verification: cluster.verification,
        },
      };
    },

    async invoke(token, inputs) {
      const args = decodeProps(inputs).values;
      const plain = new Set<string>();
      switch (token) {
        case `${PACKAGE}:index:getNetwork`:
          return { outputs: encodeProps(await getNetwork(args), plain) };
        case `${PACKAGE}:index:listNetworks`:
          return { outputs: encodeProps({ result: await listNetworks(args) }, plain) };
        case `${PACKAGE}:index:getSwarm`:
          return { outputs: encodeProps(await getSwarm(args), new Set(["workerToken", "managerToken"])) };
        case `${PACKAGE}:index:getTopology`:
          return { outputs: encodeProps(await getTopology(args), plain) };
      }
      throw new Error(`${PACKAGE}: unknown function ${token}`);
    },
  };
}

/** An Output's value; undefined when a preview does not know it. */
function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as any).promise() as Promise<T>;
}

/** A SwarmCluster's arguments as plain values: how many hosts, and which are managers, must be known to plan its nodes. */
async function knownArgs(name: string, inputs: pulumi.Inputs): Promise<SwarmClusterArgs> {
  const values: any = {};
  for (const [k, v] of Object.entries(inputs)) {
    const o = pulumi.output(v);
    values[k] = await promiseOf(o);
    if (["hosts", "managers"].includes(k) && !(await (o as any).isKnown)) {
      throw new Error(`SwarmCluster "${name}": ${k} must be known in a preview: the nodes to plan follow from it`);
    }
  }
  return values as SwarmClusterArgs;
}

/** Each resource's output names, from the schema (a custom resource's outputs must be registered by name). */
function schemaOutputs(schema: string): Record<string, string[]> {
  const spec = JSON.parse(schema);
  return Object.fromEntries(
    Object.entries<any>(spec.resources).map(([token, r]) => [token.split(":").pop(), Object.keys(r.properties ?? {})]),
  );
}

/** A resource of this plugin's package, made in a construct (a SwarmCluster's nodes and verify overlay). */
class PackageResource extends pulumi.CustomResource {
  constructor(
    kind: string,
    name: string,
    props: pulumi.Inputs,
    outputs: string[],
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      `${PACKAGE}:index:${kind}`,
      name,
      { ...Object.fromEntries(outputs.map((o) => [o, undefined])), ...props },
      opts,
    );
  }
}
