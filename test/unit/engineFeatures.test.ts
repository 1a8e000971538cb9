import * as assert from "node:assert/strict";
import { atLeast, attachmentNeeds, networkNeeds, unmetNeeds } from "../../provider/model/engineFeatures";
import { BRIDGE_OPTION_KEYS } from "../../provider/model/model";

const mode4 = BRIDGE_OPTION_KEYS.gatewayModeIpv4;
const mode6 = BRIDGE_OPTION_KEYS.gatewayModeIpv6;

describe("engine versions a setting needs", () => {
  it("compares versions as the engines report them", () => {
    const table: [string, string, boolean][] = [
      ["20.10.24+dfsg1", "27.0", false],
      ["26.1.5+dfsg1", "27.0", false],
      ["27.0.3", "27.0", true],
      ["27.5.1", "28.0", false],
      ["28.5.2+dfsg4", "28.0", true],
      ["29.0.0", "28.0", true],
      ["v28.0.0", "28.0", true],
      ["dev", "27.0", false],
    ];
    for (const [version, since, ok] of table) assert.equal(atLeast(version, since), ok, `${version} >= ${since}`);
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
    assert.equal(unmetNeeds('BridgeNetwork "v6"', "unix:///x.sock", "28.5.2", needs), undefined);
    assert.equal(
      unmetNeeds('BridgeNetwork "v6"', "unix:///x.sock", "27.1.0", needs),
      'BridgeNetwork "v6": enableIpv4: false (docker network create --ipv4=false) needs Docker Engine 28.0 or later, ' +
        "and the engine at unix:///x.sock is 27.1.0. Upgrade that engine, or leave the field out. Nothing was changed",
    );
    assert.match(
      unmetNeeds('BridgeNetwork "v6"', "unix:///x.sock", "20.10.24", needs)!,
      /--ipv4=false\) needs Docker Engine 28\.0 or later; gatewayModeIpv4: "routed" \(--opt com\.docker\.network\.bridge\.gateway_mode_ipv4=routed\) needs Docker Engine 27\.0 or later, and the engine at unix:\/\/\/x\.sock is 20\.10\.24\. Upgrade that engine, or leave these fields out/,
    );
  });
});
