/** Per-driver rules for the network provider. Pure. */
import { BRIDGE_OPTION_KEYS } from "./model";
import type { NetworkDriver } from "./networkProvider";
import { bridgeOptionProblems } from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs */

/** Driver options for typed fields that are set; unknown values stay unknown. */
export function typedOptions(inputs: any, keys: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(keys)
      .filter(([field]) => inputs[field] !== undefined)
      .map(([field, key]) => [key, String(inputs[field])]),
  );
}

export const bridgeDriver: NetworkDriver = {
  driver: "bridge",
  kind: "BridgeNetwork",
  problems: bridgeOptionProblems,
  typedOptions: (inputs) => typedOptions(inputs, BRIDGE_OPTION_KEYS),
  extraFields: [],
};
