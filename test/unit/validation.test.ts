import * as assert from "node:assert/strict";
import { attachmentProblems } from "../../provider/model/attachmentValidation";
import { bridgeOptionProblems, networkProblems } from "../../provider/model/networkValidation";
import { UNKNOWN } from "../../provider/model/values";

const reasons = (fs: { reason: string }[]): string[] => fs.map((f) => f.reason);

describe("network validation", () => {
  it("Engine 28's bridge settings: an IPv6-only network needs ipv6 and no IPv4 pool; gateway modes are known ones, isolated only on internal networks", () => {
    const problems = (inputs: object): string[] => reasons(bridgeOptionProblems(inputs));
    assert.deepEqual(problems({ enableIpv4: false, ipv6: true, ipamConfigs: [{ subnet: "fd00:1::/64" }] }), []);
    assert.deepEqual(problems({ enableIpv4: false, ipv6: UNKNOWN }), [], "unknown in a preview");
    assert.deepEqual(problems({ enableIpv4: false, ipv6: true, ipamConfigs: [{ subnet: "10.1.0.0/24" }] }), [
      "ipamConfigs[0].subnet 10.1.0.0/24 is IPv4 but enableIpv4 is false: declare IPv6 subnets only, or leave enableIpv4 out",
    ]);
    assert.deepEqual(problems({ enableIpv4: false }), [
      "enableIpv4: false makes an IPv6-only network, which needs ipv6: true",
    ]);
    assert.deepEqual(problems({ enableIpv4: "no" }), ["enableIpv4 must be true or false"]);
    for (const mode of ["nat", "nat-unprotected", "routed"]) {
      assert.deepEqual(problems({ gatewayModeIpv4: mode, gatewayModeIpv6: mode }), [], mode);
    }
    assert.deepEqual(problems({ gatewayModeIpv4: "isolated", internal: true }), []);
    assert.deepEqual(problems({ gatewayModeIpv6: "isolated" }), [
      'gatewayModeIpv6 "isolated" needs internal: true (an isolated network has no address on the host, so no way out)',
    ]);
    assert.deepEqual(problems({ gatewayModeIpv4: "bridged" }), [
      'gatewayModeIpv4 "bridged" must be one of nat, routed, nat-unprotected, isolated',
    ]);
    assert.deepEqual(problems({ options: { "com.docker.network.bridge.gateway_mode_ipv4": "natt" } }), [
      'options["com.docker.network.bridge.gateway_mode_ipv4"] "natt" must be one of nat, routed, nat-unprotected, isolated',
    ]);
    assert.match(
      problems({ gatewayModeIpv4: "nat", options: { "com.docker.network.bridge.gateway_mode_ipv4": "routed" } })[0],
      /gatewayModeIpv4 "nat" conflicts with options\["com\.docker\.network\.bridge\.gateway_mode_ipv4"\] "routed"/,
    );
  });

  it("accepts a full, valid declaration", () => {
    const inputs = {
      name: "app-net",
      ipv6: true,
      ipamConfigs: [
        { subnet: "10.10.0.0/24", gateway: "10.10.0.1", ipRange: "10.10.0.128/25", auxAddresses: { a: "10.10.0.5" } },
        { subnet: "fd00:10::/64", gateway: "fd00:10::1" },
      ],
      labels: { a: "b" },
      mtu: 1400,
    };
    assert.deepEqual([...networkProblems(inputs), ...bridgeOptionProblems(inputs)], []);
  });

  it("reports every problem, each naming its field and the fix", () => {
    const f = networkProblems({
      name: "-bad name",
      ipamConfigs: [
        { subnet: "10.0.0.0/33" },
        { subnet: "10.1.0.0/24", gateway: "10.2.0.1", ipRange: "10.1.1.0/25", auxAddresses: { h: "10.9.9.9" } },
        { subnet: "10.1.0.128/25" },
        { subnet: "fd00::/64" },
        {},
      ],
    });
    assert.deepEqual(
      f.map((x) => x.property),
      [
        "name",
        "ipamConfigs[0].subnet",
        "ipamConfigs[1].gateway",
        "ipamConfigs[1].ipRange",
        'ipamConfigs[1].auxAddresses["h"]',
        "ipamConfigs[2].subnet",
        "ipamConfigs[3].subnet",
        "ipamConfigs[4].subnet",
      ],
    );
    assert.match(f[1].reason, /ipamConfigs\[0\]\.subnet "10\.0\.0\.0\/33": prefix must be 0-32/);
    assert.match(
      f[2].reason,
      /gateway 10\.2\.0\.1 is outside subnet 10\.1\.0\.0\/24: use an address inside the subnet/,
    );
    assert.match(f[5].reason, /overlaps ipamConfigs\[1\]\.subnet 10\.1\.0\.0\/24/);
    assert.match(f[6].reason, /is IPv6 but ipv6 is not enabled: set ipv6: true/);
    assert.match(f[7].reason, /subnet is required/);
  });

  it("rejects host bits, bad typed bridge options and conflicts with options", () => {
    assert.match(reasons(networkProblems({ ipamConfigs: [{ subnet: "10.0.0.1/24" }] }))[0], /host bits set/);
    const f = bridgeOptionProblems({
      mtu: 70000,
      bridgeName: "a-very-long-bridge-name",
      hostBindingIpv4: "::1",
      enableIcc: false,
      options: { "com.docker.network.bridge.enable_icc": "true" },
    });
    assert.deepEqual(
      f.map((x) => x.property),
      ["bridgeName", "mtu", "hostBindingIpv4", "enableIcc"],
    );
    assert.match(f[1].reason, /mtu 70000 must be a whole number from 68 to 65535/);
    assert.match(f[3].reason, /conflicts with options\["com\.docker\.network\.bridge\.enable_icc"\]/);
    assert.match(reasons(bridgeOptionProblems({ mtu: "abc" }))[0], /mtu "abc"/);
  });

  it("skips unknown values (preview) at any depth", () => {
    assert.deepEqual(networkProblems({ name: UNKNOWN, ipamConfigs: UNKNOWN }), []);
    assert.deepEqual(networkProblems({ ipamConfigs: [{ subnet: UNKNOWN, gateway: "10.0.0.1" }, UNKNOWN] }), []);
    assert.deepEqual(networkProblems({ ipv6: UNKNOWN, ipamConfigs: [{ subnet: "fd00::/64" }] }), []);
    assert.deepEqual(bridgeOptionProblems({ mtu: UNKNOWN }), []);
  });

  it("adopt needs a name", () => {
    assert.match(reasons(networkProblems({ adopt: true }))[0], /adopt needs an explicit name/);
  });
});

