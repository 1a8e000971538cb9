/**
 * Inputs a new user gets wrong, through each provider's `check` (what `pulumi preview` runs, before
 * anything touches an engine): each must be refused naming its field and the fix; what the engine
 * accepts must pass. One row per input. test/integration/malformed.test.ts shows, on a real engine,
 * that the engine refuses (or accepts) the same inputs.
 */
import * as assert from "node:assert/strict";
import { providers } from "../../provider/providers/dynamic/impl";
import { timeoutReason } from "../../provider/engine/engine";
import { UNKNOWN } from "../../provider/model/values";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw property bags, as the SDK hands them to check */

/** What each resource needs besides the row's inputs, so that only the row's field is wrong. */
const base: Record<keyof typeof providers, object> = {
  BridgeNetwork: { name: "net" },
  OverlayNetwork: { name: "net" },
  MacvlanNetwork: { name: "net", parent: "eth0" },
  IpvlanNetwork: { name: "net", parent: "eth0" },
  NetworkAttachment: { network: "net", container: "app" },
  ServiceAttachment: { network: "net", service: "web" },
  SwarmNode: {},
};

async function reasonsOf(kind: keyof typeof providers, inputs: object): Promise<string[]> {
  const r: any = await providers[kind].check!({}, { ...base[kind], ...inputs });
  return (r.failures ?? []).map((f: { reason: string }) => f.reason);
}

// Shaped as the TLS and SSH clients read them; check never parses the base64 body.
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

