import * as assert from "node:assert/strict";
import { cidrContains, cidrProblem, cidrsOverlap, parseCidr, parseIp } from "../../provider/model/cidr";

describe("cidr", () => {
  it("parses IPv4 and IPv6 addresses, rejecting malformed ones", () => {
    assert.equal(parseIp("10.0.0.1")?.value, 0x0a000001n);
    assert.equal(parseIp("::1")?.value, 1n);
    assert.equal(parseIp("fd00::ffff:10.0.0.1")?.value, (0xfd00n << 112n) | (0xffffn << 32n) | 0x0a000001n);
    for (const bad of ["10.0.0", "10.0.0.256", "01.0.0.1", "1::2::3", "fd00:::1", "g::1", "1:2:3:4:5:6:7:8:9"]) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  it("explains malformed CIDRs", () => {
    assert.equal(cidrProblem("10.0.0.0/24"), undefined);
    assert.match(cidrProblem("10.0.0.0/33")!, /prefix must be 0-32/);
    assert.match(cidrProblem("fd00::/129")!, /prefix must be 0-128/);
    assert.match(cidrProblem("10.0.0.0")!, /not in CIDR notation/);
    assert.match(cidrProblem("10.0.0.300/24")!, /not an IPv4 or IPv6 address/);
  });

  it("contains and overlaps", () => {
    const net = parseCidr("10.1.0.0/16")!;
    assert.ok(cidrContains(net, parseIp("10.1.255.254")!));
    assert.ok(!cidrContains(net, parseIp("10.2.0.1")!));
    assert.ok(cidrContains(net, parseCidr("10.1.4.0/24")!));
    assert.ok(!cidrContains(parseCidr("10.1.4.0/24")!, net));
    assert.ok(cidrsOverlap(parseCidr("10.1.4.0/24")!, net));
    assert.ok(!cidrsOverlap(parseCidr("10.1.0.0/24")!, parseCidr("10.1.1.0/24")!));
    assert.ok(!cidrsOverlap(parseCidr("10.1.0.0/24")!, parseCidr("fd00::/64")!));
    assert.equal(parseCidr("10.1.0.1/24")!.hostBitsSet, true);
  });
});
