import * as fs from "node:fs";
import type Docker from "dockerode";
import { startTestEngine } from "../test/support/engine";
import { ensureTestImage, RUN_ID, startContainer, TEST_LABEL } from "../test/support/fixtures";
import { makeUserProject } from "../test/e2e/project";
(async () => {
  const engine = await startTestEngine();
  process.env.DOCKER_HOST = engine.host;
  await ensureTestImage(engine.docker);
  const project = makeUserProject();
  const cs: Docker.Container[] = [];
  const n = Number(process.env.N ?? 100);
  for (let i = 0; i < n; i++) cs.push(await startContainer(engine.docker, `u-${i}`));
  const stack = await project.stack(`u${RUN_ID}`, async () => {
    for (const [i, c] of cs.entries()) {
      const network = new project.lib.BridgeNetwork(`net-${i}`, { labels: { [TEST_LABEL]: RUN_ID } });
      if (!process.env.NOATT) new project.lib.NetworkAttachment(`att-${i}`, { network, container: c.id });
    }
  });
  const a = Date.now() / 1000;
  await stack.up();
  const b = Date.now() / 1000;
  fs.writeFileSync("/tmp/marks", `${a} ${b}`);
  console.log("up ms", ((b - a) * 1000).toFixed(0));
  await stack.destroy();
  fs.writeFileSync("/tmp/marks.done", "");
  await Promise.all(cs.map((c) => c.remove({ force: true })));
  project.remove();
  await engine.stop();
})();
