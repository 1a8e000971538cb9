/**
 * Runs the quickstart stack (Pulumi.yaml → examples/quickstart) with the real Pulumi CLI on a
 * local file backend: `up` or `destroy`. The program runs inline through the Automation API, so
 * no Node.js language host binary is needed (see scripts/provide-pulumi.sh).
 */
import * as path from "node:path";
import * as fs from "node:fs";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import quickstart from "../examples/quickstart";

async function main(): Promise<void> {
  const [command, ...containers] = process.argv.slice(2);
  const root = path.resolve(__dirname, "..");
  const backend = process.env.PULUMI_BACKEND_URL ?? `file://${path.join(root, ".pulumi-state")}`;
  if (backend.startsWith("file://")) fs.mkdirSync(backend.slice("file://".length), { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: process.env.STACK ?? "dev", projectName: "docker-networking-quickstart", program: quickstart },
    {
      workDir: root,
      envVars: {
        PULUMI_BACKEND_URL: backend,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "quickstart",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      },
    },
  );
  const onOutput = (s: string): boolean => process.stdout.write(s);
  if (command === "up") {
    await stack.removeConfig("containers").catch(() => undefined);
    await stack.setAllConfig(Object.fromEntries(containers.map((c, i) => [`containers[${i}]`, { value: c }])), true);
    await stack.up({ onOutput, color: "always" });
  } else if (command === "destroy") {
    await stack.destroy({ onOutput, color: "always" });
  } else {
    throw new Error(`usage: quickstart.ts up CONTAINER... | destroy`);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
