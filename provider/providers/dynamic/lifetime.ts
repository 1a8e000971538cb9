/**
 * The dynamic-provider plugin's lifetime. The Pulumi CLI starts the plugin and stops it when done,
 * but a CLI killed outright (SIGKILL) cannot, and the SDK's plugin would then serve forever. Loaded
 * in the plugin, this ends the process a few seconds after the engine it serves stops answering.
 */
import * as net from "node:net";

const POLL_MS = 2_000;

/** The engine's address, the plugin's one positional argument (`127.0.0.1:PORT`), when this process is the plugin. */
function engineAddress(argv: readonly string[]): { host: string; port: number } | undefined {
  if (!/[/\\]dynamic-provider([/\\]index\.js)?$/.test(argv[1] ?? "")) return undefined;
  const addr = argv.slice(2).find((a) => /^[^-][^:]*:\d+$/.test(a));
  if (!addr) return undefined;
  const i = addr.lastIndexOf(":");
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}

/** Exits once the engine refuses connections; does nothing outside the plugin process. */
export function exitWithEngine(argv: readonly string[] = process.argv): void {
  const engine = engineAddress(argv);
  if (!engine) return;
  const timer = setInterval(() => {
    const probe = net.connect(engine.port, engine.host);
    probe.setTimeout(POLL_MS);
    probe.once("connect", () => probe.destroy());
    probe.once("timeout", () => probe.destroy());
    probe.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED") process.exit(0);
    });
  }, POLL_MS);
  timer.unref();
}
