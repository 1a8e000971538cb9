/**
 * Mocha root hooks for tests that need an engine: start (or find) one, point DOCKER_HOST at it,
 * import the test image; at the end, the leak check, then stop a private engine.
 */
import { ensureTestImage, leftovers } from "./fixtures";
import { startTestEngine, type TestEngine } from "./engine";

let engine: TestEngine | undefined;

export function testEngine(): TestEngine {
  if (!engine) throw new Error("test engine not started");
  return engine;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    engine = await startTestEngine();
    console.log(`  engine: Docker ${engine.version} (API ${engine.apiVersion}) at ${engine.host}`);
    process.env.DOCKER_HOST = engine.host;
    await ensureTestImage(engine.docker);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (!engine) return;
    try {
      const left = await leftovers(engine.docker);
      if (left.length > 0) throw new Error(`leak check: the tests left ${left.length} object(s): ${left.join(", ")}`);
    } finally {
      await engine.stop();
    }
  },
};
