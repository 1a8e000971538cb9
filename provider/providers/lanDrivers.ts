/**
 * The network drivers that put containers on the host's LAN: macvlan (a MAC address of its own on
 * the parent interface per container) and ipvlan (the parent's MAC, an address of its own). Pure
 * rules, and the user's terms for what the engine or the host's kernel refuses.
 */
import { IPVLAN_OPTION_KEYS, MACVLAN_OPTION_KEYS, type NetworkSpec } from "../model/model";
import { ipvlanOptionProblems, macvlanOptionProblems } from "../model/lanValidation";
import { onSwarmManager, typedOptions, verifySwarmWide } from "./drivers";
import type { NetworkDriver } from "./networkProvider";

/** The parent a spec names (`-o parent=...`). */
const parentOf = (spec: NetworkSpec): string => spec.options?.parent ?? "";

/**
 * What the engine and the host's kernel refuse at create, in the user's terms (nothing was made):
 * a parent the host does not have, a parent another network has (passthru; any, before Engine
 * 28), a kernel without 802.1Q VLANs, or without the dummy interface a network of no parent sits on.
 */
function explainCreate(kind: string) {
  return (err: Error, spec: NetworkSpec, host: string): Error | undefined => {
    const parent = parentOf(spec);
    const head = `${kind} "${spec.name}": parent "${parent}"`;
    // Without a parent the engine makes a dummy interface for the network to sit on.
    if (!parent && !spec.configFrom && /operation not supported/i.test(err.message)) {
      return new Error(
        `${kind} "${spec.name}": without a parent the engine puts the network on a dummy interface it makes, and the kernel of the host of ${host} cannot make one: it lacks dummy interfaces (CONFIG_DUMMY, the dummy module). Nothing was changed. ` +
          "Load the dummy module there (modprobe dummy), or give a parent",
      );
    }
    // A parent the host lacks is taken for a VLAN sub-interface to make, which needs a "." in its name.
    if (/parent interface was not found|invalid subinterface vlan name/i.test(err.message)) {
      return new Error(
        `${head} is not an interface of the host of ${host} (the engine said: ${err.message.replace(/^.*?: /, "")}). Nothing was changed. ` +
          'Give an interface of that host on the LAN (ip link on the host), or a VLAN sub-interface of one ("eth0.50"); leave parent out with internal: true for a network that stays on the host',
      );
    }
    if (/vlan link: operation not supported/i.test(err.message)) {
      return new Error(
        `${head} is an 802.1Q VLAN sub-interface, and the kernel of the host of ${host} cannot make one: it lacks VLAN support (CONFIG_VLAN_8021Q, the 8021q module). Nothing was changed. ` +
          "Load the 8021q module there (modprobe 8021q), or give an interface the host already has",
      );
    }
    if (/already using parent interface/i.test(err.message)) {
      const engineSaid = err.message.replace(/^.*?: /, "");
      // Newer engines share a parent between networks, but never a passthru network's.
      const why = /passthru/i.test(engineSaid)
        ? "and a passthru network takes the whole interface"
        : "and this engine gives a parent interface to one macvlan or ipvlan network (newer ones share it, except with passthru)";
      return new Error(
        `${head} on ${host} already carries another network, ${why} (the engine said: ${engineSaid}). Nothing was changed. ` +
          `Give this network an interface of its own, or a VLAN sub-interface ("${parent}.<VLAN ID>")`,
      );
    }
    return undefined;
  };
}

/** The fields of a swarm-wide LAN network (configurations per node, one network made from them). */
const SWARM_WIDE_FIELDS = ["configOnly", "configFrom", "clusterId", "swarmNodeId", "nodeConnections", "verify"];

/** A network made `--config-from` is swarm-scoped: it is created on a manager. */
function swarmWide(kind: string): NonNullable<NetworkDriver["precondition"]> {
  const onManager = onSwarmManager(kind, "Swarm-scoped LAN networks (configFrom)");
  return async (engine, spec) => (spec.configFrom ? onManager(engine, spec) : {});
}

export const macvlanDriver: NetworkDriver = {
  driver: "macvlan",
  kind: "MacvlanNetwork",
  problems: macvlanOptionProblems,
  typedOptions: (inputs) => typedOptions(inputs, MACVLAN_OPTION_KEYS),
  extraFields: ["parent", "mode", ...SWARM_WIDE_FIELDS],
  precondition: swarmWide("MacvlanNetwork"),
  verify: verifySwarmWide("MacvlanNetwork", "LAN network"),
  explain: explainCreate("MacvlanNetwork"),
};

export const ipvlanDriver: NetworkDriver = {
  driver: "ipvlan",
  kind: "IpvlanNetwork",
  problems: ipvlanOptionProblems,
  typedOptions: (inputs) => typedOptions(inputs, IPVLAN_OPTION_KEYS),
  extraFields: ["parent", "mode", "flag", ...SWARM_WIDE_FIELDS],
  precondition: swarmWide("IpvlanNetwork"),
  verify: verifySwarmWide("IpvlanNetwork", "LAN network"),
  explain: explainCreate("IpvlanNetwork"),
};

/**
 * What the host's kernel lacks, by the engine's words when it cannot plug a container into a LAN
 * network it took: the feature, its kernel option and module, and the way out; undefined for
 * other refusals.
 */
export function kernelLacks(reason: string): string | undefined {
  if (/failed to create the ipvlan port: operation not supported/i.test(reason)) {
    return "ipvlan (CONFIG_IPVLAN, the ipvlan module): load it there (modprobe ipvlan), or use a MacvlanNetwork";
  }
  if (/failed to create the macvlan port: operation not supported/i.test(reason)) {
    return "macvlan (CONFIG_MACVLAN, the macvlan module): load it there (modprobe macvlan)";
  }
  return undefined;
}
