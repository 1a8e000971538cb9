import { createHash, randomBytes } from "node:crypto";

/**
 * Pulumi-style auto-name: `<logical name>-<7 hex>`. The hex is derived from `seed` when there is
 * one, so that a preview shows the very name `up` then makes; else random.
 */
export function autoName(prefix: string, seed?: string): string {
  const hex = seed !== undefined ? createHash("sha256").update(seed).digest("hex") : randomBytes(4).toString("hex");
  return `${prefix}-${hex.slice(0, 7)}`;
}

/**
 * The name a resource gets in `check`: the declared one; else the one it was auto-named before
 * (stable across updates); else a new auto-name. A new auto-name is derived from the resource's
 * identity (`owner`, and the URN of its parent when it has one) and from the name it replaces, if
 * any: the engine checks a replacement again without olds, so `previous` (the name the same
 * resource had in the check before) is what gives a replacement a name of its own.
 */
export function resolveName(
  olds: { name?: string; autoNamed?: boolean },
  news: { name?: string; autoNamePrefix?: string; owner?: string; autoNameScope?: string },
  previous?: string,
): {
  name: string;
  autoNamed: boolean;
} {
  if (news.name !== undefined) return { name: news.name, autoNamed: false };
  if (olds.autoNamed && olds.name) return { name: olds.name, autoNamed: true };
  const seed = news.owner === undefined ? undefined : [news.owner, news.autoNameScope ?? "", previous ?? ""].join("\n");
  return { name: autoName(news.autoNamePrefix ?? "network", seed), autoNamed: true };
}

/** Whether two auto-names were made from the same logical name (they differ in the random part only). */
export function sameAutoName(a: string, b: string): boolean {
  const stem = (n: string): string => n.replace(/-[0-9a-f]{7}$/, "");
  return stem(a) === stem(b) && stem(a) !== a && stem(b) !== b;
}

/** A network as `docker network ls` lists it, for resolving a reference. */
export interface ListedNetwork {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
}

/**
 * The network a reference means, resolved as the engine resolves it (`docker network inspect REF`):
 * the network with exactly that ID; else the one of exactly that name; else the one whose ID starts
 * with it. `by: "ID"` leaves names out. Several of a kind (a name used in two scopes, a short
 * prefix) is ambiguous, as in the engine: the error lists the matches.
 */
export function pickNetwork(
  all: readonly ListedNetwork[],
  ref: string,
  by: "name or ID" | "ID" = "name or ID",
): { network?: ListedNetwork; ambiguous?: string } {
  const exact = all.find((n) => n.id === ref);
  if (exact) return { network: exact };
  const candidates: [string, ListedNetwork[]][] = [
    ["name", by === "ID" ? [] : all.filter((n) => n.name === ref)],
    ["ID prefix", ref === "" ? [] : all.filter((n) => n.id.startsWith(ref))],
  ];
  for (const [how, matches] of candidates) {
    if (matches.length === 1) return { network: matches[0] };
    if (matches.length > 1) {
      const listed = matches.map((n) => `${n.name} ${n.id.slice(0, 12)} (${n.scope})`).join(", ");
      return {
        ambiguous: `network "${ref}" is ambiguous (${matches.length} matches found on ${how}): ${listed}; give the network's full ID`,
      };
    }
  }
  return {};
}
