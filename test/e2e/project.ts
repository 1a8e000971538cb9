/**
 * A Pulumi project as a user has it: the library `npm pack`ed and installed from the tarball
 * into a fresh directory with @pulumi/pulumi, driven by the real Pulumi CLI through the
 * Automation API (local file backend, passphrase secrets). Programs are inline: the CLI's
 * Node.js language host cannot be built here (see scripts/provide-pulumi.sh), so this process
 * serves the language runtime, loading the library and the SDK from the project's node_modules.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";

const repo = path.resolve(__dirname, "../..");

/** Why the e2e suite cannot run here, or undefined when it can. */
export function cliUnavailable(): string | undefined {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  if (r.status !== 0) return 'the Pulumi CLI is not on PATH (PATH="$(scripts/provide-pulumi.sh):$PATH" provides it)';
  if (spawnSync("sh", ["-c", "command -v pulumi-resource-pulumi-nodejs"]).status !== 0) {
    return "pulumi-resource-pulumi-nodejs (the dynamic-provider plugin) is not on PATH (scripts/provide-pulumi.sh provides it)";
  }
  return undefined;
}

/** Skips the suite when the CLI cannot run here, except in CI, where that is a failure. */
export function requireCli(ctx: Mocha.Context): void {
  const why = cliUnavailable();
  if (!why) return;
  if (process.env.CI) throw new Error(`e2e suite cannot run: ${why}`);
  console.log(`\n    e2e suite NOT RUN: ${why}\n`);
  ctx.skip();
}

export interface UserProject {
  readonly dir: string;
  /** The project's copy of the library, as a program would import it. */
  readonly lib: typeof import("../../provider");
  readonly pulumi: typeof import("@pulumi/pulumi");
  readonly auto: typeof automation;
  stack(name: string, program: () => Promise<Record<string, unknown> | void>): Promise<automation.Stack>;
  remove(): void;
}

export function makeUserProject(): UserProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-e2e-"));
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repo, encoding: "utf8" })
    .trim()
    .split("\n")
    .pop()!;
  const sdkVersion = JSON.parse(
    fs.readFileSync(path.join(repo, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
  ).version;
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "pdn-e2e-user",
      private: true,
      dependencies: { "@pulumi/pulumi": sdkVersion, "pulumi-docker-networking": `file:./${tarball}` },
    }),
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: dir,
    stdio: "inherit",
  });
  fs.mkdirSync(path.join(dir, "state"));
  // Rooted in the user's project: a plain require from here would resolve the library to this
  // repo (package self-reference) and load a second copy of the SDK.
  const req = createRequire(path.join(dir, "package.json"));
  const auto: typeof automation = req("@pulumi/pulumi/automation");
  return {
    dir,
    lib: req("pulumi-docker-networking"),
    pulumi: req("@pulumi/pulumi"),
    auto,
    stack: (stackName, program) =>
      auto.LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "pdn-e2e", program },
        {
          workDir: dir,
          envVars: {
            PULUMI_BACKEND_URL: `file://${dir}/state`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
          },
        },
      ),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
