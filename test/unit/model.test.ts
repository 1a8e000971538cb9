import * as assert from "node:assert/strict";
import { dockerodeOptions, resolveHost } from "../../provider/model/connection";
import {
  defaultGateway,
  endpointConfigRequest,
  endpointFromApi,
  MANAGED_LABEL,
  networkCreateRequest,
  networkFromApi,
} from "../../provider/model/model";
import { pickNetwork, resolveName, sameAutoName } from "../../provider/model/naming";

describe("Engine API mapping", () => {
  it("maps network inspect JSON to the camelCase model, without the library's own label", () => {
    const n = networkFromApi({
      Id: "abc",
      Name: "app",
      Created: "2026-11-27T00:00:00Z",
      Scope: "local",
      Driver: "bridge",
      EnableIPv6: false,
      IPAM: {
        Driver: "default",
        Options: null,
        Config: [{ Subnet: "10.0.0.0/24", Gateway: "10.0.0.1", AuxiliaryAddresses: { h: "10.0.0.9" } }],
      },
      Internal: true,
      Attachable: false,
      Ingress: false,
      Containers: {
        c1: {
          Name: "web",
          EndpointID: "e1",
          MacAddress: "02:42:0a:00:00:02",
          IPv4Address: "10.0.0.2/24",
          IPv6Address: "",
        },
      },
      Options: {},
      Labels: { [MANAGED_LABEL]: "true", team: "a" },
    });
    assert.deepEqual(n.ipamConfigs, [{ subnet: "10.0.0.0/24", gateway: "10.0.0.1", auxAddresses: { h: "10.0.0.9" } }]);
    assert.deepEqual(n.labels, { team: "a" });
    assert.deepEqual(n.ipamOptions, {});
    assert.equal(n.internal, true);
    assert.deepEqual(n.containers, [
      {
        containerId: "c1",
        name: "web",
        endpointId: "e1",
        macAddress: "02:42:0a:00:00:02",
        ipv4Address: "10.0.0.2/24",
        ipv6Address: "",
      },
    ]);
  });

  it("maps a spec to the create request, labelled as ours", () => {
    const r = networkCreateRequest({
      name: "n",
      driver: "bridge",
      ipamConfigs: [{ subnet: "10.0.0.0/24", ipRange: "10.0.0.0/25" }],
      labels: { a: "b" },
    });
    assert.deepEqual(r.IPAM, {
      Driver: "default",
      Options: {},
      Config: [{ Subnet: "10.0.0.0/24", IPRange: "10.0.0.0/25" }],
    });
    assert.deepEqual(r.Labels, { a: "b", [MANAGED_LABEL]: "true" });
    assert.equal(r.CheckDuplicate, true);
  });

  it("maps endpoints both ways", () => {
    assert.deepEqual(endpointConfigRequest({ aliases: ["a"], ipv4Address: "10.0.0.5" }), {
      Aliases: ["a"],
      IPAMConfig: { IPv4Address: "10.0.0.5" },
    });
    assert.deepEqual(endpointConfigRequest({}), {});
    assert.equal(
      endpointFromApi({ NetworkID: "n", EndpointID: "e", IPAddress: "10.0.0.5", Gateway: "10.0.0.1" }).ipv4Address,
      "10.0.0.5",
    );
  });
});

describe("default gateway", () => {
  it("is the declared one, else the engine's first address: of the subnet, or the very first of an ip range inside it", () => {
    assert.equal(defaultGateway({ subnet: "10.0.0.0/24", gateway: "10.0.0.254" }), "10.0.0.254");
    assert.equal(defaultGateway({ subnet: "10.0.0.0/24" }), "10.0.0.1");
    assert.equal(defaultGateway({ subnet: "10.0.0.0/24", ipRange: "10.0.0.128/25" }), "10.0.0.128");
    assert.equal(defaultGateway({ subnet: "10.0.0.0/24", ipRange: "10.0.0.0/25" }), "10.0.0.1");
    assert.equal(defaultGateway({ subnet: "fd00:1::/64" }), "fd00:1:0:0:0:0:0:1");
    assert.equal(defaultGateway({ subnet: "not a cidr" }), undefined);
  });
});

