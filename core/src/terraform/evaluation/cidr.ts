/**
 * Terraform's network functions (`cidrsubnet`, `cidrhost`, `cidrnetmask`, `cidrsubnets`) over IPv4
 * and IPv6, with addresses as big integers and written back as Go writes them (IPv6 with its
 * longest run of zero groups shortened to `::`).
 */

/** What Terraform would say about an address or a numbering it cannot use. */
export class CidrError extends Error {}

export interface Prefix {
  /** The network's first address. */
  network: bigint;
  length: number;
  bits: 32 | 128;
}

export function parsePrefix(text: string): Prefix {
  const slash = text.indexOf('/');
  if (slash < 0) throw new CidrError(`invalid CIDR expression: invalid CIDR address: ${text}`);
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const parsed = address.includes(':') ? parseIPv6(address) : parseIPv4(address);
  if (parsed === undefined || !/^\d{1,3}$/.test(lengthText)) throw new CidrError(`invalid CIDR expression: invalid CIDR address: ${text}`);
  const bits = address.includes(':') ? 128 : 32;
  const length = Number(lengthText);
  if (length > bits) throw new CidrError(`invalid CIDR expression: invalid CIDR address: ${text}`);
  return { network: parsed & mask(length, bits), length, bits };
}

function mask(length: number, bits: number): bigint {
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n);
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export function formatAddress(value: bigint, bits: 32 | 128): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // Go writes an IPv4-mapped address in dotted form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return formatAddress(value & 0xffffffffn, 32);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function cidrSubnet(prefixText: string, newBits: number, netNum: number): string {
  const prefix = parsePrefix(prefixText);
  const length = prefix.length + newBits;
  if (newBits < 0 || length > prefix.bits) throw new CidrError(`insufficient address space to extend prefix of ${prefix.length} by ${newBits}`);
  if (netNum < 0 || BigInt(netNum) >= 1n << BigInt(newBits)) throw new CidrError(`prefix extension of ${newBits} does not accommodate a subnet numbered ${netNum}`);
  const network = prefix.network | (BigInt(netNum) << BigInt(prefix.bits - length));
  return `${formatAddress(network, prefix.bits)}/${length}`;
}

export function cidrHost(prefixText: string, hostNum: number): string {
  const prefix = parsePrefix(prefixText);
  const size = 1n << BigInt(prefix.bits - prefix.length);
  const host = BigInt(hostNum);
  const offset = host < 0n ? size + host : host;
  if (offset < 0n || offset >= size) throw new CidrError(`prefix of ${prefix.length} does not accommodate a host numbered ${hostNum}`);
  return formatAddress(prefix.network + offset, prefix.bits);
}

export function cidrNetmask(prefixText: string): string {
  const prefix = parsePrefix(prefixText);
  if (prefix.bits !== 32) throw new CidrError('IPv6 addresses cannot have a netmask');
  return formatAddress(mask(prefix.length, 32), 32);
}

/** Consecutive subnets of the given sizes, each starting at the next address its size aligns to. */
export function cidrSubnets(prefixText: string, newBits: readonly number[]): string[] {
  const prefix = parsePrefix(prefixText);
  const end = prefix.network + (1n << BigInt(prefix.bits - prefix.length));
  let next = prefix.network;
  const out: string[] = [];
  for (const bits of newBits) {
    const length = prefix.length + bits;
    if (bits < 1 || length > prefix.bits) throw new CidrError(`would extend prefix to ${length} bits, which is too long for an IPv${prefix.bits === 32 ? 4 : 6} address`);
    const size = 1n << BigInt(prefix.bits - length);
    const start = ((next + size - 1n) / size) * size;
    if (start + size > end)
      throw new CidrError(`not enough remaining address space for a subnet with a prefix of ${length} bits after ${out.length ? out[out.length - 1] : prefixText}`);
    out.push(`${formatAddress(start, prefix.bits)}/${length}`);
    next = start + size;
  }
  return out;
}
