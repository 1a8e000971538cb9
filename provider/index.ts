/**
 * pulumi-docker-networking: Docker networking as Pulumi resources.
 *
 * - {@link BridgeNetwork}: `docker network create --driver bridge`
 * - {@link NetworkAttachment}: `docker network connect` / `disconnect` of an existing container
 * - {@link getNetwork} / {@link listNetworks}: `docker network inspect` / `ls`
 */
export { BridgeNetwork, type BridgeNetworkArgs } from "./bridgeNetwork";
export { NetworkAttachment, type NetworkAttachmentArgs } from "./networkAttachment";
export { NetworkResource, type NetworkArgs, type ConnectionArgs, type IpamConfigArgs } from "./network";
export {
  getNetwork,
  getNetworkOutput,
  listNetworks,
  listNetworksOutput,
  type GetNetworkArgs,
  type ListNetworksArgs,
  type NetworkFilters,
} from "./lookups";
export type { Connection, IpamConfig, NetworkInfo, NetworkContainer } from "./model";
export { MANAGED_LABEL } from "./model";
