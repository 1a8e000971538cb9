/**
 * The topology picture, as a user makes it: a three-host lab swarm with an attachable overlay
 * across the hosts, a bridge network on one, a macvlan network on the lab's LAN on another and a
 * service of three replicas on the overlay, then `npx pulumi-docker-networking topology`
 * from a project that installed the package, and the HTML it wrote opened in headless Chromium
 * (Debian's `chromium`): a screenshot is taken, and every host, network, container and service
 * (with its VIP and tasks) must appear in the picture the page shows, the tasks in its tables. PDN_TOPOLOGY_EXAMPLE=DIR also keeps the SVG and screenshot there
 * (the README's example is made so).
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type Docker from "dockerode";
import { attachmentProvider } from "../../provider/providers/attachmentProvider";
import { bridgeDriver, overlayDriver } from "../../provider/providers/drivers";
import { macvlanDriver } from "../../provider/providers/lanDrivers";
import { networkProvider } from "../../provider/providers/networkProvider";
import { swarmNodeProvider } from "../../provider/providers/swarmNodeProvider";
import { which } from "../support/engine";
import { RUN_ID, removeContainers, startContainer, TEST_LABEL } from "../support/fixtures";
import { create, destroy, type Created } from "../support/lifecycle";
import { labLeftovers, startLab, type Lab } from "../support/lab";
import { createTestService } from "../support/swarm";
import { makeUserProject, type UserProject } from "./project";

const overlay = networkProvider(overlayDriver);
const bridge = networkProvider(bridgeDriver);
const macvlan = networkProvider(macvlanDriver);

/** The texts of the SVG's <text> elements in a serialized DOM, entities decoded. */
function svgTexts(dom: string): string[] {
  const svg = /<svg[\s\S]*<\/svg>/.exec(dom)?.[0] ?? "";
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&"),
  );
}

