/** The topology's renderings (pure) and the command's arguments; SVG through Graphviz compiled to WebAssembly. */
import * as assert from "node:assert/strict";
import { parseArgs, render } from "../../provider/cli";
import { topologyToDot, topologyToMermaid, type Topology } from "../../provider/model/topology";

const overlay = {
  id: "ov1",
  name: "mesh",
  driver: "overlay",
  scope: "swarm",
  subnets: ["10.0.1.0/24"],
  attachable: true,
  encrypted: true,
  internal: false,
};
const local = {
  id: "br1",
  name: 'odd "name"',
  driver: "bridge",
  scope: "local",
  subnets: [],
  attachable: false,
  encrypted: false,
  internal: true,
};
const host = (i: number, containers: Topology["hosts"][number]["containers"]): Topology["hosts"][number] => ({
  host: `unix:///h${i}.sock`,
  hostname: `host-${i}`,
  swarm: { nodeId: `n${i}`, role: i === 0 ? "manager" : "worker", address: `10.9.0.${i + 1}` },
  networks: [overlay, ...(i === 0 ? [local] : []), { ...local, id: "hostnet", name: "host", driver: "host" }],
  containers,
});
const endpoint = (
  network: string,
  networkId: string,
  ip: string,
): Topology["hosts"][number]["containers"][number]["endpoints"][number] => ({
  network,
  networkId,
  ipv4Address: ip,
  ipv6Address: "",
  aliases: [],
});
const topology: Topology = {
  hosts: [
    host(0, [
      { id: "c0", name: "web", endpoints: [endpoint("mesh", "ov1", "10.0.1.2"), endpoint(local.name, "br1", "")] },
    ]),
    host(1, [{ id: "c1", name: "db", endpoints: [endpoint("mesh", "ov1", "10.0.1.3")] }]),
  ],
  swarmNodes: [],
  services: [
    {
      id: "s1",
      name: "api",
      mode: "replicated",
      replicas: 2,
      endpointMode: "vip",
      networks: [{ networkId: "ov1", network: "mesh", virtualIp: "10.0.1.9/24", aliases: [] }],
      tasks: [
        // On host-0, asked: its container is drawn there.
        { id: "t1", slot: 1, nodeId: "n0", hostname: "host-0", state: "running", containerId: "c0", addresses: [] },
        // On a host not asked: a node of its own, joined to the overlay by its address.
        {
          id: "t2",
          slot: 2,
          nodeId: "n7",
          hostname: "host-7",
          state: "running",
          containerId: "c7",
          addresses: [{ networkId: "ov1", network: "mesh", address: "10.0.1.7/24" }],
        },
      ],
    },
  ],
};

