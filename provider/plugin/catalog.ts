/**
 * What the provider plugin serves, by the library's names: the schema generator
 * (scripts/schema.ts) reads each entry's TypeScript declarations, the plugin routes by them.
 */
import type { ProviderKind } from "../providers/dynamic/impl";

/** The Pulumi package name: type tokens are `docker-networking:index:<Name>`. */
export const PACKAGE = "docker-networking";

export interface SchemaEntry {
  /** The exported class or function (its args interface is `<name>Args`). */
  readonly name: string;
  /** A component resource (the plugin's `construct`), not a custom one. */
  readonly component?: boolean;
}

export const RESOURCES: readonly (SchemaEntry & { name: ProviderKind | "SwarmCluster" })[] = [
  { name: "BridgeNetwork" },
  { name: "OverlayNetwork" },
  { name: "MacvlanNetwork" },
  { name: "IpvlanNetwork" },
  { name: "NetworkAttachment" },
  { name: "ServiceAttachment" },
  { name: "SwarmNode" },
  { name: "SwarmCluster", component: true },
];

export const FUNCTIONS: readonly SchemaEntry[] = [
  { name: "getNetwork" },
  { name: "listNetworks" },
  { name: "getSwarm" },
  { name: "getTopology" },
];

/** Outputs that are secret whatever the inputs (the TypeScript classes' additionalSecretOutputs). */
export const SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  SwarmNode: ["workerToken", "managerToken", "unlockKey"],
  SwarmCluster: ["workerToken", "managerToken"],
};
