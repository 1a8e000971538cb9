/**
 * Mocha's spec reporter plus one closing line in the plain form CI tools read:
 * `tests: N passed, N failed, N skipped`.
 */
import * as Mocha from "mocha";

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = this.stats;
      // Printed after the spec summary (which is written on the same event, registered first).
      process.nextTick(() => console.log(`tests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`));
    });
  }
}

export = SpecWithSummary;
