import type { IncomingMessage } from 'node:http';
import { addressKey, CidrSet, type Ip, isLoopbackIp, parseIp } from './ip.ts';

/**
 * Which hops in front of the server are trusted to tell the client's address (X-Forwarded-For), the
 * scheme (X-Forwarded-Proto) and the Host:
 * - none: the server is reached directly; every forwarding header is ignored;
 * - hops: that many reverse proxies stand in front (the socket peer is the first of them);
 * - cidrs: proxies are recognised by address: every hop inside these ranges is skipped.
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; count: number } | { kind: 'cidrs'; ranges: CidrSet; text: string };

/** TRUST_PROXY: false | true (one proxy) | a number of proxies | a comma-separated list of proxy addresses/CIDRs. */
export function parseProxyTrust(value: string): ProxyTrust {
  const text = value.trim().toLowerCase();
  if (['', 'false', '0', 'no'].includes(text)) return { kind: 'none' };
  if (['true', 'yes'].includes(text)) return { kind: 'hops', count: 1 };
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count > 10) throw new Error('at most 10 proxies');
    return { kind: 'hops', count };
  }
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return { kind: 'cidrs', ranges: new CidrSet(entries), text: entries.join(',') };
}

/**
 * The client's address: the right-most hop that is not a trusted proxy. A missing or short
 * X-Forwarded-For never means "unknown": the socket address (or the left-most hop given) counts then,
 * so a request is always limited. Entries a client wrote to the left of that hop are ignored.
 */
export function clientIp(req: IncomingMessage, trust: ProxyTrust): Ip {
  const peer = parseIp(req.socket.remoteAddress) ?? { family: 4 as const, address: '0.0.0.0' };
  if (trust.kind === 'none') return peer;
  const forwarded = headerList(req.headers['x-forwarded-for']);
  // Right to left: the socket peer, then what each proxy appended.
  const hops: Array<Ip | undefined> = [peer, ...forwarded.reverse().map((h) => parseIp(h))];
  if (trust.kind === 'hops') {
    const index = Math.min(trust.count, hops.length - 1);
    return firstValid(hops, index) ?? peer;
  }
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i];
    if (!hop) return firstValid(hops, i - 1) ?? peer; // garbage written by a client: the hop that passed it on
    if (!trust.ranges.has(hop)) return hop;
  }
  return firstValid(hops, hops.length - 1) ?? peer;
}

/** The key per-address limits count under (IPv6 grouped by /64). */
export function clientKey(req: IncomingMessage, trust: ProxyTrust): string {
  return addressKey(clientIp(req, trust));
}

/** X-Forwarded-Proto as the nearest trusted proxy set it (right-most value); undefined unless trusted. */
export function forwardedProto(req: IncomingMessage, trust: ProxyTrust): 'http' | 'https' | undefined {
  if (trust.kind === 'none') return undefined;
  const last = headerList(req.headers['x-forwarded-proto']).at(-1)?.toLowerCase();
  return last === 'https' || last === 'http' ? last : undefined;
}

function headerList(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function firstValid(hops: Array<Ip | undefined>, from: number): Ip | undefined {
  for (let i = Math.max(0, from); i >= 0; i--) if (hops[i]) return hops[i];
  return undefined;
}

const HOST_HEADER = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin a client reached this server at, for URLs the server hands out (the Direct Line
 * streamUrl) when no PUBLIC_URL is configured. Behind a trusted proxy: its X-Forwarded-Proto and the
 * Host it passed on. Reached directly: plain http, and the Host header only if it names a loopback
 * host or the configured listen host; anything else a client claims is replaced by the address and
 * port the connection actually arrived at.
 */
export function requestOrigin(req: IncomingMessage, trust: ProxyTrust, listenHost: string): string {
  const host = String(req.headers.host ?? '');
  const validHost = HOST_HEADER.test(host);
  if (trust.kind !== 'none' && validHost) return `${forwardedProto(req, trust) ?? 'http'}://${host}`;
  if (validHost) {
    const name = host
      .replace(/:\d+$/, '')
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    const ip = parseIp(name);
    const listen = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
    const wildcard = listen === '0.0.0.0' || listen === '::' || listen === '';
    if (name === 'localhost' || (ip && isLoopbackIp(ip)) || (!wildcard && name === listen)) return `http://${host}`;
  }
  const local = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '');
  return `http://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 80}`;
}
