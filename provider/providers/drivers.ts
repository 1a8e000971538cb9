/** Per-driver rules for the network provider: pure, except the overlay's precondition and verify, which ask engines. */
import { BRIDGE_OPTION_KEYS, OVERLAY_OPTION_KEYS, type NetworkSpec } from "../model/model";
import type { Engine } from "../engine/engine";
import type { NetworkDriver } from "./networkProvider";
import { matrixFailure } from "../model/probe";
import { verifySwarmNetwork } from "./probes";
import { bridgeOptionProblems, overlayOptionProblems, type NetworkKind } from "../model/networkValidation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs */

/** Driver options for typed fields that are set; unknown values stay unknown. */
export function typedOptions(inputs: any, keys: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(keys)
      .filter(([field]) => inputs[field] !== undefined)
      // String() joins a list with commas, the form of list-valued options (vxlanid_list).
      .map(([field, key]) => [key, String(inputs[field])]),
  );
}

/**
 * The precondition of a swarm-scoped network (`what` names its kind in the message): the engine is
 * a manager, of the swarm given by `swarm` when one was; resolves to the swarm's ID.
 */
export function onSwarmManager(kind: string, what: string): NonNullable<NetworkDriver["precondition"]> {
  return async (engine: Engine, spec: NetworkSpec) => {
    const swarm = await engine.localSwarm();
    if (!swarm.isManager) {
      throw new Error(
        `${kind} "${spec.name}": the engine at ${engine.host} is not a swarm manager (swarm state: ${swarm.state}${swarm.nodeId ? ", a worker" : ""}). ` +
          `${what} are created on a manager: create a SwarmNode for this engine first (or point connection at a manager) and order the network after it with dependsOn`,
      );
    }
    const declared = (spec as { clusterId?: string }).clusterId;
    if (declared !== undefined && declared !== swarm.clusterId) {
      throw new Error(
        `${kind} "${spec.name}": the engine at ${engine.host} is a manager of swarm ${swarm.clusterId}, not of swarm ${declared} given by swarm: point connection at one of that swarm's managers`,
      );
    }
    return { clusterId: swarm.clusterId };
  };
}

/**
 * `verify` of a swarm-scoped network (`kind` names it in the message, `what` the network): a probe
 * per host asked pings every other (see probes.ts); a failed pair fails the create, the network
 * and the probes removed. A LAN network's failed pairs are the LAN's (see pairProblem).
 */
export function verifySwarmWide(kind: NetworkKind, what: string): NonNullable<NetworkDriver["verify"]> {
  return async (inputs) => {
    if (!inputs.verify) return {};
    const network = {
      name: inputs.name as string,
      // check turned `encrypted` into its driver option.
      encrypted: inputs.options?.[OVERLAY_OPTION_KEYS.encrypted] !== undefined,
      attachable: inputs.attachable === true,
      lan: kind !== "OverlayNetwork",
    };
    const matrix = await verifySwarmNetwork(network, inputs.connection, inputs.verify.hosts, inputs.verify);
    const failure = matrixFailure(network.name, matrix, what);
    if (failure) throw new Error(`${kind} ${failure}. Nothing was left: the network and its probes are removed`);
    return { verification: matrix };
  };
}

export const bridgeDriver: NetworkDriver = {
  driver: "bridge",
  kind: "BridgeNetwork",
  problems: bridgeOptionProblems,
  typedOptions: (inputs) => typedOptions(inputs, BRIDGE_OPTION_KEYS),
  extraFields: ["enableIpv4"],
};

export const overlayDriver: NetworkDriver = {
  driver: "overlay",
  kind: "OverlayNetwork",
  problems: overlayOptionProblems,
  typedOptions: (inputs) => {
    const { encrypted, ...valued } = OVERLAY_OPTION_KEYS;
    // `--opt encrypted` is a flag: the option is present with an empty value, or absent.
    return { ...typedOptions(inputs, valued), ...(inputs.encrypted === true ? { [encrypted]: "" } : {}) };
  },
  extraFields: ["ingress", "clusterId", "swarmNodeId", "verify", "nodeConnections"],
  precondition: onSwarmManager("OverlayNetwork", "Overlay networks"),
  verify: verifySwarmWide("OverlayNetwork", "overlay"),
};
