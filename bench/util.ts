/** What the benchmark scripts share: timing, medians, bounded concurrency and the table they print. */

/** Milliseconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The median (the upper one of an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `fn` on every item, at most `limit` at once (as Pulumi's `--parallel` does steps). */
export async function eachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Prints rows as a Markdown table. */
export function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log([line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
}

/**
 * The timing columns of an operation: Pulumi's ms, the dockerode floor's ms and their ratio; the
 * floor of "preview (no-op)" etc. is looked up by the operation's first word, "-" when none.
 */
export function versusFloor(op: string, ms: number, floor: Record<string, number>): string[] {
  const base = floor[op.split(" ")[0]];
  return [ms.toFixed(0), base === undefined ? "-" : base.toFixed(0), base === undefined ? "-" : (ms / base).toFixed(1)];
}
