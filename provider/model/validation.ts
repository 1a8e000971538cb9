/**
 * What every `check` shares: the failure shape, and rules for names, maps, numbers, flags and
 * addresses. Pure, so it runs in preview before anything touches an engine. Every problem is
 * reported (not just the first), each naming its field and the fix. Unknown values (preview)
 * are skipped: they are checked again once known. Each resource's own checks are beside it:
 * networkValidation.ts, attachmentValidation.ts, swarmValidation.ts.
 */
import { parseIp } from "./cidr";
import { isUnknown } from "./values";

/* eslint-disable @typescript-eslint/no-explicit-any -- raw inputs are validated here, then typed */

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/**
 * `check`'s answer when there are failures. The Pulumi CLI prints a failure with a property as
 * `property P value {V} has a problem: R`, looking V up among the top-level inputs only (a nested
 * field shows as `{<nil>}`); each reason already names its field, so it goes as the resource's
 * own problem: `<type> resource '<name>' has a problem: R`.
 */
export function failedCheck(
  inputs: unknown,
  failures: readonly CheckFailure[],
): { inputs: any; failures: CheckFailure[] } {
  return { inputs, failures: failures.map((f) => ({ property: "", reason: f.reason })) };
}

export const known = (v: unknown): boolean => v !== undefined && v !== null && !isUnknown(v);

export const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// DNS name: labels of letters, digits and hyphens (Docker also accepts '_' and '.'-joined labels).
export const ALIAS_RE =
  /^(?=.{1,253}$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*$/;
// Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no '/', ':' or white space.
export const IFNAME_RE = /^[a-zA-Z0-9_.-]{1,15}$/;

/** Docker object name rule (network names, container references by name). */
export function nameProblem(field: string, name: unknown): CheckFailure | undefined {
  if (!known(name)) return undefined;
  if (typeof name !== "string" || !NAME_RE.test(name) || name.length > 255) {
    return {
      property: field,
      reason: `${field} "${String(name)}" is not a valid Docker name: use letters, digits, '_', '.' and '-', starting with a letter or digit`,
    };
  }
  return undefined;
}

/** A list of DNS names (`--alias`). */
export function aliasProblems(v: unknown, field = "aliases"): CheckFailure[] {
  if (!known(v)) return [];
  if (!Array.isArray(v)) return [{ property: field, reason: `${field} must be a list of DNS names` }];
  return v.flatMap((a: unknown, i: number) =>
    known(a) && (typeof a !== "string" || !ALIAS_RE.test(a))
      ? [
          {
            property: `${field}[${i}]`,
            reason: `${field}[${i}] "${String(a)}" is not a valid DNS name: use labels of letters, digits and '-', joined by '.'`,
          },
        ]
      : [],
  );
}

export function stringMapProblems(field: string, map: unknown): CheckFailure[] {
  if (!known(map)) return [];
  if (typeof map !== "object" || Array.isArray(map)) {
    return [{ property: field, reason: `${field} must be a map of strings to strings` }];
  }
  return Object.entries(map as object)
    .filter(([, v]) => known(v) && typeof v !== "string")
    .map(([k]) => ({ property: field, reason: `${field}["${k}"] must be a string` }));
}

export function integerProblem(field: string, v: unknown, min: number, max: number): CheckFailure | undefined {
  if (!known(v)) return undefined;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    return { property: field, reason: `${field} ${JSON.stringify(v)} must be a whole number from ${min} to ${max}` };
  }
  return undefined;
}

export function booleanProblems(inputs: any, fields: string[]): CheckFailure[] {
  return fields
    .filter((f) => known(inputs[f]) && typeof inputs[f] !== "boolean")
    .map((f) => ({ property: f, reason: `${f} must be true or false` }));
}

export function addressProblem(field: string, v: unknown, family: 4 | 6): CheckFailure | undefined {
  if (!known(v)) return undefined;
  if (parseIp(String(v))?.family !== family) {
    return { property: field, reason: `${field} "${String(v)}" is not an IPv${family} address` };
  }
  return undefined;
}

export function oneOfProblem(field: string, v: unknown, allowed: readonly string[]): CheckFailure | undefined {
  if (!known(v) || allowed.includes(v as string)) return undefined;
  const choices = allowed.length === 2 ? allowed.join(" or ") : `one of ${allowed.join(", ")}`;
  return { property: field, reason: `${field} "${String(v)}" must be ${choices}` };
}

/**
 * A probe's settings (`preflight`, `verify`): an image name and a timeout in seconds; `false`
 * where `allowOff` (the check is skipped).
 */
export function probeProblems(
  field: string,
  v: any,
  allowOff: boolean,
  shape = "{ image?, timeoutSeconds? }",
): CheckFailure[] {
  if (!known(v) || v === undefined || (allowOff && v === false)) return [];
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return [{ property: field, reason: `${field} must be ${allowOff ? "false or " : ""}${shape}` }];
  }
  const failures: CheckFailure[] = [];
  if (known(v.image) && v.image !== undefined && (typeof v.image !== "string" || v.image.trim() === "")) {
    failures.push({ property: field, reason: `${field}.image must be an image name, e.g. "busybox:latest"` });
  }
  const t = integerProblem(`${field}.timeoutSeconds`, v.timeoutSeconds, 1, 60);
  if (t) failures.push({ ...t, property: field });
  return failures;
}
