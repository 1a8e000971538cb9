/**
 * IPv4/IPv6 address and CIDR arithmetic. Pure: used by validation, which must run in preview
 * before anything touches an engine.
 */

export interface IpAddress {
  readonly family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
}

export interface Cidr {
  readonly family: 4 | 6;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
  /** True when the text had host bits set (`10.0.0.1/24`), which Docker rejects. */
  readonly hostBitsSet: boolean;
}

const bits = (family: 4 | 6): number => (family === 4 ? 32 : 128);

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith("0"))) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const left = toGroups(halves[0]);
  const right = halves.length === 2 ? toGroups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** An address in text: dotted quad, or eight hexadecimal groups (uncompressed, which every parser reads). */
export function formatIp(ip: IpAddress): string {
  const groups = ip.family === 4 ? 4 : 8;
  const width = ip.family === 4 ? 8n : 16n;
  const parts = Array.from(
    { length: groups },
    (_, i) => (ip.value >> (width * BigInt(groups - 1 - i))) & ((1n << width) - 1n),
  );
  return ip.family === 4 ? parts.join(".") : parts.map((p) => p.toString(16)).join(":");
}

/** Parses an IPv4 or IPv6 address; undefined when it is neither. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** Why a CIDR is malformed, in words fit for an error message; undefined when it is fine. */
export function cidrProblem(text: string): string | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return `"${text}" is not in CIDR notation: write it as address/prefix, e.g. 10.10.0.0/24`;
  const ip = parseIp(text.slice(0, slash));
  if (!ip) return `"${text}": "${text.slice(0, slash)}" is not an IPv4 or IPv6 address`;
  const prefixText = text.slice(slash + 1);
  const max = bits(ip.family);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return `"${text}": prefix must be 0-${max}`;
  }
  return undefined;
}

/** Parses a CIDR; undefined when malformed (see {@link cidrProblem} for why). */
export function parseCidr(text: string): Cidr | undefined {
  if (cidrProblem(text) !== undefined) return undefined;
  const [addr, prefixText] = text.split("/");
  const ip = parseIp(addr)!;
  const prefix = Number(prefixText);
  const hostMask = (1n << BigInt(bits(ip.family) - prefix)) - 1n;
  return {
    family: ip.family,
    network: ip.value & ~hostMask,
    prefix,
    hostBitsSet: (ip.value & hostMask) !== 0n,
  };
}

/** A CIDR in text as people write it: `10.10.10.0/26`, `fd00:1::/64` (IPv6 zeros compressed). */
export function formatCidr(c: Cidr): string {
  const text = formatIp({ family: c.family, value: c.network });
  if (c.family === 4) return `${text}/${c.prefix}`;
  const groups = text.split(":");
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  let best = { at: -1, length: 1 };
  for (let i = 0; i < groups.length; i++) {
    let n = 0;
    while (groups[i + n] === "0") n++;
    if (n > best.length) best = { at: i, length: n };
  }
  const compressed =
    best.at < 0
      ? groups.join(":")
      : `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.length).join(":")}`;
  return `${compressed}/${c.prefix}`;
}

/** True when `ip` lies inside `cidr` (same family, same network bits). */
export function cidrContains(cidr: Cidr, ip: IpAddress | Cidr): boolean {
  if (cidr.family !== ip.family) return false;
  const inner = "value" in ip ? ip.value : ip.network;
  if ("prefix" in ip && ip.prefix < cidr.prefix) return false;
  const shift = BigInt(bits(cidr.family) - cidr.prefix);
  return inner >> shift === cidr.network >> shift;
}

/** True when two CIDRs share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.prefix <= b.prefix ? cidrContains(a, b) : cidrContains(b, a);
}

/** One spelling per address or CIDR value (`FD00:0031::10` and `fd00:31::10` alike); undefined for other text. */
function canonical(text: string): string | undefined {
  if (text.includes("/")) {
    const c = parseCidr(text);
    return c && !c.hostBitsSet ? `${c.family}:${c.network}/${c.prefix}` : undefined;
  }
  const ip = parseIp(text);
  return ip && `${ip.family}:${ip.value}`;
}

/** Whether two addresses or CIDRs are the same value in any valid spelling; other values compare as they are. */
export function sameAddress(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "string" || typeof b !== "string") return false;
  const ca = canonical(a);
  return ca !== undefined && ca === canonical(b);
}

/** The address family of an address or CIDR, when it is one. */
export function familyOf(text: unknown): 4 | 6 | undefined {
  if (typeof text !== "string") return undefined;
  return (text.includes("/") ? parseCidr(text) : parseIp(text))?.family;
}