describe("connection", () => {
  it("resolves the host: declared, else DOCKER_HOST, else the local socket", () => {
    assert.equal(resolveHost({ host: "tcp://h:1" }, { DOCKER_HOST: "unix:///x" }), "tcp://h:1");
    assert.equal(resolveHost(undefined, { DOCKER_HOST: "unix:///x" }), "unix:///x");
    assert.equal(resolveHost(undefined, {}), "unix:///var/run/docker.sock");
  });
  it("maps schemes to dockerode options and names a bad host", () => {
    assert.deepEqual(dockerodeOptions({ host: "unix:///run/d.sock" }, 5, {}), {
      socketPath: "/run/d.sock",
      timeout: 5,
    });
    assert.deepEqual(
      dockerodeOptions({ host: "tcp://10.0.0.1:2376", caMaterial: "CA", certMaterial: "C", keyMaterial: "K" }, 5, {}),
      {
        protocol: "https",
        host: "10.0.0.1",
        port: 2376,
        ca: "CA",
        cert: "C",
        key: "K",
        timeout: 5,
      },
    );
    assert.deepEqual(dockerodeOptions({ host: "ssh://ops@h:2222", keyMaterial: "K" }, 5, {}), {
      protocol: "http",
      host: "h",
      port: 2222,
      ssh: { host: "h", port: 2222, username: "ops", privateKey: "K", readyTimeout: 5 },
    });
    const viaAgent = dockerodeOptions({ host: "ssh://h" }, 5, { SSH_AUTH_SOCK: "/run/agent" });
    assert.deepEqual(viaAgent.ssh, { host: "h", port: 22, username: "root", agent: "/run/agent", readyTimeout: 5 });
    assert.throws(() => dockerodeOptions({ host: "ftp://x" }, 5, {}), /unsupported scheme "ftp:"/);
    assert.throws(() => dockerodeOptions({ host: "nope" }, 5, {}), /connection.host "nope" is not a URL/);
  });
});

describe("naming", () => {
  it("auto-names once, keeps it across updates, honours a declared name", () => {
    const first = resolveName({}, { autoNamePrefix: "app" });
    assert.match(first.name, /^app-[0-9a-f]{7}$/);
    assert.deepEqual(resolveName(first, { autoNamePrefix: "app" }), first);
    assert.deepEqual(resolveName(first, { name: "mine", autoNamePrefix: "app" }), { name: "mine", autoNamed: false });
    assert.notEqual(resolveName({ name: "mine", autoNamed: false }, { autoNamePrefix: "app" }).name, "mine");
  });
  it("a resource's auto-name is the same in every check (preview and up); a replacement's differs; so do two parents'", () => {
    const news = { autoNamePrefix: "app", owner: "proj/dev/BridgeNetwork/app" };
    const created = resolveName({}, news);
    assert.deepEqual(resolveName({}, news), created, "the same in a preview and in up");
    const replacement = resolveName({}, news, created.name);
    assert.notEqual(replacement.name, created.name);
    assert.deepEqual(resolveName({}, news, created.name), replacement, "the replacement's, too");
    assert.ok(sameAutoName(replacement.name, created.name));
    assert.notEqual(resolveName({}, { ...news, autoNameScope: "urn:pulumi:dev::proj::my:Comp::a" }).name, created.name);
    assert.notEqual(resolveName({}, { ...news, owner: "proj/prod/BridgeNetwork/app" }).name, created.name);
  });
});

describe("network references, resolved as the engine resolves them", () => {
  const a = { id: "a1".padEnd(64, "0"), name: "web", scope: "local" };
  const b = { id: "b2".padEnd(64, "0"), name: a.id, scope: "local" };
  const c = { id: "a1c".padEnd(64, "0"), name: "a1", scope: "local" };
  const d = { id: "d4".padEnd(64, "0"), name: "web", scope: "swarm" };
  it("a full ID first, then an exact name, then an ID prefix", () => {
    assert.equal(pickNetwork([a, b], a.id).network, a, "a name that is another network's ID loses to the ID");
    assert.equal(pickNetwork([a, c], "a1").network, c, "a name wins over an ID prefix");
    assert.equal(pickNetwork([a, b], "b2").network, b);
    assert.equal(pickNetwork([a, c], "a1", "ID").ambiguous?.includes("2 matches found on ID prefix"), true);
    assert.deepEqual(pickNetwork([a], "nope"), {});
    assert.deepEqual(pickNetwork([a], ""), {});
  });
  it("a name two networks share, or a prefix of several IDs, is ambiguous, listing the matches", () => {
    assert.equal(
      pickNetwork([a, d], "web").ambiguous,
      `network "web" is ambiguous (2 matches found on name): web a10000000000 (local), web d40000000000 (swarm); give the network's full ID`,
    );
    assert.equal(pickNetwork([a, d], d.id).network, d);
  });
});
