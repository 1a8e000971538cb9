/**
 * Containers on the LAN, each with an address of its own that every machine on the LAN reaches
 * without published ports: a macvlan network on each host's LAN interface, each host handing out a
 * range of the LAN's subnet reserved for it (no DHCP server gives those away, and no two hosts
 * share one), and existing containers plugged in at static LAN addresses.
 *
 * Config:
 * - `subnet`, `gateway`: the LAN's subnet and its router
 * - `hosts`: `[{ host: "ssh://root@192.168.1.10", ipRange: "192.168.1.192/28", parent: "eth0" }, ...]`
 *   (`parent` defaults to eth0)
 * - `sshKey` (secret, optional): the private key for `ssh://` hosts
 * - `attach` (optional): `[{ host: 0, container: "dns", address: "192.168.1.193" }, ...]`, host by index
 *
 * A host does not reach its own macvlan containers through the parent (the kernel keeps them
 * apart); the other machines of the LAN do. See the README for the host-side workaround.
 */
import * as pulumi from "@pulumi/pulumi";
import { MacvlanNetwork, NetworkAttachment } from "pulumi-docker-networking";

interface HostConfig {
  readonly host: string;
  readonly ipRange: string;
  readonly parent?: string;
}

interface AttachConfig {
  readonly host: number;
  readonly container: string;
  readonly address: string;
}

const config = new pulumi.Config();
const subnet = config.require("subnet");
const gateway = config.require("gateway");
const sshKey = config.getSecret("sshKey");
const hosts = config.requireObject<HostConfig[]>("hosts");

const lans = hosts.map(
  (h, i) =>
    new MacvlanNetwork(`lan-${i}`, {
      parent: h.parent ?? "eth0",
      ipamConfigs: [{ subnet, gateway, ipRange: h.ipRange }],
      labels: { "com.example.stack": pulumi.getStack() },
      connection: { host: h.host, keyMaterial: h.host.startsWith("ssh://") ? sshKey : undefined },
    }),
);
const attachments = (config.getObject<AttachConfig[]>("attach") ?? []).map(
  (a) =>
    new NetworkAttachment(`${a.container}-on-lan`, {
      network: lans[a.host],
      container: a.container,
      ipv4Address: a.address,
    }),
);

export const networkNames = lans.map((n) => n.name);
export const addresses = attachments.map((a) => pulumi.interpolate`${a.containerName} ${a.ipv4Address}`);
