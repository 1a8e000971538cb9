/**
 * Diff rules. Pure. The Engine API cannot change a network or an endpoint in place, so a change
 * to any engine-side field is a replacement; connection secrets and delete behaviour update in
 * place. `olds` are the resource's outputs in state, `news` the checked inputs; a value the user
 * left out means "whatever the engine chose" and is not a change.
 */
import { cidrsOverlap, familyOf, parseCidr, sameAddress } from "./cidr";
import { resolveHost } from "./connection";
import { sameAutoName } from "./naming";
import { BRIDGE_OPTION_KEYS, type EndpointInfo, type IpamConfig } from "./model";
import { parseDuration } from "./swarmModel";
import { containsUnknown, isUnknown, sameValue } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any -- diff works on raw state and inputs */

export interface DiffResult {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly updates: string[];
  readonly deleteBeforeReplace: boolean;
}

/** Compares a field; unknown in `news` counts as a change (it may differ once known). */
type FieldRule = (olds: any, news: any) => boolean;

const plain =
  (field: string, dflt?: unknown): FieldRule =>
  (o, n) =>
    containsUnknown(n[field]) || !sameValue(o[field] ?? dflt, n[field] ?? dflt);

/** Compares a field only when the user declared it; left out, the engine's value stands. */
const declared =
  (field: string): FieldRule =>
  (o, n) =>
    n[field] !== undefined && (containsUnknown(n[field]) || !sameValue(o[field], n[field]));

/** Observed map keys must be the declared ones, except keys the engine adds by itself. */
const declaredMap =
  (field: string, engineKeys: readonly string[] = []): FieldRule =>
  (o, n) => {
    if (containsUnknown(n[field])) return true;
    const want: Record<string, string> = n[field] ?? {};
    const have = Object.fromEntries(
      Object.entries(o[field] ?? {}).filter(([k]) => k in want || !engineKeys.includes(k)),
    );
    return !sameValue(have, want);
  };

/** Another engine: hosts compare as they resolve (left out is `DOCKER_HOST`, else the local socket). */
const connectionHost: FieldRule = (o, n) =>
  containsUnknown(n.connection?.host) || resolveHost(o.connection) !== resolveHost(n.connection);

const connectionSecrets: FieldRule = (o, n) =>
  ["caMaterial", "certMaterial", "keyMaterial"].some((k) => !sameValue(o.connection?.[k], n.connection?.[k]));

/**
 * An overlay's swarm (its cluster ID). Unknown in a preview while the swarm's init node updates
 * in place; its node ID, still known and the same, then says it is the same swarm. A replaced
 * init node has a new ID (unknown in a preview): a new swarm, and the network is replaced.
 */
const sameSwarm: FieldRule = (o, n) =>
  isUnknown(n.clusterId) && typeof n.swarmNodeId === "string" && !isUnknown(n.swarmNodeId)
    ? n.swarmNodeId !== o.swarmNodeId
    : declared("clusterId")(o, n);

/** Address maps (aux addresses) are equal when they have the same keys and the same address values. */
function sameAddressMap(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameAddress(a[k], b[k]));
}

/** A declared pool matches an observed one when every field it declares is the same value, in any spelling. */
function poolMatches(declared: IpamConfig, observed: IpamConfig): boolean {
  return (
    (["subnet", "gateway", "ipRange"] as const).every(
      (k) => declared[k] === undefined || sameAddress(declared[k], observed[k]),
    ) &&
    (declared.auxAddresses === undefined || sameAddressMap(declared.auxAddresses, observed.auxAddresses))
  );
}

/**
 * Pools left out are the engine's to choose; declared pools must each match one observed pool.
 * An observed pool no declaration matches is a change, except an IPv4 pool beside IPv6-only
 * declarations: Engine 20.10 adds one to such a network on its own.
 */
const ipamConfigs: FieldRule = (o, n) => {
  if (containsUnknown(n.ipamConfigs)) return true;
  const declared: IpamConfig[] = n.ipamConfigs ?? [];
  if (declared.length === 0) return false;
  const observed: IpamConfig[] = [...(o.ipamConfigs ?? [])];
  for (const d of declared) {
    const i = observed.findIndex((x) => poolMatches(d, x));
    if (i < 0) return true;
    observed.splice(i, 1);
  }
  const declaresIpv4 = declared.some((d) => familyOf(d.subnet) === 4);
  return observed.some((x) => declaresIpv4 || familyOf(x.subnet) !== 4);
};

/** Compares a declared address by value (`fd00:0031::10` is `fd00:31::10`); left out, the engine's choice stands. */
const declaredAddress =
  (field: string): FieldRule =>
  (o, n) =>
    n[field] !== undefined && (isUnknown(n[field]) || !sameAddress(o[field], n[field]));

