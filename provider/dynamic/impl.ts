/**
 * The provider implementations, loaded by the serialized shim from the installed package, so
 * that a new package version reaches existing resources on refresh and destroy.
 */
import { attachmentProvider } from "../attachmentProvider";
import { bridgeDriver } from "../drivers";
import { networkProvider } from "../networkProvider";

export const providers = {
  BridgeNetwork: networkProvider(bridgeDriver),
  NetworkAttachment: attachmentProvider,
};

export type ProviderKind = keyof typeof providers;
