/** Bounded waiting: every wait in the library ends by a deadline. */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 250 ms until it gives a value or `ms` have passed (then undefined). */
export async function until<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) {
    const v = await probe();
    if (v !== undefined) return v;
  }
  return undefined;
}