/** Removes the services and waits (bounded) until their task containers are gone from the swarm's hosts. */
async function removeServices(manager: Docker, ids: string[]): Promise<void> {
  for (const id of ids.splice(0)) {
    await manager
      .getService(id)
      .remove()
      .catch(() => undefined);
    for (let i = 0; ; i++) {
      const tasks = await manager.listTasks({ filters: { service: [id] } }).catch(() => []);
      if (tasks.length === 0) break;
      if (i >= 120) throw new Error(`the tasks of service ${id} outlived it by a minute`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe("topology: npx pulumi-docker-networking topology, seen in headless Chromium", function () {
  this.timeout(300_000);
  let lab: Lab;
  let project: UserProject;
  const made: { provider: typeof overlay; r: Created }[] = [];
  const containers: Docker.Container[] = [];
  const services: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-topology-"));

  before(async function () {
    const chromium = which("chromium");
    if (!chromium) {
      if (process.env.CI) throw new Error("chromium is not installed (apt-get install chromium)");
      console.log("\n    topology picture NOT TESTED: chromium is not installed (apt-get install chromium)\n");
      this.skip();
    }
    lab = await startLab(3);
    project = makeUserProject();
  });

  after(async function () {
    if (lab) await removeServices(lab.hosts[0].docker, services);
    await removeContainers(containers);
    for (const { provider, r } of made.reverse()) await destroy(provider, r);
    project?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
    if (!lab) return;
    await lab.stop();
    assert.deepEqual(labLeftovers(lab.id), [], "the lab left objects behind");
  });

  it("draws every host, network, container and service of a lab swarm; the screenshot shows the page", async function () {
    const h = lab.hosts;
    const conn = (i: number): { host: string } => ({ host: h[i].host });
    const init = await create(swarmNodeProvider, {
      connection: conn(0),
      advertiseAddr: h[0].address,
      defaultAddrPool: ["10.236.0.0/16"],
      forceLeave: true,
    });
    made.push({ provider: swarmNodeProvider, r: init });
    for (const i of [1, 2]) {
      made.push({
        provider: swarmNodeProvider,
        r: await create(swarmNodeProvider, {
          connection: conn(i),
          advertiseAddr: h[i].address,
          join: { remoteAddrs: [init.outs.managerAddress], token: init.outs.workerToken },
          managerConnection: conn(0),
        }),
      });
    }
    const ov = await create(overlay, {
      name: `topo-ov-${RUN_ID}`,
      attachable: true,
      ipamConfigs: [{ subnet: "10.237.1.0/24" }],
      labels: { [TEST_LABEL]: RUN_ID },
      connection: conn(0),
    });
    made.push({ provider: overlay, r: ov });
    const br = await create(bridge, {
      name: `topo-br-${RUN_ID}`,
      ipamConfigs: [{ subnet: "10.237.2.0/24" }],
      labels: { [TEST_LABEL]: RUN_ID },
      connection: conn(0),
    });
    made.push({ provider: bridge, r: br });
    const names: string[] = [];
    for (const i of [0, 1, 2]) {
      const c = await startContainer(h[i].docker, `topo-app${i}`);
      containers.push(c);
      names.push(`topo-app${i}-${RUN_ID}`);
      made.push({
        provider: attachmentProvider as typeof overlay,
        r: await create(attachmentProvider, {
          network: ov.outs.name,
          container: c.id,
          aliases: [`app${i}`],
          connection: conn(i),
        }),
      });
    }
    made.push({
      provider: attachmentProvider as typeof overlay,
      r: await create(attachmentProvider, { network: br.id, container: containers[0].id, connection: conn(0) }),
    });
    // The second host's container also on the lab's LAN, through its eth0.
    const lan = h[1].address.replace(/\.\d+$/, "");
    const mv = await create(macvlan, {
      name: `topo-lan-${RUN_ID}`,
      parent: "eth0",
      ipamConfigs: [{ subnet: `${lan}.0/24`, gateway: `${lan}.1`, ipRange: `${lan}.192/28` }],
      labels: { [TEST_LABEL]: RUN_ID },
      connection: conn(1),
    });
    made.push({ provider: macvlan, r: mv });
    made.push({
      provider: attachmentProvider as typeof overlay,
      r: await create(attachmentProvider, {
        network: mv.id,
        container: containers[1].id,
        ipv4Address: `${lan}.200`,
        connection: conn(1),
      }),
    });

    // A service as `docker service create --replicas 3 --network topo-ov` makes it: one task per host.
    const svc = await createTestService(h[0].docker, "topo-svc", [{ Target: ov.outs.name }], {}, (id) =>
      services.push(id),
    );

    // As a user runs it: the package's command, from a project that installed it.
    const html = path.join(dir, "topology.html");
    const bin = path.join(project.dir, "node_modules/.bin/pulumi-docker-networking");
    const said = execFileSync(bin, ["topology", ...h.flatMap((x) => ["--host", x.host]), "--out", html], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.equal(said, "", "nothing on stdout when --out is given");
    const svg = path.join(dir, "topology.svg");
    execFileSync(bin, ["topology", ...h.flatMap((x) => ["--host", x.host]), "--out", svg], { stdio: "pipe" });
    const dot = execFileSync(bin, ["topology", "--host", h[0].host], { encoding: "utf8" });
    assert.match(dot, /^graph topology \{/);

    const shot = path.join(dir, "topology.png");
    const chrome = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1800,1400"];
    execFileSync("chromium", [...chrome, `--screenshot=${shot}`, `file://${html}`], {
      stdio: "pipe",
      timeout: 120_000,
    });
    const png = fs.readFileSync(shot);
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 20_000, `the screenshot is ${png.length} bytes: an empty page?`);
    const dom = execFileSync("chromium", [...chrome, "--dump-dom", `file://${html}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
      maxBuffer: 64 << 20,
    });
    const texts = svgTexts(dom);
    const shown = (s: string): boolean => texts.some((t) => t.includes(s));
    for (const x of h) assert.ok(shown(x.hostname), `host ${x.hostname} is not in the picture`);
    for (const n of [ov.outs.name, br.outs.name]) assert.ok(shown(n), `network ${n} is not in the picture`);
    for (const n of names) assert.ok(shown(n), `container ${n} is not in the picture`);
    assert.ok(shown("spans hosts"), "the overlay is not drawn as spanning the hosts");
    assert.ok(shown(mv.outs.name), "the LAN network is not in the picture");
    assert.ok(shown("macvlan on eth0 (LAN)"), "the LAN network's parent interface is not in the picture");
    assert.ok(shown(`${lan}.200`), "the container's LAN address is not on its edge");
    assert.ok(shown("10.237.1."), "no overlay address on an edge");
    assert.ok(shown(svc.name), `service ${svc.name} is not in the picture`);
    assert.ok(shown("service, 3 replica(s)"), "the service's mode and replicas are not in the picture");
    assert.ok(shown("VIP 10.237.1."), "no VIP on the edge from the service to the overlay");
    for (const slot of [1, 2, 3]) assert.ok(shown(`task ${slot}`), `task ${slot} has no edge to its container`);
    const tables = dom.slice(dom.indexOf("<h2>Services</h2>"), dom.indexOf("<h2>Endpoints</h2>"));
    for (const slot of [1, 2, 3]) assert.ok(tables.includes(`${svc.name}.${slot}`), `task ${slot} is not in the table`);
    for (const x of h) assert.ok(tables.includes(`<td>${x.hostname}</td>`), `no task row on ${x.hostname}`);
    const endpoints = dom.slice(dom.indexOf("<h2>Endpoints</h2>"));
    assert.ok(
      endpoints.includes(`<td>${mv.outs.name} (LAN, on eth0)</td><td>${lan}.200</td>`),
      "the LAN address is not named in the Endpoints table",
    );
    // Drawn once, outside the host boxes: the overlay's node has an edge from each host's container.
    const overlayLabels = texts.filter((t) => t === ov.outs.name);
    assert.equal(overlayLabels.length, 1, "the overlay is drawn once");
    console.log(`      ${texts.length} texts in the picture; screenshot ${(png.length / 1024).toFixed(0)} KiB`);

    const keep = process.env.PDN_TOPOLOGY_EXAMPLE;
    if (keep) {
      fs.mkdirSync(keep, { recursive: true });
      fs.copyFileSync(svg, path.join(keep, "topology.svg"));
      fs.copyFileSync(shot, path.join(keep, "topology.png"));
    }
  });
});
