/**
 * A Pulumi project as a user has it: the library `npm pack`ed and installed from the tarball
 * into a fresh directory with @pulumi/pulumi, on a local file backend with passphrase secrets.
 * Two ways to drive it with the real Pulumi CLI:
 * - {@link cliProject}: the `pulumi` command itself, whose Node.js language host runs the
 *   project's program file, exactly as for a user (the examples, and edits to a program);
 * - {@link makeUserProject}: the Automation API with inline programs, where this process serves
 *   the language runtime (many steps against one stack, outputs as values), loading the library
 *   and the SDK from the project's node_modules.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
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
  for (const [cmd, what] of [
    ["pulumi-language-nodejs", "the Node.js language host"],
    ["pulumi-resource-pulumi-nodejs", "the dynamic-provider plugin"],
  ]) {
    if (spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0) {
      return `${cmd} (${what}) is not on PATH (scripts/provide-pulumi.sh provides it)`;
    }
  }
  return undefined;
}

/** Skips the suite when the CLI (`why` says) cannot run here, except in CI, where that is a failure. */
export function requireCli(ctx: Mocha.Context, why = cliUnavailable()): void {
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

/** The library packed once per run, as npm would publish it: the tarball's path. */
let tarball: string | undefined;
function packedLibrary(): string {
  if (!tarball) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-pack-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repo, encoding: "utf8" })
      .trim()
      .split("\n")
      .pop()!;
    tarball = path.join(dir, file);
  }
  return tarball;
}

/**
 * Installs a user's project in `dir`: its package.json (or a minimal one) with this library from
 * the packed tarball and the SDK version this repo uses, so npm finds both in its cache.
 */
function installUserProject(dir: string): void {
  const file = path.join(dir, "package.json");
  const pkg = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { name: "pdn-e2e-user", private: true };
  const sdkVersion = JSON.parse(
    fs.readFileSync(path.join(repo, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
  ).version;
  pkg.dependencies = {
    ...pkg.dependencies,
    "@pulumi/pulumi": sdkVersion,
    "pulumi-docker-networking": `file:${packedLibrary()}`,
  };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: dir,
    stdio: "inherit",
  });
  fs.mkdirSync(path.join(dir, "state"));
}

/** Destroys what a test stack holds and removes the stack, whatever state a failed test left it in. */
export async function disposeStack(stack: automation.Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.destroy({ color: "never" }).catch(() => undefined);
  await stack.workspace.removeStack(stack.name).catch(() => undefined);
}

export function makeUserProject(): UserProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-e2e-"));
  installUserProject(dir);
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

/** What one `pulumi` command did. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A Pulumi project on disk, driven with the `pulumi` command as a user types it. */
export interface CliProject {
  readonly dir: string;
  /** Runs `pulumi ARGS` in the project (`input` on its stdin); fails with the output unless `allowFailure`. */
  pulumi(args: string[], options?: { allowFailure?: boolean; input?: string }): CliResult;
  /** Starts `pulumi ARGS` without waiting, for a test that interrupts it; `done` gives its output. */
  start(args: string[]): { child: ChildProcess; done: Promise<CliResult> };
  /** Replaces a file of the project (an edit the user makes). */
  write(file: string, text: string): void;
  remove(): void;
}

/**
 * A project as a user has it: `files` (Pulumi.yaml, index.ts, ...) or a copy of the example
 * directory `examples/NAME`, with the library installed from its tarball; a stack named `stack`
 * on a local file backend, selected. The CLI's language host runs the program file.
 */
export function cliProject(source: { example: string } | { files: Record<string, string> }, stack: string): CliProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-cli-"));
  copySource(source, dir);
  installUserProject(dir);
  return selected(onDisk(dir, {}), stack);
}

function copySource(source: { example: string } | { files: Record<string, string> }, dir: string): void {
  if ("example" in source) {
    const from = path.join(repo, "examples", source.example);
    for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  } else {
    for (const [f, text] of Object.entries(source.files)) fs.writeFileSync(path.join(dir, f), text);
  }
}

function selected(project: CliProject, stack: string): CliProject {
  project.pulumi(["stack", "init", stack]);
  return project;
}

