/** The library's modules import one another without a circle (type-only imports included). */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../../provider");

/** Each module of the library and the modules it imports or re-exports from, by relative path. */
function importGraph(): Map<string, string[]> {
  const files = fs
    .readdirSync(ROOT, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(ROOT, f));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const deps = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"(\.[^"]+)"/g)].flatMap((m) => {
      const target = path.join(path.dirname(file), m[1]);
      return [`${target}.ts`, path.join(target, "index.ts")].filter((c) => files.includes(c)).slice(0, 1);
    });
    graph.set(file, deps);
  }
  return graph;
}

/** The circles among the modules, each as the path that closes it. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, trail: string[]): void => {
    const at = trail.indexOf(file);
    if (at >= 0) return void found.push([...trail.slice(at), file]);
    if (done.has(file)) return;
    for (const dep of graph.get(file) ?? []) visit(dep, [...trail, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

describe("module layout", () => {
  it("no module imports itself back through others", () => {
    const graph = importGraph();
    assert.ok(graph.size > 40, `only ${graph.size} modules found under ${ROOT}`);
    const found = circles(graph).map((c) => c.map((f) => path.relative(ROOT, f)).join(" -> "));
    assert.deepEqual(found, []);
  });
});
