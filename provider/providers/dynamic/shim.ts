/**
 * The provider object Pulumi serializes into state (`__provider`), twice per resource (inputs and
 * outputs). Each kind's object is the whole export of its own module under `kinds/`, which the
 * package exports as `pulumi-docker-networking/dynamic/<Kind>`: Pulumi's closure serializer
 * writes an installed package's module as `require("<its export>")`, so the stored text is a few
 * hundred bytes, not the methods' code. Each method requires the implementation from the
 * installed package at run time, so a new package version reaches existing resources on refresh
 * and destroy. One object per kind (the module cache): the SDK caches the serialized text per
 * provider object, so every resource of a kind after the first costs no serialization.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "./impl";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- see above */

export function providerShim(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  return require(`./kinds/${kind}`);
}

/**
 * The six methods of a kind's provider object. Where the library is not an installed package
 * (a linked checkout), Pulumi serializes them by value: they capture only the kind's name.
 */
export function methodsOf(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  const impl = (): pulumi.dynamic.ResourceProvider => require("pulumi-docker-networking/dynamic").providers[kind];
  return {
    check: (olds: any, news: any) => impl().check!(olds, news),
    diff: (id: string, olds: any, news: any) => impl().diff!(id, olds, news),
    create: (inputs: any) => impl().create(inputs),
    read: (id: string, props: any) => impl().read!(id, props),
    update: (id: string, olds: any, news: any) => impl().update!(id, olds, news),
    delete: (id: string, props: any) => impl().delete!(id, props),
  };
}
