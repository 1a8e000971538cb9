/**
 * Drives a dynamic provider the way the Pulumi engine does (check, then create / diff / read /
 * delete), against the real engine. Used by integration tests; e2e tests use the real CLI.
 */
import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface Created {
  readonly id: string;
  readonly outs: any;
}

/**
 * A resource's arguments again, from its outputs (which echo them), as its program declares them
 * on the next run: check refuses any other field.
 */
export function argsOf(outs: any, args: readonly string[]): any {
  return Object.fromEntries(Object.entries(outs).filter(([k]) => args.includes(k)));
}

export async function checked(p: pulumi.dynamic.ResourceProvider, news: any, olds: any = {}): Promise<any> {
  const r = await p.check!(olds, news);
  assert.deepEqual(r.failures ?? [], [], "check failed");
  return r.inputs;
}

export async function create(p: pulumi.dynamic.ResourceProvider, news: any): Promise<Created> {
  const inputs = await checked(p, news);
  const r = await p.create(inputs);
  return { id: r.id, outs: r.outs };
}

/** Deletes whatever is still there; for cleanup in `finally`/`afterEach`. */
export async function destroy(p: pulumi.dynamic.ResourceProvider, r: Created | undefined): Promise<void> {
  if (r) await p.delete!(r.id, r.outs);
}
