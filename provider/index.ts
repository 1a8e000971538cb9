/**
 * pulumi-docker-networking: Docker networking as Pulumi resources.
 *
 * - {@link BridgeNetwork}: `docker network create --driver bridge`
 * - {@link NetworkAttachment}: `docker network connect` / `disconnect` of an existing container
 * - {@link ServiceAttachment}: `docker service update --network-add` / `--network-rm` of an existing service
 * - {@link OverlayNetwork}: `docker network create --driver overlay` on a swarm manager
 * - {@link MacvlanNetwork} / {@link IpvlanNetwork}: `docker network create --driver macvlan` / `ipvlan`: containers on the host's LAN
 * - {@link SwarmNode}: `docker swarm init` / `join` / `leave`, swarm and node updates
 * - {@link SwarmCluster}: a whole swarm from a list of engines, tokens wired as secrets
 * - {@link getNetwork} / {@link listNetworks} / {@link getSwarm}: `docker network inspect` / `ls`, `docker swarm inspect`
 * - {@link getTopology}: hosts, swarm nodes, networks, endpoints, services and tasks; `npx pulumi-docker-networking topology` draws it
 */
export { BridgeNetwork, type BridgeNetworkArgs, type GatewayMode } from "./resources/bridgeNetwork";
export { OverlayNetwork, type OverlayNetworkArgs, type OverlayVerifyArgs } from "./resources/overlayNetwork";
export { MacvlanNetwork, type MacvlanNetworkArgs, type MacvlanMode } from "./resources/macvlanNetwork";
export { IpvlanNetwork, type IpvlanNetworkArgs, type IpvlanMode, type IpvlanFlag } from "./resources/ipvlanNetwork";
export type { LanNetwork, LanNetworkArgs } from "./resources/lanNetwork";
export type { PairResult } from "./model/probe";
export { NetworkAttachment, type NetworkAttachmentArgs } from "./resources/networkAttachment";
export { ServiceAttachment, type ServiceAttachmentArgs } from "./resources/serviceAttachment";
export {
  SwarmNode,
  type SwarmNodeArgs,
  type SwarmJoinArgs,
  type SwarmSpecArgs,
  type ProbeArgs,
} from "./resources/swarmNode";
export { SwarmCluster, type SwarmClusterArgs, type SwarmHostArgs } from "./resources/swarmCluster";
export { NetworkResource, type NetworkArgs, type ConnectionArgs, type IpamConfigArgs } from "./resources/network";
export {
  getNetwork,
  getNetworkOutput,
  listNetworks,
  listNetworksOutput,
  getSwarm,
  getSwarmOutput,
  type GetSwarmArgs,
  type LookupOptions,
  type SwarmLookup,
  type GetNetworkArgs,
  type ListNetworksArgs,
  type NetworkFilters,
  getTopology,
  getTopologyOutput,
  type GetTopologyArgs,
  type Topology,
  type TopologyContainer,
  type TopologyEndpoint,
  type TopologyHost,
  type TopologyNetwork,
  type TopologySwarmNode,
  type TopologyService,
  type TopologyServiceNetwork,
  type TopologyTask,
} from "./lookups";
export type { Connection, IpamConfig, NetworkInfo, NetworkContainer } from "./model/model";
export type { SwarmSpec, SwarmNodeInfo, NodeRole, NodeAvailability } from "./model/swarmModel";
export { MANAGED_LABEL } from "./model/model";
