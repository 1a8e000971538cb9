/**
 * Property values as a resource provider plugin receives and returns them (Pulumi's wire form:
 * objects tagged with a signature key): secrets wrapped, unknowns as a sentinel string, resource
 * references as URN and ID. The providers beneath take plain values, as dynamic providers do;
 * these functions unwrap on the way in and wrap secrets on the way out. Pure.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- wire values are untyped property bags */

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** A value not known in a preview, at any depth. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A reference to another resource of the program, as a property value. */
export class ResourceRef {
  constructor(
    readonly urn: string,
    /** Its ID; "" for a component, or where the engine does not know it yet. */
    readonly id: string,
  ) {}
}

/** A plain value, and whether any part of it was secret. */
export interface Decoded {
  readonly value: any;
  readonly secret: boolean;
}

/** Unwraps a wire value: secrets and output values to their value, references to ResourceRefs. */
export function decode(v: any): Decoded {
  if (Array.isArray(v)) {
    const items = v.map(decode);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v === null || typeof v !== "object") return { value: v, secret: false };
  switch (v[SIG]) {
    case SECRET: {
      const inner = decode(v.value);
      return { value: inner.value, secret: true };
    }
    case OUTPUT: {
      const inner = "value" in v ? decode(v.value) : { value: UNKNOWN, secret: false };
      return { value: inner.value, secret: inner.secret || !!v.secret };
    }
    case RESOURCE:
      return { value: new ResourceRef(v.urn, typeof v.id === "string" ? v.id : ""), secret: false };
  }
  let secret = false;
  const value: Record<string, any> = {};
  for (const [k, x] of Object.entries(v)) {
    const d = decode(x);
    value[k] = d.value;
    secret ||= d.secret;
  }
  return { value, secret };
}

/** Decodes a property bag: its plain values, and the top-level keys that held a secret. */
export function decodeProps(props: Record<string, any> | undefined): {
  values: Record<string, any>;
  secrets: Set<string>;
} {
  const values: Record<string, any> = {};
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(props ?? {})) {
    const d = decode(v);
    values[k] = d.value;
    if (d.secret) secrets.add(k);
  }
  return { values, secrets };
}

/** A property bag for the wire: the `secrets` keys wrapped as secrets, references back to their wire form. */
export function encodeProps(values: Record<string, any>, secrets: ReadonlySet<string>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const plain = encodeRefs(v);
    out[k] = secrets.has(k) && plain !== UNKNOWN ? { [SIG]: SECRET, value: plain } : plain;
  }
  return out;
}

/** References back to their wire form; what a protobuf Struct cannot hold (undefined members) left out. */
function encodeRefs(v: any): any {
  if (v instanceof ResourceRef) return { [SIG]: RESOURCE, urn: v.urn, ...(v.id ? { id: v.id } : {}) };
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : encodeRefs(x)));
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, encodeRefs(x)]),
    );
  return v;
}

/** A resource's URN, taken apart: `urn:pulumi:STACK::PROJECT::PARENT$TYPE::NAME`. */
export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  /** The type token (`docker-networking:index:BridgeNetwork`). */
  readonly type: string;
  /** The type tokens of its parents, outermost first (`$`-joined), or "" at the top. */
  readonly parents: string;
  readonly name: string;
}

export function parseUrn(urn: string): UrnParts {
  const m = /^urn:pulumi:(.*?)::(.*?)::(.*?)::(.*)$/s.exec(urn);
  if (!m) throw new Error(`not a Pulumi URN: ${urn}`);
  const chain = m[3].split("$");
  return {
    stack: m[1],
    project: m[2],
    type: chain[chain.length - 1],
    parents: chain.slice(0, -1).join("$"),
    name: m[4],
  };
}
