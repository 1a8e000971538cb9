import * as assert from "node:assert/strict";
import { Gate } from "../../provider/engine/gate";

/** A task that records when it starts and ends only when `release` is called. */
function held(log: string[], name: string): { task: () => Promise<string>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("Gate (engine changes in flight)", () => {
  it("runs at most `limit` tasks at once", async () => {
    const gate = new Gate(2);
    const log: string[] = [];
    const tasks = ["a", "b", "c", "d"].map((n) => held(log, n));
    const results = tasks.map((t) => gate.run(0, t.task));
    await tick();
    assert.deepEqual(log, ["a", "b"]);
    assert.equal(gate.active, 2);
    assert.equal(gate.queued, 2);
    tasks[0].release();
    await tick();
    assert.deepEqual(log, ["a", "b", "c"]);
    tasks.slice(1).forEach((t) => t.release());
    assert.deepEqual(await Promise.all(results), ["a", "b", "c", "d"]);
    assert.equal(gate.active, 0);
  });

  it("starts a waiting task of a lower rank first, and one rank in arrival order", async () => {
    const gate = new Gate(1);
    const log: string[] = [];
    const first = held(log, "first");
    const running = gate.run(0, first.task);
    const waiting = [
      ["new-1", 1],
      ["new-2", 1],
      ["existing-1", 0],
      ["new-3", 1],
      ["existing-2", 0],
    ].map(([name, rank]) => {
      const h = held(log, name as string);
      h.release();
      return gate.run(rank as number, h.task);
    });
    await tick();
    first.release();
    await Promise.all([running, ...waiting]);
    assert.deepEqual(log, ["first", "existing-1", "existing-2", "new-1", "new-2", "new-3"]);
  });

  it("frees the slot of a task that fails", async () => {
    const gate = new Gate(1);
    await assert.rejects(
      gate.run(0, async () => {
        throw new Error("engine said no");
      }),
      /engine said no/,
    );
    assert.equal(await gate.run(0, async () => "next"), "next");
    assert.equal(gate.active, 0);
  });

  it("refuses a limit that is not a whole number >= 1", () => {
    assert.throws(() => new Gate(0), /Gate limit 0: must be a whole number >= 1/);
  });
});