describe("attachment validation", () => {
  it("gwPriority is a whole number, negative ones included", () => {
    const base = { network: "n", container: "c" };
    assert.deepEqual(attachmentProblems({ ...base, gwPriority: -10 }), []);
    assert.deepEqual(reasons(attachmentProblems({ ...base, gwPriority: 1.5 })), [
      "gwPriority 1.5 must be a whole number from -2147483648 to 2147483647",
    ]);
  });

  it("requires network and container and checks aliases and addresses", () => {
    const f = attachmentProblems({
      network: "",
      aliases: ["ok", "bad alias", "-x"],
      ipv4Address: "fd00::1",
      ipv6Address: "10.0.0.1",
      linkLocalIps: ["169.254.1.1", "nope"],
    });
    assert.deepEqual(
      f.map((x) => x.property),
      ["network", "container", "aliases[1]", "aliases[2]", "ipv4Address", "ipv6Address", "linkLocalIps[1]"],
    );
    assert.match(f[2].reason, /aliases\[1\] "bad alias" is not a valid DNS name/);
  });

  it("flags a static address outside the network's subnets once they are known", () => {
    const base = { network: "n", container: "c", ipv4Address: "10.9.0.5" };
    assert.match(
      reasons(attachmentProblems({ ...base, networkSubnets: ["10.1.0.0/24", "fd00::/64"] }))[0],
      /outside the network's subnets \(10\.1\.0\.0\/24, fd00::\/64\)/,
    );
    assert.deepEqual(attachmentProblems({ ...base, networkSubnets: ["10.9.0.0/16"] }), []);
    assert.deepEqual(attachmentProblems({ ...base, networkSubnets: UNKNOWN }), []);
    assert.deepEqual(attachmentProblems({ ...base, networkSubnets: [UNKNOWN] }), []);
    assert.deepEqual(attachmentProblems({ network: UNKNOWN, container: UNKNOWN, aliases: [UNKNOWN] }), []);
  });
});
