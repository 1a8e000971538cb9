/**
 * What every `check` shares: the failure shape, and rules for names, maps, numbers, flags and
 * addresses. Pure, so it runs in preview before anything touches an engine. Every problem is
 * reported (not just the first), each naming its field and the fix. Unknown values (preview)
 * are skipped: they are checked again once known. Each resource's own checks are beside it:
 * networkValidation.ts, attachmentValidation.ts, swarmValidation.ts.
 */
import { parseIp } from "./cidr";
import { hostProblem } from "./connection";
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

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Arguments the resource does not take (a typo, or a field of a nested object such as `subnet`),
 * which would otherwise be dropped without a word. `hints` say where such a field goes; any other
 * unknown name gets the nearest of `args`. `internal` are inputs the resource classes add; keys
 * the SDK adds (`__provider`) and values left undefined are no arguments either.
 */
export function unknownArgProblems(
  inputs: any,
  args: readonly string[],
  opts: { internal?: readonly string[]; hints?: Readonly<Record<string, string>>; at?: string } = {},
): CheckFailure[] {
  if (!known(inputs) || typeof inputs !== "object" || Array.isArray(inputs)) return [];
  const at = opts.at ?? "";
  const accepted = [...args, ...(opts.internal ?? [])];
  return Object.keys(inputs)
    .filter((k) => !k.startsWith("__") && inputs[k] !== undefined && !accepted.includes(k))
    .map((k) => {
      const near = (a: string): number => distance(k.toLowerCase(), a.toLowerCase());
      const nearest = [...args].sort((a, b) => near(a) - near(b))[0];
      const fix =
        opts.hints?.[k] ??
        (nearest !== undefined && near(nearest) <= Math.max(2, k.length / 3)
          ? `did you mean ${at}${nearest}?`
          : `the arguments are ${args.map((a) => at + a).join(", ")}`);
      return { property: `${at}${k}`, reason: `unknown argument ${at}${k}: ${fix}` };
    });
}

const CONNECTION_FIELDS = ["host", "caMaterial", "certMaterial", "keyMaterial"];
const PEM = (label: string): RegExp => new RegExp(`-----BEGIN ${label}-----[\\s\\S]+-----END ${label}-----`);
const CERTIFICATE = PEM("CERTIFICATE");
// PKCS#8, PKCS#1 (RSA), SEC1 (EC), and OpenSSH's own format (ssh-keygen's default).
const PRIVATE_KEY = PEM("(?:RSA |EC |ENCRYPTED |OPENSSH )?PRIVATE KEY");

/**
 * An engine connection (`connection`, `managerConnection`, each of `verify.hosts`): a host the
 * library can dial, and key material in the form the TLS or SSH client reads. Key material is a
 * secret: the messages never show it.
 */
export function connectionProblems(field: string, conn: any): CheckFailure[] {
  if (!known(conn)) return [];
  const shape = `${field} must be { host?, caMaterial?, certMaterial?, keyMaterial? }`;
  if (typeof conn !== "object" || Array.isArray(conn)) return [{ property: field, reason: shape }];
  const failures = unknownArgProblems(conn, CONNECTION_FIELDS, { at: `${field}.` });
  const host = conn.host;
  let scheme: string | undefined;
  if (known(host)) {
    const problem = typeof host === "string" ? hostProblem(host) : `${JSON.stringify(host)} is not a string`;
    if (problem) failures.push({ property: `${field}.host`, reason: `${field}.host ${problem}` });
    else scheme = new URL(host).protocol;
  }
  const material = (name: string, re: RegExp, form: string, file: string): void => {
    const v = conn[name];
    if (known(v) && (typeof v !== "string" || !re.test(v))) {
      failures.push({
        property: `${field}.${name}`,
        reason: `${field}.${name} is not ${form}: give the file's text, e.g. fs.readFileSync("${file}", "utf8")`,
      });
    }
  };
  const certificate = "a PEM certificate (-----BEGIN CERTIFICATE-----)";
  material("caMaterial", CERTIFICATE, certificate, "ca.pem");
  material("certMaterial", CERTIFICATE, certificate, "cert.pem");
  material("keyMaterial", PRIVATE_KEY, "a PEM or OpenSSH private key (-----BEGIN ... PRIVATE KEY-----)", "key.pem");
  const tls = scheme === "tcp:" || scheme === "http:" || scheme === "https:";
  if (tls && (conn.certMaterial === undefined) !== (conn.keyMaterial === undefined)) {
    failures.push({
      property: `${field}.certMaterial`,
      reason: `${field}.certMaterial and ${field}.keyMaterial go together (a TLS client certificate and its key): give both or neither`,
    });
  }
  return failures;
}
