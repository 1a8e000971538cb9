/**
 * Which Docker Engine version each declared setting needs. Pure. An older engine does not refuse
 * what it does not know: Engine 26 ignores a gateway mode option and creates a NAT network anyway,
 * and Engine 20.10 drops `EnableIPv4` and `GwPriority`. So `create` asks the engine's version
 * first and refuses, naming the field, before anything changes. `check` asks no engine, so a new
 * resource is refused by `up`, not by the preview; a replacement that deletes first is refused by
 * its diff (preview and up), before the old object is deleted.
 */
import { BRIDGE_OPTION_KEYS } from "./model";

/* eslint-disable @typescript-eslint/no-explicit-any -- checked inputs */

/** A declared setting and the engine version it needs. */
export interface EngineNeed {
  /** The field as the user wrote it, with its value: `gatewayModeIpv4: "routed"`. */
  readonly field: string;
  /** Its docker CLI twin, for the message. */
  readonly cli: string;
  /** The oldest Docker Engine (MAJOR.MINOR) that does it. */
  readonly since: string;
}

/** The gateway modes of bridge networks and the Engine release that brought each. */
export const GATEWAY_MODES: Readonly<Record<string, string>> = {
  nat: "27.0",
  routed: "27.0",
  "nat-unprotected": "28.0",
  isolated: "28.0",
};

/** `EnableIPv4` (IPv6-only networks) and endpoints' `GwPriority`: API 1.48. */
const ENGINE_28 = "28.0";

/** What a network's checked inputs need of the engine (options already carry the typed fields). */
export function networkNeeds(inputs: any): EngineNeed[] {
  const needs: EngineNeed[] = [];
  if (inputs.enableIpv4 === false) {
    needs.push({ field: "enableIpv4: false", cli: "docker network create --ipv4=false", since: ENGINE_28 });
  }
  for (const [field, key] of [
    ["gatewayModeIpv4", BRIDGE_OPTION_KEYS.gatewayModeIpv4],
    ["gatewayModeIpv6", BRIDGE_OPTION_KEYS.gatewayModeIpv6],
  ] as const) {
    const mode = inputs.options?.[key];
    if (mode !== undefined && GATEWAY_MODES[mode]) {
      needs.push({ field: `${field}: "${mode}"`, cli: `--opt ${key}=${mode}`, since: GATEWAY_MODES[mode] });
    }
  }
  return needs;
}

/** What an attachment's checked inputs need of the engine. */
export function attachmentNeeds(inputs: any): EngineNeed[] {
  return inputs.gwPriority !== undefined && inputs.gwPriority !== 0
    ? [{ field: `gwPriority: ${inputs.gwPriority}`, cli: "docker network connect --gw-priority", since: ENGINE_28 }]
    : [];
}

/**
 * The Engine API version each release in {@link EngineNeed.since} brought (Docker's API version
 * history): an engine whose version is no release number is judged by its API version instead.
 */
const API_OF_RELEASE: Readonly<Record<string, string>> = { "26.0": "1.45", "27.0": "1.46", "28.0": "1.48" };

/** An engine as `docker version` reports it: `Version` and `ApiVersion`. */
export interface EngineVersion {
  /** The release, e.g. `28.5.2+dfsg4`; a source build may say anything (`library-import`, `dev`). */
  readonly version: string;
  /** The newest Engine API version it speaks, e.g. `1.51`. */
  readonly apiVersion?: string;
}

/** MAJOR.MINOR of a version string (`28.5.2+dfsg4` → [28, 5]); undefined when it has none. */
function majorMinor(version: string | undefined): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec((version ?? "").trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const notBefore = ([a, b]: [number, number], [x, y]: [number, number]): boolean => a > x || (a === x && b >= y);

/**
 * Whether the engine is release `since` or later: by its release number, else (a source build
 * says `library-import`) by its API version; an engine that gives neither counts as too old.
 */
export function atLeast(engine: EngineVersion, since: string): boolean {
  const release = majorMinor(engine.version);
  if (release) return notBefore(release, majorMinor(since)!);
  const api = majorMinor(engine.apiVersion);
  const needed = majorMinor(API_OF_RELEASE[since]);
  return !!api && !!needed && notBefore(api, needed);
}

/** The engine as a message names it: its release, with its API version when the release is no number. */
export function describeEngine(engine: EngineVersion): string {
  return majorMinor(engine.version) || !engine.apiVersion
    ? engine.version
    : `${engine.version} (API ${engine.apiVersion})`;
}

/**
 * The message refusing `needs` that engine `version` (at `host`) cannot do, or undefined when it
 * can do them all. `what` names the resource, e.g. `BridgeNetwork "app"`.
 */
export function unmetNeeds(
  what: string,
  host: string,
  engine: EngineVersion,
  needs: readonly EngineNeed[],
): string | undefined {
  const unmet = needs.filter((n) => !atLeast(engine, n.since));
  if (unmet.length === 0) return undefined;
  const each = unmet.map((n) => `${n.field} (${n.cli}) needs Docker Engine ${n.since} or later`).join("; ");
  return (
    `${what}: ${each}, and the engine at ${host} is ${describeEngine(engine)}. ` +
    `Upgrade that engine, or leave ${unmet.length === 1 ? "the field" : "these fields"} out. Nothing was changed`
  );
}
