/**
 * IP addresses and CIDR ranges as Go's net package parses and prints them, for the network checks of
 * Gardener's validation: net.ParseCIDR (strict IPv4 octets, prefix digits), the sloppy parser Kubernetes
 * keeps for legacy fields (leading zeros allowed), canonical form, IP family and overlap. Addresses are
 * held as bigints so IPv6 ranges compare exactly.
 *
 * Node's net.BlockList answers overlap questions but neither parses with Go's rules nor prints
 * addresses, so one small parser serves all of it.
 */

/** An address: 32 bits (IPv4) or 128 bits (IPv6); `mapped` marks an IPv4-mapped IPv6 address. */
export interface IPAddress {
  readonly value: bigint;
  readonly bits: 32 | 128;
  readonly mapped: boolean;
}

/** A parsed CIDR: the address as written, the prefix length and the masked network address. */
export interface CIDR {
  readonly ip: IPAddress;
  readonly prefix: number;
  readonly network: IPAddress;
}

const DEC_OCTET = /^[0-9]{1,3}$/;

function parseIPv4(text: string, sloppy: boolean): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    if (!DEC_OCTET.test(p) || (!sloppy && p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** Parses the groups of one side of `::`; an embedded IPv4 tail counts as two groups. */
function groups(text: string, sloppy: boolean, allowV4Tail: boolean): bigint[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const out: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (i === parts.length - 1 && allowV4Tail && p.includes('.')) {
      const v4 = parseIPv4(p, sloppy);
      if (v4 === undefined) return undefined;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(BigInt(`0x${p}`));
    else return undefined;
  }
  return out;
}

function parseIPv6(text: string, sloppy: boolean): bigint | undefined {
  if (text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0] ?? '', sloppy, halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] ?? '', sloppy, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const all = [...head, ...Array<bigint>(halves.length === 1 ? 0 : fill).fill(0n), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses an address; `sloppy` allows leading zeros in IPv4 octets (Kubernetes' legacy parser). */
export function parseIP(text: string, sloppy = false): IPAddress | undefined {
  if (text.includes(':')) {
    const value = parseIPv6(text, sloppy);
    if (value === undefined) return undefined;
    return { value, bits: 128, mapped: value >> 32n === 0xffffn };
  }
  const value = parseIPv4(text, sloppy);
  return value === undefined ? undefined : { value, bits: 32, mapped: false };
}

/** Whether Go treats the address as IPv4 (To4() != nil): IPv4 or IPv4-mapped IPv6. */
export function isIPv4Address(a: IPAddress): boolean {
  return a.bits === 32 || a.mapped;
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** Go's IP.String(): dotted quad for IPv4 (and IPv4-mapped) addresses, RFC 5952 for IPv6. */
export function formatIP(a: IPAddress): string {
  if (isIPv4Address(a)) return formatIPv4(a.value & 0xffffffffn);
  const g = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best === -1) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Parses `addr/prefix` as Go's net.ParseCIDR (or, `sloppy`, Kubernetes' ParseCIDRSloppy). */
export function parseCIDR(text: string, sloppy = false): CIDR | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const ip = parseIP(text.slice(0, slash), sloppy);
  const len = text.slice(slash + 1);
  if (ip === undefined || !/^[0-9]+$/.test(len)) return undefined;
  const prefix = Number(len);
  if (prefix > ip.bits) return undefined;
  const network = { ...ip, value: ip.value & mask(ip.bits, prefix) };
  return { ip, prefix, network };
}

/** Go's error text for a CIDR net.ParseCIDR refuses. */
export function cidrParseError(text: string): string {
  return `invalid CIDR address: ${text}`;
}

/** Whether the address equals the network address (no host bits set). */
export function isCanonicalCIDR(c: CIDR): boolean {
  return c.ip.value === c.network.value;
}

/** `network/prefix` as Go prints an IPNet. */
export function formatCIDR(c: CIDR): string {
  return `${formatIP(c.network)}/${c.prefix}`;
}

/** An IPv4 address or range in 32-bit terms (mapped ones unwrapped), else the 128-bit one. */
function normalized(c: CIDR): { value: bigint; bits: number; prefix: number } {
  if (c.network.mapped && c.prefix >= 96) return { value: c.network.value & 0xffffffffn, bits: 32, prefix: c.prefix - 96 };
  return { value: c.network.value, bits: c.network.bits, prefix: c.prefix };
}

function containsNetworkOf(outer: CIDR, inner: CIDR): boolean {
  const o = normalized(outer);
  const i = normalized(inner);
  if (o.bits !== i.bits) return false;
  const m = mask(o.bits, o.prefix);
  return (i.value & m) === o.value;
}

/** Whether two ranges share an address (either contains the other's network address). */
export function cidrsOverlap(a: CIDR, b: CIDR): boolean {
  return containsNetworkOf(a, b) || containsNetworkOf(b, a);
}

/**
 * Kubernetes' strict CIDR rule for new fields (validation.IsValidCIDR): parseable, no leading zeros, no
 * IPv4-mapped address, no bits beyond the prefix, canonical text. Returns the messages.
 */
export function cidrValueErrors(value: string): string[] {
  const sloppy = parseCIDR(value, true);
  if (sloppy === undefined) return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  const strict = parseCIDR(value);
  const prefixText = value.slice(value.indexOf('/') + 1);
  if (strict === undefined || (prefixText.length > 1 && prefixText.startsWith('0'))) return ['must not have leading 0s in IP or prefix length'];
  if (strict.ip.mapped) return ['must not have an IPv4-mapped IPv6 address'];
  if (!isCanonicalCIDR(strict)) return ['must not have bits set beyond the prefix length'];
  const canonical = formatCIDR(strict);
  return value === canonical ? [] : [`must be in canonical form (${JSON.stringify(canonical)})`];
}
