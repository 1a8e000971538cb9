/**
 * The provider object Pulumi serializes into state (`__provider`). It captures only the kind's
 * name: each call requires the implementation from the installed package at run time (`require`
 * is never captured by Pulumi's closure serializer and resolves from the program's directory).
 * One object per kind: the SDK caches the serialized text per provider object, so every resource
 * of a kind after the first costs no serialization.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "./impl";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- see above */

const shims = new Map<ProviderKind, pulumi.dynamic.ResourceProvider>();

export function providerShim(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(kind);
  if (!shim) shims.set(kind, (shim = newShim(kind)));
  return shim;
}

function newShim(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
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
