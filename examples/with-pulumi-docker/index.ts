/**
 * Composing with @pulumi/docker: it runs the containers, this library does the networking.
 *
 * - `api` is a `docker.Container` that joins the bridge network from the start
 *   (`networksAdvanced`), using the network's name output.
 * - `worker` is a `docker.Container` started on Docker's default network, then plugged into the
 *   bridge network by a `NetworkAttachment`: changing its aliases or address reconnects it, and
 *   never recreates the container, as changing `networksAdvanced` would.
 *
 * Needs the @pulumi/docker provider plugin (`pulumi plugin install resource docker`) and an image
 * with `sleep` (config `image`, default `busybox:1.36`).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BridgeNetwork, NetworkAttachment } from "pulumi-docker-networking";

const image = new pulumi.Config().get("image") ?? "busybox:1.36";

const backend = new BridgeNetwork("backend", {
  ipamConfigs: [{ subnet: "10.250.20.0/24", gateway: "10.250.20.1" }],
  labels: { "com.example.tier": "backend" },
});

const api = new docker.Container("api", {
  image,
  command: ["sleep", "infinity"],
  networksAdvanced: [{ name: backend.name, aliases: ["api"] }],
});

const worker = new docker.Container("worker", { image, command: ["sleep", "infinity"] });
const workerOnBackend = new NetworkAttachment("worker-on-backend", {
  network: backend,
  container: worker.name,
  aliases: ["worker"],
  ipv4Address: "10.250.20.50",
});

export const network = backend.name;
export const apiName = api.name;
export const workerAddress = workerOnBackend.ipv4Address;
