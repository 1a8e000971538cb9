/**
 * No engine at the address a resource or lookup uses: nothing listening on the socket, or a socket
 * that takes connections and never answers (a hung dockerd). Each is told within seconds, naming
 * the address and what to do, and nothing keeps the program alive afterwards. A real socket on
 * this machine stands for the hung engine; the test engine is not used.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { getNetwork } from "../../provider/lookups";
import { providers } from "../../provider/providers/dynamic/impl";

/** What every such error says: the address tried and the way out. */
const advice = (host: string): RegExp =>
  new RegExp(
    `no Docker engine answers at ${host.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(.*\\): start dockerd there, or point DOCKER_HOST \\(or the resource's connection\\.host\\) at a running engine\\. Nothing was changed`,
  );

describe("no engine at the address: told within seconds", function () {
  this.timeout(60_000);
  let dir: string;
  let silent: net.Server;
  const held: net.Socket[] = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdn-noengine-"));
    // Takes every connection and never answers, as a hung dockerd does.
    silent = net.createServer((s) => void held.push(s));
    await new Promise<void>((resolve) => silent.listen(path.join(dir, "silent.sock"), resolve));
  });
  after(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("nothing listening: a lookup and a create fail at once, naming the socket and what to do", async () => {
    const host = `unix://${dir}/none.sock`;
    const t0 = Date.now();
    await assert.rejects(getNetwork({ name: "x", connection: { host } }), advice(host));
    await assert.rejects(
      providers.BridgeNetwork.create({ name: "pdn-none", driver: "bridge", connection: { host } }),
      advice(host),
    );
    assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0} ms`);
  });

  it("a socket that never answers: fails after 5 s, and the program then exits (no request left waiting)", async () => {
    const host = `unix://${dir}/silent.sock`;
    const t0 = Date.now();
    await assert.rejects(getNetwork({ name: "x", connection: { host } }), (e: Error) => {
      assert.match(e.message, advice(host));
      assert.match(e.message, /did not answer GET \/_ping within 5 s/);
      return true;
    });
    const took = Date.now() - t0;
    assert.ok(took >= 4_500 && took < 8_000, `took ${took} ms`);
    // A program of its own: it must end once the lookup failed, not when a socket times out.
    const lookups = require.resolve("../../provider/lookups");
    const program = `require(${JSON.stringify(lookups)}).getNetwork({ name: "x", connection: { host: ${JSON.stringify(host)} } }).catch((e) => console.log(e.message))`;
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["-r", "ts-node/register", "-e", program], { timeout: 30_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    const lived = Date.now() - started;
    assert.match(out, advice(host));
    assert.ok(lived < 15_000, `the program lived ${lived} ms after starting`);
  });
});
