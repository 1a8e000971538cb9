/** The probes' pure rules: scripts, how their output reads, what a failed pair means, and the inputs' checks. */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  matrixFailure,
  pairProblem,
  parsePing,
  parseTcpProbe,
  pingScript,
  splitHostPort,
  tcpProbeScript,
} from "../../provider/model/probe";
import { networkProblems, overlayOptionProblems } from "../../provider/model/networkValidation";
import { swarmNodeProblems } from "../../provider/model/swarmValidation";

describe("probe rules", () => {
  it("the TCP probe script reports each port, open or closed with nc's reason (run by busybox sh here)", () => {
    // 1 is closed on loopback; the script must still print one line per port.
    const script = tcpProbeScript("127.0.0.1", [1, 2], 1);
    const out = execFileSync("busybox", ["sh", "-c", script], { encoding: "utf8" });
    const result = parseTcpProbe(out, [1, 2]);
    assert.match(result.get(1)!, /connection refused \(nothing listens there/);
    assert.match(result.get(2)!, /connection refused/);
  });

  it("reads the probe's lines; a missing line is a failure that shows the output", () => {
    const r = parseTcpProbe("2377 open\r\n7946 closed nc: timed out\n", [2377, 7946, 4789]);
    assert.equal(r.get(2377), undefined);
    assert.equal(r.get(7946), "no answer (filtered, or the host is down)");
    assert.match(r.get(4789)!, /^no answer from the probe \(output: 2377 open/);
  });

  it("quotes hosts for the shell", () => {
    assert.match(tcpProbeScript("a'b", [1], 2), /nc -w 2 'a'\\''b' 1 -e true/);
  });

  it("ping results: resolved or not, answered or not", () => {
    assert.deepEqual(parsePing("name ok\naddress ok\n"), { resolved: true, byName: true, byAddress: true });
    assert.deepEqual(parsePing("name noreply\r\naddress noreply\r\n"), {
      resolved: true,
      byName: false,
      byAddress: false,
    });
    assert.deepEqual(parsePing("name unresolved\naddress ok\n"), { resolved: false, byName: false, byAddress: true });
    assert.match(pingScript("p-1", "10.0.0.2", 2), /ping -c 1 -W 2 'p-1'.*ping -c 1 -W 2 '10\.0\.0\.2'/);
  });

  it("what a failed pair most likely means", () => {
    const ok = { resolved: true, byName: true, byAddress: true, encrypted: false, ipsec: true };
    assert.equal(pairProblem(ok), undefined);
    assert.match(pairProblem({ ...ok, byName: false, byAddress: false })!, /4789\/udp \(overlay data/);
    assert.match(pairProblem({ ...ok, resolved: false, byName: false })!, /7946\/udp .*7946\/tcp/);
    // A LAN network's packets cross the LAN, not VXLAN: its causes are the LAN's.
    assert.match(
      pairProblem({ ...ok, byName: false, byAddress: false, lan: true })!,
      /^no reply by LAN address: .*wrong parent, or a subnet that is not the LAN's.*promiscuous mode/,
    );
    assert.match(pairProblem({ ...ok, resolved: false, byName: false, lan: true })!, /7946\/udp/, "a name is gossip's");
    assert.match(
      pairProblem({ ...ok, byName: false, byAddress: false, encrypted: true, ipsec: false })!,
      /cannot do IPsec \(no XFRM\)/,
    );
    assert.match(pairProblem({ ...ok, byAddress: false, encrypted: true, ipsec: true })!, /4789/);
  });

  it("a failed matrix is one message naming each failing pair and its cause; a healthy one none", () => {
    const ok = { resolved: true, byName: true, byAddress: true };
    assert.equal(matrixFailure("mesh", [{ from: "a", to: "b", ...ok }]), undefined);
    assert.equal(
      matrixFailure("mesh", [
        { from: "a", to: "b", ...ok },
        { from: "b", to: "a", ...ok, byAddress: false, byName: false, problem: "no reply: likely 4789/udp" },
      ]),
      'overlay "mesh" does not carry traffic between 1 of 2 host pairs: b -> a: by name failed, by address failed; no reply: likely 4789/udp',
    );
  });

  it("host:port, [v6]:port", () => {
    assert.deepEqual(splitHostPort("10.0.0.1:2377"), { host: "10.0.0.1", port: 2377 });
    assert.deepEqual(splitHostPort("[fd00::1]:2400"), { host: "fd00::1", port: 2400 });
    assert.throws(() => splitHostPort("nohost"), /expected host:port/);
  });

  it("preflight and verify inputs are checked, naming the field and the fix", () => {
    const reasons = (fs: { reason: string }[]): string[] => fs.map((f) => f.reason);
    assert.deepEqual(reasons(swarmNodeProblems({ preflight: false })), []);
    assert.deepEqual(reasons(swarmNodeProblems({ preflight: "yes" })), [
      "preflight must be false or { image?, timeoutSeconds? }",
    ]);
    assert.deepEqual(reasons(overlayOptionProblems({ verify: { hosts: [{}] }, attachable: true })), [
      "verify.hosts must list the connections of two hosts or more",
    ]);
    // A non-attachable overlay is proven with a probe service's tasks.
    assert.deepEqual(reasons(overlayOptionProblems({ verify: { hosts: [{}, {}] } })), []);
    assert.deepEqual(reasons(overlayOptionProblems({ verify: false })), [
      "verify must be { hosts, image?, timeoutSeconds? }",
    ]);
    assert.deepEqual(reasons(networkProblems({ verify: { hosts: [{}, {}] }, attachable: true })), []);
  });
});
