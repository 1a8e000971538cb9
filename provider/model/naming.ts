import { randomBytes } from "node:crypto";

/** Pulumi-style auto-name: `<logical name>-<7 hex>`. */
export function autoName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex").slice(0, 7)}`;
}

/**
 * The name a resource gets in `check`: the declared one; else the one it was auto-named before
 * (stable across updates; the engine calls check without olds on replacement, so a replacement
 * gets a fresh one); else a new auto-name.
 */
export function resolveName(
  olds: { name?: string; autoNamed?: boolean },
  news: { name?: string; autoNamePrefix?: string },
): {
  name: string;
  autoNamed: boolean;
} {
  if (news.name !== undefined) return { name: news.name, autoNamed: false };
  if (olds.autoNamed && olds.name) return { name: olds.name, autoNamed: true };
  return { name: autoName(news.autoNamePrefix ?? "network"), autoNamed: true };
}

/** Whether two auto-names were made from the same logical name (they differ in the random part only). */
export function sameAutoName(a: string, b: string): boolean {
  const stem = (n: string): string => n.replace(/-[0-9a-f]{7}$/, "");
  return stem(a) === stem(b) && stem(a) !== a && stem(b) !== b;
}
