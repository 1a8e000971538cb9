import * as assert from "node:assert/strict";
import { atLeast, attachmentNeeds, networkNeeds, unmetNeeds } from "../../provider/model/engineFeatures";
import { BRIDGE_OPTION_KEYS } from "../../provider/model/model";

const mode4 = BRIDGE_OPTION_KEYS.gatewayModeIpv4;
const mode6 = BRIDGE_OPTION_KEYS.gatewayModeIpv6;

describe("engine versions a setting needs", () => {
  it("compares versions as the engines report them: by release, else by API version", () => {
    const table: [string, string | undefined, string, boolean][] = [
      ["20.10.24+dfsg1", "1.41", "27.0", false],
      ["26.1.5+dfsg1", "1.45", "27.0", false],
      ["27.0.3", "1.46", "27.0", true],
      ["27.5.1", "1.47", "28.0", false],
      ["28.5.2+dfsg4", "1.51", "28.0", true],
      ["29.8.1", "1.56", "28.0", true],
      ["v28.0.0", undefined, "28.0", true],
      // Source builds: the release string is no number, the API version decides.
      ["library-import", "1.56", "28.0", true],
      ["library-import", "1.48", "28.0", true],
      ["library-import", "1.47", "28.0", false],
      ["dev", "1.46", "27.0", true],
      ["dev", "1.45", "27.0", false],
      ["dev", undefined, "27.0", false],
    ];
    for (const [version, apiVersion, since, ok] of table) {
      assert.equal(atLeast({ version, apiVersion }, since), ok, `${version} (API ${apiVersion}) >= ${since}`);
    }
  });

  it("names what each declared setting needs; defaults and left-out fields need nothing", () => {
    assert.deepEqual(networkNeeds({ ipv6: true }), []);
    assert.deepEqual(networkNeeds({ enableIpv4: true }), []);
    assert.deepEqual(
      networkNeeds({ enableIpv4: false, options: { [mode4]: "routed", [mode6]: "isolated" } }).map((n) => [
        n.field,
        n.since,
      ]),
      [
        ["enableIpv4: false", "28.0"],
        ['gatewayModeIpv4: "routed"', "27.0"],
        ['gatewayModeIpv6: "isolated"', "28.0"],
      ],
    );
    assert.deepEqual(networkNeeds({ options: { [mode4]: "nat" } })[0].since, "27.0");
    assert.deepEqual(networkNeeds({ options: { [mode4]: "nat-unprotected" } })[0].since, "28.0");
    assert.deepEqual(attachmentNeeds({ gwPriority: 0 }), []);
    assert.deepEqual(attachmentNeeds({}), []);
    assert.equal(attachmentNeeds({ gwPriority: -5 })[0].field, "gwPriority: -5");
  });

  it("refuses what the engine is too old for, naming the field, the CLI twin, both versions and the way out", () => {
    const needs = networkNeeds({ enableIpv4: false, options: { [mode4]: "routed" } });
    assert.equal(unmetNeeds('BridgeNetwork "v6"', "unix:///x.sock", { version: "28.5.2" }, needs), undefined);
    assert.equal(
      unmetNeeds('BridgeNetwork "v6"', "unix:///x.sock", { version: "27.1.0", apiVersion: "1.46" }, needs),
      'BridgeNetwork "v6": enableIpv4: false (docker network create --ipv4=false) needs Docker Engine 28.0 or later, ' +
        "and the engine at unix:///x.sock is 27.1.0. Upgrade that engine, or leave the field out. Nothing was changed",
    );
    assert.match(
      unmetNeeds('BridgeNetwork "v6"', "unix:///x.sock", { version: "20.10.24" }, needs)!,
      /--ipv4=false\) needs Docker Engine 28\.0 or later; gatewayModeIpv4: "routed" \(--opt com\.docker\.network\.bridge\.gateway_mode_ipv4=routed\) needs Docker Engine 27\.0 or later, and the engine at unix:\/\/\/x\.sock is 20\.10\.24\. Upgrade that engine, or leave these fields out/,
    );
  });

  it("names a source build by its API version too, and takes what that API does", () => {
    const needs = networkNeeds({ enableIpv4: false });
    assert.equal(unmetNeeds("x", "h", { version: "library-import", apiVersion: "1.56" }, needs), undefined);
    assert.match(
      unmetNeeds("x", "h", { version: "library-import", apiVersion: "1.45" }, needs)!,
      /needs Docker Engine 28\.0 or later, and the engine at h is library-import \(API 1\.45\)\./,
    );
  });
});