/** [resource, inputs, what the one failure must say]. */
const refused: [keyof typeof providers, object, RegExp][] = [
  // connection.host: what new URL() accepts but cannot be dialled, and what it does not accept.
  [
    "BridgeNetwork",
    { connection: { host: "unix://" } },
    /^connection\.host "unix:\/\/" names no socket: use unix:\/\/\//,
  ],
  ["BridgeNetwork", { connection: { host: "ssh://" } }, /^connection\.host "ssh:\/\/" names no host: use/],
  [
    "BridgeNetwork",
    { connection: { host: "unix://var/run/docker.sock" } },
    /names host "var": a socket path needs three slashes, unix:\/\/\/var\/run\/docker\.sock$/,
  ],
  ["BridgeNetwork", { connection: { host: "tcp//x" } }, /^connection\.host "tcp\/\/x" is not a URL: use unix:\/\/\//],
  ["BridgeNetwork", { connection: { host: "ftp://x" } }, /^connection\.host "ftp:\/\/x": unsupported scheme "ftp:"/],
  ["BridgeNetwork", { connection: { host: "tcp://h:99999" } }, /^connection\.host "tcp:\/\/h:99999" is not a URL/],
  ["BridgeNetwork", { connection: { host: "tcp://h:0" } }, /^connection\.host "tcp:\/\/h:0": port 0 is no port/],
  ["BridgeNetwork", { connection: { host: 42 } }, /^connection\.host 42 is not a string/],
  [
    "BridgeNetwork",
    { connection: { host: "/var/run/docker.sock" } },
    /^connection\.host "\/var\/run\/docker\.sock" is not a URL/,
  ],
  ["BridgeNetwork", { connection: { host: " " } }, /^connection\.host " " is not a URL/],
  ["BridgeNetwork", { connection: "tcp://h:2375" }, /^connection must be \{ host\?, caMaterial\?/],
  [
    "BridgeNetwork",
    { connection: { hots: "tcp://h:2375" } },
    /^unknown argument connection\.hots: did you mean connection\.host\?/,
  ],
  ["NetworkAttachment", { connection: { host: "unix://" } }, /^connection\.host "unix:\/\/" names no socket/],
  ["ServiceAttachment", { connection: { host: "ssh://" } }, /^connection\.host "ssh:\/\/" names no host/],
  ["SwarmNode", { managerConnection: { host: "ssh://" } }, /^managerConnection\.host "ssh:\/\/" names no host/],
  [
    "OverlayNetwork",
    { verify: { hosts: [{ host: "unix:///var/run/docker.sock" }, { host: "unix://" }] } },
    /^verify\.hosts\[1\]\.host "unix:\/\/" names no socket/,
  ],
  // Key material: the field is named, the secret never shown.
  [
    "BridgeNetwork",
    { connection: { host: "tcp://h:2376", caMaterial: "not a pem" } },
    /^connection\.caMaterial is not a PEM certificate \(-----BEGIN CERTIFICATE-----\): give the file's text, e\.g\. fs\.readFileSync\("ca\.pem", "utf8"\)$/,
  ],
  [
    "SwarmNode",
    { connection: { host: "ssh://root@h", keyMaterial: "not a key" } },
    /^connection\.keyMaterial is not a PEM or OpenSSH private key/,
  ],
  [
    "BridgeNetwork",
    { connection: { host: "tcp://h:2376", caMaterial: CERT, certMaterial: CERT } },
    /^connection\.certMaterial and connection\.keyMaterial go together/,
  ],
  // IPAM the engine refuses.
  [
    "BridgeNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.0/24", gateway: "10.80.0.0" }] },
    /^ipamConfigs\[0\]\.gateway 10\.80\.0\.0 is the network address of subnet 10\.80\.0\.0\/24: give a host address/,
  ],
  [
    "BridgeNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.0/24", gateway: "10.80.0.255" }] },
    /^ipamConfigs\[0\]\.gateway 10\.80\.0\.255 is the broadcast address of subnet 10\.80\.0\.0\/24/,
  ],
  [
    "OverlayNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.0/24", gateway: "10.80.0.1", auxAddresses: { r: "10.80.0.1" } }] },
    /^ipamConfigs\[0\]\.auxAddresses\["r"\] 10\.80\.0\.1 is the gateway: the gateway is reserved already, remove this entry/,
  ],
  // LAN networks: the parent, the modes, and what two networks of one program must not share.
  ["MacvlanNetwork", { parent: "eth0/1" }, /^parent "eth0\/1" is not a Linux interface name/],
  [
    "MacvlanNetwork",
    { parent: "a-very-long-interface0" },
    /^parent "a-very-long-interface0" is not a Linux interface name/,
  ],
  ["MacvlanNetwork", { parent: "eth0.5000" }, /^parent "eth0\.5000": VLAN ID 5000 must be from 1 to 4094/],
  ["MacvlanNetwork", { parent: undefined, internal: false }, /^parent is required: the host interface on the LAN/],
  ["IpvlanNetwork", { parent: undefined }, /^parent is required: the host interface on the LAN/],
  ["MacvlanNetwork", { mode: "l2" }, /^mode "l2" must be one of bridge, private, vepa, passthru/],
  [
    "IpvlanNetwork",
    { mode: "bridge" },
    /^mode "bridge" must be l2, l3 or l3s|^mode "bridge" must be one of l2, l3, l3s/,
  ],
  ["IpvlanNetwork", { flag: "passthru" }, /^flag "passthru" must be one of bridge, private, vepa/],
  [
    "IpvlanNetwork",
    { mode: "l3", ipamConfigs: [{ subnet: "10.60.0.0/24", gateway: "10.60.0.1" }] },
    /^ipamConfigs\[0\]\.gateway 10\.60\.0\.1: an ipvlan network in mode "l3" routes through its parent and has no gateway/,
  ],
  [
    "MacvlanNetwork",
    { mode: "bridge", options: { macvlan_mode: "vepa" } },
    /^mode "bridge" conflicts with options\["macvlan_mode"\] "vepa"/,
  ],
  [
    "MacvlanNetwork",
    { vxlanIds: [1] },
    /^unknown argument vxlanIds: vxlanIds is an argument of OverlayNetwork, not of MacvlanNetwork/,
  ],
  [
    "BridgeNetwork",
    { parent: "eth0" },
    /^unknown argument parent: parent is an argument of MacvlanNetwork, not of BridgeNetwork/,
  ],
  [
    "MacvlanNetwork",
    {
      connection: { host: "unix:///h1.sock" },
      mode: "passthru",
      lanNeighbours: [{ resource: "lan-a", kind: "MacvlanNetwork", host: "unix:///h1.sock", parent: "eth0" }],
    },
    /^parent "eth0" on unix:\/\/\/h1\.sock is also the parent of MacvlanNetwork "lan-a", and a passthru network takes the whole interface/,
  ],
  [
    "IpvlanNetwork",
    {
      connection: { host: "unix:///h1.sock" },
      lanNeighbours: [
        { resource: "lan-a", kind: "MacvlanNetwork", host: "unix:///h1.sock", parent: "eth0", mode: "passthru" },
      ],
    },
    /^parent "eth0" on unix:\/\/\/h1\.sock is also the parent of MacvlanNetwork "lan-a", and a passthru network takes the whole interface/,
  ],
  [
    "MacvlanNetwork",
    {
      connection: { host: "unix:///h2.sock" },
      ipamConfigs: [{ subnet: "192.168.1.0/24", ipRange: "192.168.1.192/27" }],
      lanNeighbours: [
        {
          resource: "lan-h1",
          kind: "MacvlanNetwork",
          host: "unix:///h1.sock",
          parent: "eth0",
          ipamConfigs: [{ subnet: "192.168.1.0/24", ipRange: "192.168.1.192/26" }],
        },
      ],
    },
    /^ipamConfigs hands out 192\.168\.1\.192\/27, which overlaps 192\.168\.1\.192\/26 of MacvlanNetwork "lan-h1" on the same LAN: give each network \(each host\) its own ipRange/,
  ],
  // Swarm-wide LAN networks: a configuration per node, one swarm-scoped network made from them.
  [
    "MacvlanNetwork",
    { configOnly: true, attachable: true },
    /^attachable: a configuration network \(configOnly\) holds a node's parent, pools and options only; set attachable on the swarm-scoped network made configFrom it/,
  ],
  [
    "MacvlanNetwork",
    { configFrom: "lan-config", parent: "eth0" },
    /^parent: a network made configFrom "lan-config" takes it from each node's configuration network: declare it there \(configOnly: true\)/,
  ],
  [
    "IpvlanNetwork",
    { configFrom: "lan-config", parent: undefined, labels: { a: "b" } },
    /^labels: a network made configFrom "lan-config" takes it from each node's configuration network/,
  ],
  [
    "MacvlanNetwork",
    { configFrom: "lan-a", parent: undefined, configFromNames: ["lan-a", "lan-b"] },
    /^configFrom: the configuration networks are named "lan-a", "lan-b", and each node finds its own by the one name/,
  ],
  ["MacvlanNetwork", { configOnly: "yes" }, /^configOnly must be true or false/],
  [
    "MacvlanNetwork",
    { verify: { hosts: [{ host: "unix:///a.sock" }, { host: "unix:///b.sock" }] } },
    /^verify: a network of one host has no other host to prove it with; verify the swarm-wide network \(configFrom\)/,
  ],
  [
    "IpvlanNetwork",
    { configFrom: "lan-config", parent: undefined, verify: { hosts: [{ host: "unix:///a.sock" }] } },
    /^verify\.hosts must list the connections of two hosts or more/,
  ],
  // Engines 26.1 and later refuse an unaligned range at create; 20.10 takes it silently.
  [
    "BridgeNetwork",
    { ipamConfigs: [{ subnet: "10.10.10.0/24", ipRange: "10.10.10.1/26" }] },
    /^ipamConfigs\[0\]\.ipRange "10\.10\.10\.1\/26" has host bits set: use 10\.10\.10\.0\/26, the range that prefix aligns to$/,
  ],
  [
    "OverlayNetwork",
    { ipv6: true, ipamConfigs: [{ subnet: "fd00:10::/64", ipRange: "fd00:10::8:1/112" }] },
    /^ipamConfigs\[0\]\.ipRange "fd00:10::8:1\/112" has host bits set: use fd00:10::8:0\/112, the range that prefix aligns to$/,
  ],
  [
    "BridgeNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.1/24" }] },
    /^ipamConfigs\[0\]\.subnet "10\.80\.0\.1\/24" has host bits set: use 10\.80\.0\.0\/24, the network address of that prefix$/,
  ],
  [
    "BridgeNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.0/24" }, { subnet: "10.81.0.0/24" }] },
    /^ipamConfigs\[1\]\.subnet 10\.81\.0\.0\/24 is a second IPv4 subnet \(after ipamConfigs\[0\]\): a bridge network takes one per address family/,
  ],
  [
    "BridgeNetwork",
    { options: { "com.docker.network.driver.mtu": "abc" } },
    /^options\["com\.docker\.network\.driver\.mtu"\] "abc" must be a whole number from 68 to 65535/,
  ],
  [
    "BridgeNetwork",
    { options: { "com.docker.network.bridge.enable_icc": "maybe" } },
    /^options\["com\.docker\.network\.bridge\.enable_icc"\] "maybe" must be "true" or "false"/,
  ],
  [
    "OverlayNetwork",
    { options: { "com.docker.network.driver.overlay.vxlanid_list": "4100,x" } },
    /^options\["com\.docker\.network\.driver\.overlay\.vxlanid_list"\] "x" must be a whole number from 1 to 16777215/,
  ],
  ["BridgeNetwork", { name: "bridge" }, /^name "bridge" is one of the engine's own networks \(bridge, host, none\)/],
  ["OverlayNetwork", { name: "host" }, /^name "host" is one of the engine's own networks/],
  ["BridgeNetwork", { name: "none" }, /^name "none" is one of the engine's own networks/],
  // Arguments the resource does not take.
  [
    "BridgeNetwork",
    { subnet: "10.80.0.0/24" },
    /^unknown argument subnet: it belongs in ipamConfigs: \[\{ subnet: \.\.\. \}\]/,
  ],
  ["BridgeNetwork", { labls: { a: "b" } }, /^unknown argument labls: did you mean labels\?/],
  [
    "BridgeNetwork",
    { encrypted: true },
    /^unknown argument encrypted: encrypted is an argument of OverlayNetwork, not of BridgeNetwork/,
  ],
  ["OverlayNetwork", { bridgeName: "br0" }, /^unknown argument bridgeName: bridgeName is an argument of BridgeNetwork/],
  ["NetworkAttachment", { alias: ["a"] }, /^unknown argument alias: did you mean aliases\?/],
  ["NetworkAttachment", { ip: "10.0.0.5" }, /^unknown argument ip: did you mean ipv4Address \(or ipv6Address\)\?/],
  ["ServiceAttachment", { networks: "net" }, /^unknown argument networks: did you mean network\?/],
  // The resource class tells check which kind of network resource it was given.
  [
    "ServiceAttachment",
    { network: "f".repeat(64), networkResource: { kind: "BridgeNetwork", name: "app-1a2b3c4" } },
    /^network: BridgeNetwork "app-1a2b3c4" is local to one engine, and a service's tasks join only swarm-scoped networks: give an OverlayNetwork/,
  ],
  ["SwarmNode", { advertiseAddress: "10.0.0.1" }, /^unknown argument advertiseAddress: did you mean advertiseAddr\?/],
  ["SwarmNode", { zzz: 1 }, /^unknown argument zzz: the arguments are join, advertiseAddr, /],
  // Attachments the engine refuses by the network's name.
  [
    "NetworkAttachment",
    { network: "host" },
    /^network "host": a container joins the host network only when it is created/,
  ],
  [
    "NetworkAttachment",
    { network: "none" },
    /^network "none": a container joins the none network only when it is created/,
  ],
  ["NetworkAttachment", { network: "bridge", aliases: ["a"] }, /^aliases: the default bridge network takes no aliases/],
  [
    "NetworkAttachment",
    { network: "bridge", ipv4Address: "172.17.0.9" },
    /^ipv4Address: the default bridge network takes no static addresses/,
  ],
  [
    "NetworkAttachment",
    { ipv4Address: "10.80.0.1", networkSubnets: ["10.80.0.0/24"], networkGateways: ["10.80.0.1"] },
    /^ipv4Address 10\.80\.0\.1 is the network's gateway: pick another address of the subnet/,
  ],
  [
    "NetworkAttachment",
    { ipv6Address: "fd00:80::1", networkSubnets: ["fd00:80::/64"], networkGateways: ["fd00:80:0:0:0:0:0:1"] },
    /^ipv6Address fd00:80::1 is the network's gateway/,
  ],
  // Swarm addresses.
  [
    "SwarmNode",
    { advertiseAddr: "0.0.0.0" },
    /^advertiseAddr "0\.0\.0\.0" is the unspecified address, which other nodes cannot reach/,
  ],
  ["SwarmNode", { advertiseAddr: "[::]:2377" }, /^advertiseAddr "\[::\]:2377" is the unspecified address/],
  [
    "SwarmNode",
    { listenAddr: "::::" },
    /^listenAddr "::::" must be an IP address, host or interface name, optionally with :port/,
  ],
  [
    "SwarmNode",
    { advertiseAddr: "10.80.0.12:abc" },
    /^advertiseAddr "10\.80\.0\.12:abc": port "abc" must be a number from 1 to 65535/,
  ],
  ["SwarmNode", { advertiseAddr: "10.80.0.256" }, /^advertiseAddr "10\.80\.0\.256" must be an IP address/],
  ["SwarmNode", { dataPathAddr: "0.0.0.0" }, /^dataPathAddr "0\.0\.0\.0" is the unspecified address/],
];

/** [resource, inputs] the engine accepts. */
const accepted: [keyof typeof providers, object][] = [
  [
    "MacvlanNetwork",
    { name: "lan-config", configOnly: true, ipamConfigs: [{ subnet: "192.168.1.0/24", ipRange: "192.168.1.192/28" }] },
  ],
  [
    "MacvlanNetwork",
    { configFrom: "lan-config", parent: undefined, attachable: true, configFromNames: ["lan-config", "lan-config"] },
  ],
  ["MacvlanNetwork", { parent: "eth0.50", mode: "passthru" }],
  ["MacvlanNetwork", { parent: undefined, internal: true }],
  ["MacvlanNetwork", { parent: UNKNOWN, mode: UNKNOWN }],
  ["IpvlanNetwork", { mode: "l3", flag: "private", ipamConfigs: [{ subnet: "10.60.0.0/24" }] }],
  // Two networks on one parent of one engine, on other subnets (the engine takes both).
  [
    "MacvlanNetwork",
    {
      connection: { host: "unix:///h1.sock" },
      ipamConfigs: [{ subnet: "10.238.50.0/24" }],
      lanNeighbours: [
        {
          resource: "lan-a",
          kind: "MacvlanNetwork",
          host: "unix:///h1.sock",
          parent: "eth0",
          ipamConfigs: [{ subnet: "192.168.1.0/24" }],
        },
      ],
    },
  ],
  // Two hosts on one LAN, each handing out its own range; one parent name on two engines.
  [
    "MacvlanNetwork",
    {
      connection: { host: "unix:///h2.sock" },
      ipamConfigs: [{ subnet: "192.168.1.0/24", gateway: "192.168.1.1", ipRange: "192.168.1.224/27" }],
      lanNeighbours: [
        {
          resource: "lan-h1",
          kind: "MacvlanNetwork",
          host: "unix:///h1.sock",
          parent: "eth0",
          ipamConfigs: [{ subnet: "192.168.1.0/24", ipRange: "192.168.1.192/27" }],
        },
      ],
    },
  ],
  ["ServiceAttachment", { network: "f".repeat(64), networkResource: { kind: "OverlayNetwork", name: "mesh-1a2b3c4" } }],
  ["ServiceAttachment", { network: UNKNOWN, networkResource: UNKNOWN }],
  ["NetworkAttachment", { network: "f".repeat(64), networkResource: { kind: "BridgeNetwork", name: UNKNOWN } }],
  ["BridgeNetwork", { connection: { host: "unix:///var/run/docker.sock" } }],
  [
    "BridgeNetwork",
    { connection: { host: "tcp://10.0.0.1:2376", caMaterial: CERT, certMaterial: CERT, keyMaterial: KEY } },
  ],
  ["BridgeNetwork", { connection: { host: "https://engine.example:2376", caMaterial: CERT } }],
  ["BridgeNetwork", { connection: { host: "ssh://ops@h:2222", keyMaterial: SSH_KEY } }],
  ["BridgeNetwork", { connection: { keyMaterial: KEY } }], // DOCKER_HOST may be ssh://
  ["BridgeNetwork", { connection: { host: UNKNOWN, keyMaterial: UNKNOWN } }],
  [
    "BridgeNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.0/24", gateway: "10.80.0.254", auxAddresses: { r: "10.80.0.2" } }] },
  ],
  ["BridgeNetwork", { ipamConfigs: [{ subnet: "10.80.0.0/31", gateway: "10.80.0.0" }] }],
  ["BridgeNetwork", { ipv6: true, ipamConfigs: [{ subnet: "10.80.0.0/24" }, { subnet: "fd00:80::/64" }] }],
  [
    "BridgeNetwork",
    { options: { "com.docker.network.driver.mtu": "1400", "com.docker.network.bridge.enable_icc": "False" } },
  ],
  ["BridgeNetwork", { name: "bridges" }],
  ["OverlayNetwork", { vxlanIds: [257] }],
  [
    "OverlayNetwork",
    { ipamConfigs: [{ subnet: "10.80.0.0/24" }, { subnet: "10.81.0.0/24" }], vxlanIds: [1, 16777215] },
  ],
  ["NetworkAttachment", { network: "bridge" }],
  ["NetworkAttachment", { ipv4Address: "10.80.0.2", networkSubnets: ["10.80.0.0/24"], networkGateways: ["10.80.0.1"] }],
  ["NetworkAttachment", { ipv4Address: "10.80.0.1", networkSubnets: UNKNOWN, networkGateways: UNKNOWN }],
  ["SwarmNode", { advertiseAddr: "eth0", listenAddr: "0.0.0.0:2377", dataPathAddr: "10.80.0.12" }],
  ["SwarmNode", { advertiseAddr: "[fd00::12]:2377", listenAddr: "[::]:2377" }],
  ["SwarmNode", { advertiseAddr: "fd00::12", listenAddr: "::" }],
  ["SwarmNode", { advertiseAddr: "node-1.lab.example:2377" }],
];

