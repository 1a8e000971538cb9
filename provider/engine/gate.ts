/**
 * A bounded queue for engine calls: at most `limit` tasks run at once; a waiting task of a lower
 * rank starts before one of a higher rank, and tasks of one rank start in the order they came.
 */
export class Gate {
  private running = 0;
  private readonly waiting: { rank: number; start: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`Gate limit ${limit}: must be a whole number >= 1`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a slot is free and no waiting task outranks it; the slot is freed however it ends. */
  async run<T>(rank: number, task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await this.wait(rank);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so a new arrival cannot take it in between.
      if (next) next.start();
      else this.running--;
    }
  }

  private wait(rank: number): Promise<void> {
    return new Promise((start) => {
      // Behind every waiting task of its rank or a lower one.
      const before = this.waiting.findIndex((w) => w.rank > rank);
      this.waiting.splice(before < 0 ? this.waiting.length : before, 0, { rank, start });
    });
  }
}
