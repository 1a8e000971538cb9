#!/usr/bin/env node
/**
 * `npx pulumi-docker-networking topology [--host HOST ...] [--out FILE]`: draws what the engines
 * report (see getTopology). HOST is an engine address as in DOCKER_HOST (`unix://`, `tcp://`,
 * `ssh://user@host`), once per host; none means DOCKER_HOST, else the local socket. FILE's
 * extension picks the format: `.svg` or `.html` (rendered with Graphviz compiled to WebAssembly),
 * `.dot` (Graphviz), `.mmd` (Mermaid); without --out, DOT goes to standard output.
 */
import * as fs from "node:fs";
import { getTopology } from "./lookups";
import { topologyToDot, topologyToHtml, topologyToMermaid, type Topology } from "./model/topology";

const USAGE = "usage: pulumi-docker-networking topology [--host HOST ...] [--out FILE.svg|.html|.dot|.mmd]";

/** The arguments, or why they are wrong. */
export function parseArgs(argv: string[]): { hosts: string[]; out?: string } | string {
  const [command, ...rest] = argv;
  if (command !== "topology") return USAGE;
  const hosts: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const value = rest[i + 1];
    if ((rest[i] === "--host" || rest[i] === "--out") && (value === undefined || value.startsWith("--"))) {
      return `${rest[i]} needs a value\n${USAGE}`;
    }
    if (rest[i] === "--host") hosts.push(rest[++i]);
    else if (rest[i] === "--out") out = rest[++i];
    else return `unknown argument "${rest[i]}"\n${USAGE}`;
  }
  if (out && !/\.(svg|html|dot|mmd)$/.test(out)) return `--out ${out}: the name must end in .svg, .html, .dot or .mmd`;
  return { hosts, out };
}

/** The picture in the format `file`'s extension names. */
export async function render(t: Topology, file: string): Promise<string> {
  if (file.endsWith(".dot")) return topologyToDot(t);
  if (file.endsWith(".mmd")) return topologyToMermaid(t);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the formats that need it
  const viz = await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance();
  const svg = viz.renderString(topologyToDot(t), { format: "svg" });
  return file.endsWith(".html") ? topologyToHtml(t, svg) : svg;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(args);
    return 2;
  }
  const topology = await getTopology({ connections: args.hosts.map((host) => ({ host })) });
  if (!args.out) {
    process.stdout.write(topologyToDot(topology));
    return 0;
  }
  fs.writeFileSync(args.out, await render(topology, args.out));
  const counts = topology.hosts.map(
    (h) => `${h.hostname}: ${h.networks.length} networks, ${h.containers.length} containers`,
  );
  console.error(`wrote ${args.out} (${counts.join("; ")})`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`pulumi-docker-networking: ${err.message}`);
      process.exit(1);
    },
  );
}
