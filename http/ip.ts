import { BlockList, isIP } from 'node:net';

/**
 * IP addresses as the front door needs them: parsed from headers and URLs (brackets, ports, zone ids,
 * IPv4-mapped IPv6), classified (may the server connect there?), grouped for rate limits (IPv6 by /64).
 */
export interface Ip {
  family: 4 | 6;
  /** Canonical text: dotted quad, or IPv6 as eight uncompressed groups (IPv4-mapped forms become IPv4). */
  address: string;
}

/** Parses one address as it appears in X-Forwarded-For, a socket or a URL host; undefined if it is none. */
export function parseIp(text: string | undefined): Ip | undefined {
  if (!text) return undefined;
  let value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  value = value.replace(/%.*$/, ''); // zone id (fe80::1%eth0): the address is link-local whatever the zone
  const family = isIP(value);
  if (family === 4) return { family: 4, address: value };
  if (family !== 6) return undefined;
  const groups = expandIpv6(value);
  const mapped = embeddedIpv4(groups, [0, 0, 0, 0, 0, 0xffff]);
  if (mapped) return { family: 4, address: mapped };
  return { family: 6, address: groups.map((g) => g.toString(16)).join(':') };
}

/** The eight 16-bit groups of an IPv6 address (with or without "::" and a dotted IPv4 tail). */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}

function embeddedIpv4(groups: number[], prefix: number[]): string | undefined {
  if (!prefix.every((g, i) => groups[i] === g)) return undefined;
  const hi = groups[6] ?? 0;
  const lo = groups[7] ?? 0;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** Ranges a server must never be made to call: loopback, private, link-local, CGNAT, documentation, multicast… */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible forms
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48], // NAT64: would reach IPv4 behind the gateway
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16], // discard, IETF/Teredo, documentation, 6to4
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8], // unique-local, link-local, site-local, multicast
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** True only for a globally routable unicast address: what an outbound call may reach. */
export function isPublicIp(ip: Ip): boolean {
  return !NOT_PUBLIC.check(ip.address, ip.family === 4 ? 'ipv4' : 'ipv6');
}

export function isLoopbackIp(ip: Ip): boolean {
  return ip.family === 4 ? ip.address.startsWith('127.') : ip.address === '0:0:0:0:0:0:0:1';
}

/** A set of CIDR ranges ("10.0.0.0/8", "fd00::/8", or single addresses). */
export class CidrSet {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const parsed = parseCidr(entry);
      if (!parsed) throw new Error(`not an IP address or CIDR range: "${entry}"`);
      this.list.addSubnet(parsed.ip.address, parsed.bits, parsed.ip.family === 4 ? 'ipv4' : 'ipv6');
    }
    this.size = entries.length;
  }

  has(ip: Ip): boolean {
    return this.list.check(ip.address, ip.family === 4 ? 'ipv4' : 'ipv6');
  }
}

export function parseCidr(entry: string): { ip: Ip; bits: number } | undefined {
  const [address, prefix] = entry.trim().split('/');
  const ip = parseIp(address);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > max || (prefix !== undefined && !/^\d+$/.test(prefix))) return undefined;
  return { ip, bits };
}

/**
 * The key a per-address limit counts under: an IPv4 address as is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so counting single addresses would give them 2^64 buckets).
 */
export function addressKey(ip: Ip): string {
  if (ip.family === 4) return ip.address;
  return `${expandIpv6(ip.address)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
