/**
 * The serialized provider: one object per resource kind, so the SDK's per-provider-object cache
 * of the serialized closure serves every resource of that kind after the first.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../provider/providers/dynamic/shim";
import { BridgeNetwork } from "../../provider";

describe("serialized provider", function () {
  this.timeout(30_000);

  it("is one object per kind", () => {
    assert.equal(providerShim("BridgeNetwork"), providerShim("BridgeNetwork"));
    assert.equal(providerShim("NetworkAttachment"), providerShim("NetworkAttachment"));
    assert.notEqual(providerShim("BridgeNetwork"), providerShim("NetworkAttachment"));
  });

  it("every resource of a kind carries the same small provider text", async () => {
    const providers: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          providers.push(args.inputs.__provider);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
    const nets = Array.from({ length: 20 }, (_, i) => new BridgeNetwork(`net-${i}`));
    await new Promise((resolve) => pulumi.all(nets.map((n) => n.urn)).apply(resolve));
    assert.equal(providers.length, 20);
    assert.equal(new Set(providers).size, 1, "one serialized text for the kind");
    assert.ok(providers[0].length < 4096, `__provider is ${providers[0].length} bytes`);
  });
});
