/**
 * The provider implementations, loaded by the serialized shim from the installed package, so
 * that a new package version reaches existing resources on refresh and destroy.
 */
import { attachmentProvider } from "../attachmentProvider";
import { bridgeDriver, overlayDriver } from "../drivers";
import { ipvlanDriver, macvlanDriver } from "../lanDrivers";
import { networkProvider } from "../networkProvider";
import { serviceAttachmentProvider } from "../serviceAttachmentProvider";
import { swarmNodeProvider } from "../swarmNodeProvider";
import { exitWithEngine } from "./lifetime";

exitWithEngine();

export const providers = {
  BridgeNetwork: networkProvider(bridgeDriver),
  OverlayNetwork: networkProvider(overlayDriver),
  MacvlanNetwork: networkProvider(macvlanDriver),
  IpvlanNetwork: networkProvider(ipvlanDriver),
  NetworkAttachment: attachmentProvider,
  ServiceAttachment: serviceAttachmentProvider,
  SwarmNode: swarmNodeProvider,
};

export type ProviderKind = keyof typeof providers;