/** Whether a reference (name, full ID or ID prefix) the user gave denotes the object in state. */
export function refersTo(ref: unknown, id: string | undefined, name: string | undefined): boolean {
  if (typeof ref !== "string" || isUnknown(ref) || ref === "") return false;
  const bare = ref.replace(/^\//, "");
  return bare === name?.replace(/^\//, "") || bare === id || (bare.length >= 12 && !!id?.startsWith(bare));
}

const reference =
  (field: string, idField: string, nameField: string): FieldRule =>
  (o, n) =>
    isUnknown(n[field]) || (n[field] !== o[field] && !refersTo(n[field], o[idField], o[nameField]));

/** Applies the rules; `deleteFirst` says whether a replacement must delete before it creates. */
function evaluate(
  olds: any,
  news: any,
  replaceRules: Record<string, FieldRule>,
  updateRules: Record<string, FieldRule>,
  deleteFirst: (replaces: string[]) => boolean,
): DiffResult {
  const pick = (rules: Record<string, FieldRule>): string[] =>
    Object.entries(rules)
      .filter(([, rule]) => rule(olds, news))
      .map(([field]) => field);
  const replaces = pick(replaceRules);
  const updates = pick(updateRules).filter((f) => !replaces.includes(f));
  return {
    changes: replaces.length + updates.length > 0,
    replaces,
    updates,
    deleteBeforeReplace: replaces.length > 0 && deleteFirst(replaces),
  };
}

/** Driver options the engine sets on its own (overlay VXLAN IDs), not a user's change. */
export const ENGINE_OPTION_KEYS = ["com.docker.network.driver.overlay.vxlanid_list"] as const;

/**
 * Names: declared ones must match; auto-names only in the logical part, since a network taken
 * over from an interrupted create keeps the random part it got then.
 */
const networkName: FieldRule = (o, n) =>
  o.autoNamed && n.autoNamed && !isUnknown(n.name) ? !sameAutoName(o.name, n.name) : plain("name")(o, n);

const NETWORK_REPLACE_RULES: Record<string, FieldRule> = {
  name: networkName,
  driver: plain("driver"),
  ipamConfigs,
  ipamDriver: plain("ipamDriver", "default"),
  ipamOptions: plain("ipamOptions", {}),
  ipv6: plain("ipv6", false),
  // Engines before 28 report no EnableIPv4: every network there has IPv4.
  enableIpv4: plain("enableIpv4", true),
  internal: plain("internal", false),
  attachable: plain("attachable", false),
  ingress: plain("ingress", false),
  // An overlay declared on a swarm (`swarm`): a new swarm needs a new network.
  clusterId: sameSwarm,
  // Swarm-wide LAN networks: a node's configuration, and the network made from such configurations.
  configOnly: plain("configOnly", false),
  configFrom: plain("configFrom", ""),
  labels: declaredMap("labels"),
  options: declaredMap("options", ENGINE_OPTION_KEYS),
  connection: connectionHost,
};

const UPDATE_RULES: Record<string, FieldRule> = {
  connection: connectionSecrets,
  disconnectOnDelete: plain("disconnectOnDelete", false),
  adopt: plain("adopt", false),
  // An overlay's cluster nodes, reached by disconnectOnDelete: a node added or removed updates it in place.
  nodeConnections: plain("nodeConnections", []),
};

/**
 * Whether the new network cannot exist beside the old one, so a replacement must delete first:
 * the engine keeps names, address pools, bridge interface names and the ingress network unique.
 * An auto-name is no clash: `news` carries the old one (check keeps it for in-place updates), but
 * Pulumi checks a replacement again without olds, which gives it a name of its own
 * (model/naming). Unknown values count as clashes.
 */
function clashes(o: any, n: any): boolean {
  const renamed = o.autoNamed && n.autoNamed;
  if ((!renamed && n.name === o.name) || isUnknown(n.name)) return true;
  if (n.ingress && o.ingress) return true;
  const bridge = BRIDGE_OPTION_KEYS.bridgeName;
  if (n.options?.[bridge] !== undefined && n.options[bridge] === o.options?.[bridge]) return true;
  if (containsUnknown(n.ipamConfigs)) return true;
  const cidrs = (pools: IpamConfig[] = []) => pools.flatMap((p) => parseCidr(p.subnet ?? "") ?? []);
  const old = cidrs(o.ipamConfigs);
  return cidrs(n.ipamConfigs).some((c) => old.some((x) => cidrsOverlap(c, x)));
}

/** Diff of a network (bridge or overlay). */
export function diffNetwork(olds: any, news: any): DiffResult {
  return evaluate(olds, news, NETWORK_REPLACE_RULES, UPDATE_RULES, () => clashes(olds, news));
}

const ATTACHMENT_REPLACE_RULES: Record<string, FieldRule> = {
  network: reference("network", "networkId", "networkName"),
  container: reference("container", "containerId", "containerName"),
  aliases: plain("aliases", []),
  ipv4Address: declaredAddress("ipv4Address"),
  ipv6Address: declaredAddress("ipv6Address"),
  linkLocalIps: plain("linkLocalIps", []),
  driverOptions: plain("driverOptions", {}),
  // Engines before 28 report no GwPriority: 0, as on 28 when none was given.
  gwPriority: plain("gwPriority", 0),
  connection: connectionHost,
};

/**
 * The declared endpoint settings an existing endpoint lacks (the engine adds aliases of its own,
 * so extra aliases are no difference); empty when it has them all.
 */
export function endpointDifferences(e: EndpointInfo, inputs: any): string[] {
  const declared = (v: unknown): boolean => v !== undefined && !(Array.isArray(v) && v.length === 0);
  const checks: [string, boolean][] = [
    ["aliases", (inputs.aliases ?? []).every((a: string) => e.aliases.includes(a))],
    ["ipv4Address", !inputs.ipv4Address || sameAddress(inputs.ipv4Address, e.staticIpv4Address)],
    ["ipv6Address", !inputs.ipv6Address || sameAddress(inputs.ipv6Address, e.staticIpv6Address)],
    ["linkLocalIps", !declared(inputs.linkLocalIps) || sameValue(inputs.linkLocalIps, e.linkLocalIps)],
    ["driverOptions", !declared(inputs.driverOptions) || sameValue(inputs.driverOptions, e.driverOptions)],
    ["gwPriority", (inputs.gwPriority ?? 0) === e.gwPriority],
  ];
  return checks.filter(([, same]) => !same).map(([field]) => field);
}

/** Diff of a NetworkAttachment: any endpoint change is a disconnect and a new connect. */
export function diffAttachment(olds: any, news: any): DiffResult {
  // The same container cannot be connected to the same network twice: disconnect first.
  return evaluate(
    olds,
    news,
    ATTACHMENT_REPLACE_RULES,
    { connection: connectionSecrets, adopt: plain("adopt", false) },
    (replaces) => !replaces.includes("network") && !replaces.includes("container"),
  );
}

const SERVICE_ATTACHMENT_REPLACE_RULES: Record<string, FieldRule> = {
  network: reference("network", "networkId", "networkName"),
  service: reference("service", "serviceId", "serviceName"),
  connection: connectionHost,
};

/**
 * Diff of a ServiceAttachment: another network or service is a new attachment; the endpoint's
 * aliases and driver options update the service in place (its tasks are redeployed either way).
 */
export function diffServiceAttachment(olds: any, news: any): DiffResult {
  return evaluate(
    olds,
    news,
    SERVICE_ATTACHMENT_REPLACE_RULES,
    {
      aliases: plain("aliases", []),
      driverOptions: plain("driverOptions", {}),
      timeoutSeconds: plain("timeoutSeconds"),
      adopt: plain("adopt", false),
      connection: connectionSecrets,
    },
    // The same network cannot be on the same service twice: remove it first.
    (replaces) => !replaces.includes("network") && !replaces.includes("service"),
  );
}

/** Declared spec fields must match the observed spec; durations compare by value ("2160h" = "2160h0m0s"). */
const swarmSpec: FieldRule = (o, n) => {
  if (n.spec === undefined) return false;
  if (containsUnknown(n.spec)) return true;
  const have = o.spec ?? {};
  return Object.entries(n.spec as Record<string, unknown>).some(([k, want]) => {
    if (want === undefined) return false;
    if (k === "dispatcherHeartbeatPeriod" || k === "nodeCertExpiry") {
      return parseDuration(String(want)) !== parseDuration(String(have[k] ?? ""));
    }
    return !sameValue(have[k] ?? (k === "labels" ? {} : undefined), want);
  });
};

/** A map the user manages only once declared: left out, whatever the node has stands. */
const managedMap =
  (field: string): FieldRule =>
  (o, n) =>
    n[field] !== undefined && declaredMap(field)(o, n);

const SWARM_NODE_REPLACE_RULES: Record<string, FieldRule> = {
  // init and join are different memberships; the join details themselves only matter when joining.
  join: (o, n) => (o.join === undefined) !== (n.join === undefined),
  advertiseAddr: plain("advertiseAddr"),
  listenAddr: plain("listenAddr"),
  dataPathAddr: plain("dataPathAddr"),
  // Left out, the swarm's defaults stand (the outputs say which are in force).
  dataPathPort: declared("dataPathPort"),
  defaultAddrPool: declared("defaultAddrPool"),
  subnetSize: declared("subnetSize"),
  connection: connectionHost,
};

const SWARM_NODE_UPDATE_RULES: Record<string, FieldRule> = {
  spec: swarmSpec,
  role: declared("role"),
  availability: declared("availability"),
  nodeLabels: managedMap("nodeLabels"),
  rotateTokens: plain("rotateTokens"),
  // Stored only: a new token (after a rotation) or manager address does not make a member rejoin.
  join: (o, n) => o.join !== undefined && n.join !== undefined && !sameValue(o.join, n.join),
  managerConnection: plain("managerConnection"),
  // Checked before a join only: stored.
  preflight: plain("preflight"),
  forceLeave: plain("forceLeave", false),
  forceNewCluster: plain("forceNewCluster", false),
  connection: connectionSecrets,
};

/** Diff of a SwarmNode: membership changes replace; swarm spec, node settings and tokens update in place. */
export function diffSwarmNode(olds: any, news: any): DiffResult {
  // An engine is in one swarm at a time: the old membership must end before the new one.
  return evaluate(olds, news, SWARM_NODE_REPLACE_RULES, SWARM_NODE_UPDATE_RULES, () => true);
}
