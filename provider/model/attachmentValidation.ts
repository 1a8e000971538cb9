/** `check` rules of NetworkAttachment. Pure. */
import { cidrContains, parseCidr, parseIp, type Cidr } from "./cidr";
import {
  addressProblem,
  aliasProblems,
  booleanProblems,
  integerProblem,
  known,
  nameProblem,
  stringMapProblems,
  type CheckFailure,
} from "./validation";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

/** `network` and the other object the attachment plugs into it: each required, each a Docker name or ID. */
export function referenceProblems(inputs: any, fields: readonly string[]): CheckFailure[] {
  return fields.flatMap((field) => {
    const v = inputs[field];
    if (v === undefined || v === null || v === "") {
      return [{ property: field, reason: `${field} is required: give the ${field}'s name or ID` }];
    }
    return known(v) ? [nameProblem(field, v)].filter((f): f is CheckFailure => f !== undefined) : [];
  });
}

/** Checks a NetworkAttachment's inputs; `subnets` are the network's, when known. */
export function attachmentProblems(inputs: any): CheckFailure[] {
  const failures: CheckFailure[] = referenceProblems(inputs, ["network", "container"]);
  const push = (f: CheckFailure | undefined): void => void (f && failures.push(f));
  failures.push(...aliasProblems(inputs.aliases));
  push(addressProblem("ipv4Address", inputs.ipv4Address, 4));
  push(addressProblem("ipv6Address", inputs.ipv6Address, 6));
  if (known(inputs.linkLocalIps)) {
    (Array.isArray(inputs.linkLocalIps) ? inputs.linkLocalIps : [inputs.linkLocalIps]).forEach(
      (ip: unknown, i: number) => {
        if (known(ip) && !parseIp(String(ip))) {
          failures.push({
            property: `linkLocalIps[${i}]`,
            reason: `linkLocalIps[${i}] "${String(ip)}" is not an IP address`,
          });
        }
      },
    );
  }
  failures.push(...stringMapProblems("driverOptions", inputs.driverOptions));
  push(integerProblem("gwPriority", inputs.gwPriority, -(2 ** 31), 2 ** 31 - 1));
  failures.push(...booleanProblems(inputs, ["adopt"]));
  // The network's pools, when the attachment was given the network resource and they are known.
  const subnets = known(inputs.networkSubnets) && Array.isArray(inputs.networkSubnets) ? inputs.networkSubnets : [];
  for (const [field, family] of [
    ["ipv4Address", 4],
    ["ipv6Address", 6],
  ] as const) {
    const ip = known(inputs[field]) ? parseIp(String(inputs[field])) : undefined;
    if (!ip || ip.family !== family || subnets.some((s: unknown) => !known(s))) continue;
    const pools = subnets
      .map((s: string) => parseCidr(s))
      .filter((c: Cidr | undefined): c is Cidr => c?.family === family);
    if (pools.length > 0 && !pools.some((c: Cidr) => cidrContains(c, ip))) {
      failures.push({
        property: field,
        reason: `${field} ${inputs[field]} is outside the network's subnets (${subnets.join(", ")}): pick an address inside one of them`,
      });
    }
  }
  return failures;
}

/** Checks a ServiceAttachment's inputs. */
export function serviceAttachmentProblems(inputs: any): CheckFailure[] {
  return [
    ...referenceProblems(inputs, ["network", "service"]),
    ...aliasProblems(inputs.aliases),
    ...stringMapProblems("driverOptions", inputs.driverOptions),
    ...[integerProblem("timeoutSeconds", inputs.timeoutSeconds, 1, 3600)].filter((f): f is CheckFailure => !!f),
    ...booleanProblems(inputs, ["adopt"]),
  ];
}
