/** What the benchmark scripts share: timing and the table they print. */

/** Milliseconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
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