/** The `pulumi` command in `dir` on a local file backend, `extraEnv` added to the environment. */
function onDisk(dir: string, extraEnv: Record<string, string>): CliProject {
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${dir}/state`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...extraEnv,
  };
  return {
    dir,
    pulumi(args, options = {}) {
      const r = spawnSync("pulumi", [...args, "--non-interactive", "--color", "never"], {
        cwd: dir,
        env,
        input: options.input ?? "",
        encoding: "utf8",
        maxBuffer: 64 << 20,
        timeout: 300_000,
      });
      const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
      if (r.status !== 0 && !options.allowFailure) {
        throw new Error(`pulumi ${args.join(" ")} exited ${r.status ?? r.signal}:\n${result.stdout}\n${result.stderr}`);
      }
      return result;
    },
    start(args) {
      const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], {
        cwd: dir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d) => (stdout += d));
      child.stderr!.on("data", (d) => (stderr += d));
      const done = new Promise<CliResult>((resolve) =>
        child.once("close", (status) => resolve({ status, stdout, stderr })),
      );
      return { child, done };
    },
    write: (file, text) => fs.writeFileSync(path.join(dir, file), text),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Why programs in Python and YAML cannot run here, or undefined when they can. */
export function languagesUnavailable(): string | undefined {
  for (const [cmd, what] of [
    ["pulumi-language-python", "the Python language host"],
    ["pulumi-language-yaml", "the YAML language host"],
    ["pulumi-language-go", "the Go language host"],
    ["pulumi-sdkgen", "the SDK generator"],
    ["go", "Go"],
    ["python3", "Python 3"],
  ]) {
    if (spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0) {
      return `${cmd} (${what}) is not on PATH (scripts/provide-pulumi.sh provides the pulumi-* ones)`;
    }
  }
  return cliUnavailable();
}

/** What programs in other languages install, built once per run (`scripts/sdk.sh`): the plugin's tarball, the Python wheel. */
let sdk: { plugin: string; wheel: string; home: string; venv: string } | undefined;
function languageSdk(): NonNullable<typeof sdk> {
  if (!sdk) {
    execFileSync("bash", ["scripts/sdk.sh"], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
    const out = path.join(repo, "dist/sdk");
    const plugin = path.join(
      out,
      fs.readdirSync(out).find((f) => f.endsWith(".tar.gz"))!,
    );
    const wheel = path.join(out, "python", fs.readdirSync(path.join(out, "python"))[0]);
    // One Pulumi home (the plugin installed from its tarball, as a user does) and one virtualenv per run.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-lang-"));
    process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
    const home = path.join(root, "pulumi-home");
    const version = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).version;
    execFileSync("pulumi", ["plugin", "install", "resource", "docker-networking", version, "--file", plugin], {
      env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const venv = path.join(root, "venv");
    execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
    execFileSync(
      path.join(venv, "bin/pip"),
      [
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
        path.join(repo, "examples/python/requirements.txt"),
        wheel,
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    sdk = { plugin, wheel, home, venv };
  }
  return sdk;
}

/**
 * A project in Python, Go or YAML from `examples/NAME` (or `files`), as its user has it: the
 * provider plugin installed from its tarball into the Pulumi home, the Python SDK from its wheel
 * into the project's virtualenv (`venv`, activated: the Python language host built here ignores
 * the project's `virtualenv` option), a Go program's go.mod pointed at the Go SDK, a stack on a
 * local file backend.
 */
export function languageProject(
  source: { example: string } | { files: Record<string, string> },
  stack: string,
  env: Record<string, string> = {},
): CliProject {
  const { home, venv } = languageSdk();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-lang-"));
  copySource(source, dir);
  fs.symlinkSync(venv, path.join(dir, "venv"));
  const goMod = path.join(dir, "go.mod");
  if (fs.existsSync(goMod)) {
    // A Go program takes the SDK by a replace of its module path: here, the one this run built.
    const sdkDir = path.join(repo, "dist/sdk/go");
    fs.writeFileSync(goMod, fs.readFileSync(goMod, "utf8").replace(/=> \S*dist\/sdk\/go/, `=> ${sdkDir}`));
    execFileSync("go", ["mod", "tidy"], {
      cwd: dir,
      env: { ...process.env, GOFLAGS: "-mod=mod" },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  fs.mkdirSync(path.join(dir, "state"));
  return selected(
    onDisk(dir, {
      PULUMI_HOME: home,
      VIRTUAL_ENV: venv,
      PATH: `${path.join(venv, "bin")}:${process.env.PATH}`,
      ...env,
    }),
    stack,
  );
}

/* eslint-disable @typescript-eslint/no-explicit-any -- stack outputs are JSON */

/** `pulumi stack output --json --show-secrets`. */
export function outputs(p: CliProject): any {
  return JSON.parse(p.pulumi(["stack", "output", "--json", "--show-secrets"]).stdout);
}

/**
 * The resource counts of a `pulumi` run's last summary ("+ 4 created"; `up --yes` prints the
 * preview's summary first), so a program that deploys nothing fails its test.
 */
export function changes(out: string): Record<string, number> {
  const summary = out.split(/^Resources:$/m).pop()!;
  return Object.fromEntries(
    [...summary.matchAll(/^\s+(?:[-+~]|\+-)?\s*(\d+) (to \w+|created|deleted|updated|replaced|unchanged)$/gm)].map(
      (m) => [m[2], Number(m[1])],
    ),
  );
}

/** Preview and refresh of a converged stack plan nothing. */
export function assertConverged(p: CliProject): void {
  p.pulumi(["preview", "--expect-no-changes"]);
  p.pulumi(["refresh", "--yes", "--expect-no-changes"]);
}