describe("topology rendering", () => {
  it("DOT: a box per host, the overlay once outside them, an edge per endpoint with its address", () => {
    const dot = topologyToDot(topology);
    assert.equal((dot.match(/subgraph cluster_host_/g) ?? []).length, 2);
    assert.equal(
      (dot.match(/label="mesh\\n10\.0\.1\.0\/24\\noverlay, spans hosts, attachable, encrypted"/g) ?? []).length,
      1,
    );
    assert.match(dot, /ctr_0_c0 -- net_ov1 \[label="10\.0\.1\.2"\]/);
    assert.match(dot, /ctr_1_c1 -- net_ov1 \[label="10\.0\.1\.3"\]/);
    assert.match(dot, /label="odd \\"name\\"\\nbridge, internal"/, "quotes escaped");
    assert.match(dot, /ctr_0_c0 -- net_0_br1 \[label="\(not running\)"\]/);
    assert.doesNotMatch(dot, /hostnet/, "the host network is not drawn");
    assert.match(dot, /label="host-0\\n10\.9\.0\.1\\nswarm manager"/);
  });

  it("DOT: a service outside the hosts, joined to its overlay by its VIP and to each task", () => {
    const dot = topologyToDot(topology);
    assert.match(dot, /svc_s1 \[shape=hexagon, [^\]]*label="api\\nservice, 2 replica\(s\)"\]/);
    assert.match(dot, /svc_s1 -- net_ov1 \[label="VIP 10\.0\.1\.9\/24"\]/);
    assert.match(dot, /svc_s1 -- ctr_0_c0 \[label="task 1", style=dashed\]/, "the task's container on an asked host");
    assert.match(dot, /task_t2 \[[^\]]*label="api\.2\\non host-7"\]/, "a task on a host not asked");
    assert.match(dot, /task_t2 -- net_ov1 \[label="10\.0\.1\.7"\]/);
  });

  it("Mermaid: the same picture", () => {
    const m = topologyToMermaid(topology);
    assert.match(m, /^flowchart LR\n/);
    assert.match(m, /subgraph host_1\["host-1 \(worker\)"\]/);
    assert.match(m, /ctr_1_c1 ---\|"10\.0\.1\.3"\| net_ov1/);
    assert.match(m, /odd #quot;name#quot;/);
    assert.match(m, /svc_s1\{\{"api<br\/>service, 2 replica\(s\)"\}\}/);
    assert.match(m, /svc_s1 ---\|"VIP 10\.0\.1\.9\/24"\| net_ov1/);
  });

  it("SVG and HTML through Graphviz (WebAssembly): every name is a text of the picture", async () => {
    const svg = await render(topology, "x.svg");
    assert.match(svg, /<svg/);
    // Graphviz writes some characters as numeric entities ("-" as &#45;).
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1].replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    );
    for (const s of ["host-0", "host-1", "web", "db", "mesh", "10.0.1.3", "api", "VIP 10.0.1.9/24"]) {
      assert.ok(texts.includes(s), s);
    }
    const html = await render(topology, "x.html");
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.includes("<svg"));
    assert.match(
      html,
      /<tr><td>api<\/td><td>mesh \(VIP 10\.0\.1\.9\/24\)<\/td><td>api\.2<\/td><td>host-7<\/td><td>mesh 10\.0\.1\.7\/24<\/td><\/tr>/,
    );
  });

  it("a LAN network (macvlan, ipvlan) shows its parent interface; its containers' addresses are named LAN addresses", async () => {
    const lanNet = {
      id: "mv1",
      name: "lan",
      driver: "macvlan",
      scope: "local",
      subnets: ["192.168.1.0/24"],
      attachable: false,
      encrypted: false,
      internal: false,
      parent: "eth0",
    };
    const t: Topology = {
      hosts: [
        {
          ...host(1, [{ id: "c5", name: "dns", endpoints: [endpoint("lan", "mv1", "192.168.1.53")] }]),
          networks: [lanNet],
        },
      ],
      swarmNodes: [],
      services: [],
    };
    assert.match(topologyToDot(t), /label="lan\\n192\.168\.1\.0\/24\\nmacvlan on eth0 \(LAN\)"/);
    assert.match(topologyToDot(t), /ctr_0_c5 -- net_0_mv1 \[label="192\.168\.1\.53"\]/);
    const html = await render(t, "x.html");
    assert.match(html, /<tr><td>host-1<\/td><td>dns<\/td><td>lan \(LAN, on eth0\)<\/td><td>192\.168\.1\.53<\/td>/);
  });

  it("the command's arguments", () => {
    assert.deepEqual(parseArgs(["topology", "--host", "unix:///a", "--host", "ssh://b", "--out", "t.svg"]), {
      hosts: ["unix:///a", "ssh://b"],
      out: "t.svg",
    });
    assert.deepEqual(parseArgs(["topology"]), { hosts: [], out: undefined });
    assert.match(parseArgs(["draw"]) as string, /^usage: pulumi-docker-networking topology/);
    assert.match(parseArgs(["topology", "--out", "t.png"]) as string, /must end in \.svg, \.html, \.dot or \.mmd/);
    assert.match(parseArgs(["topology", "--host"]) as string, /^--host needs a value/);
    assert.match(parseArgs(["topology", "-x"]) as string, /^unknown argument "-x"/);
  });
});