describe("malformed inputs are refused at preview, naming the field and the fix", () => {
  for (const [kind, inputs, expected] of refused) {
    it(`${kind} ${JSON.stringify(inputs)}`, async () => {
      const reasons = await reasonsOf(kind, inputs);
      assert.equal(reasons.length, 1, `one failure expected, got ${JSON.stringify(reasons)}`);
      assert.match(reasons[0], expected);
    });
  }
  it("key material is never shown in a message", async () => {
    const secret = "not a pem but a secret";
    const reasons = await reasonsOf("BridgeNetwork", {
      connection: { host: "tcp://h:2376", caMaterial: secret, certMaterial: secret, keyMaterial: secret },
    });
    assert.equal(reasons.length, 3);
    for (const r of reasons) assert.ok(!r.includes(secret), r);
  });
});

describe("what the engine accepts passes check", () => {
  for (const [kind, inputs] of accepted) {
    it(`${kind} ${JSON.stringify(inputs)}`, async () => {
      assert.deepEqual(await reasonsOf(kind, inputs), []);
    });
  }
});

describe("engine timeouts", () => {
  it("a read that timed out says nothing changed; a change that timed out says the engine may still make it", () => {
    for (const read of ["docker network inspect web", "docker info", "docker service ps", "docker inspect app"]) {
      assert.match(
        timeoutReason(read, 60_000),
        /^no answer within 60 s .*this call only reads, nothing was changed$/,
        read,
      );
      assert.doesNotMatch(timeoutReason(read, 60_000), /may still carry it out/, read);
    }
    for (const change of ["docker network create web", "docker swarm join", "docker service update 0123456789ab"]) {
      assert.match(timeoutReason(change, 60_000), /the engine may still carry it out/, change);
    }
  });
});
