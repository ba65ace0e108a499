import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction, type NetConnectOpts, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { isLoopbackIp, isPublicIp, parseIp } from '../../http/ip.ts';

/**
 * Where the bot may post replies: an activity's `serviceUrl` names the Bot Connector to answer, and on
 * an open endpoint anyone can name any URL. Allowed are the Bot Framework channels' hosts (https) and
 * the origins an operator configures; never an address that is not public (loopback, private,
 * link-local, CGNAT …), checked on every address a name resolves to, at check time and again when
 * the connection is made (so a name cannot resolve to a public address first and to 127.0.0.1 later).
 *
 * An operator may name a loopback or private address outright (the Emulator on this machine:
 * "http://localhost:3979"): that exact origin is then allowed, and nothing else on that address.
 */
export const CHANNEL_HOSTS: readonly string[] = [
  '*.botframework.com', // Azure Bot Service channels (Web Chat, Direct Line, Telegram …)
  '*.trafficmanager.net', // smba.trafficmanager.net: Microsoft Teams
  '*.botframework.azure.us', // US Government cloud
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

export class ServiceUrlRefused extends Error {
  override name = 'ServiceUrlRefused';
}

type Resolve = (host: string) => Promise<LookupAddress[]>;

interface Allowed {
  protocol: 'http:' | 'https:';
  /** Exact host, or a suffix (".botframework.com") for a "*." pattern. */
  host: string;
  wildcard: boolean;
  /** Port as in URL.port ('' for the scheme's default); undefined = any. */
  port?: string;
  /** An operator-named loopback/private host: allowed without the public-address rule. */
  private: boolean;
}

export interface ServiceUrlPolicyOptions {
  /** Operator-configured origins or patterns: "https://bot.example.gov.cn", "https://*.example.com", "http://localhost:3979". */
  extra?: readonly string[];
  /** DNS resolution (tests replace it); default: the system resolver, every address. */
  resolve?: Resolve;
}

const systemResolve: Resolve = (host) => promisify(dnsLookup)(host, { all: true, verbatim: true }) as Promise<LookupAddress[]>;

export class ServiceUrlPolicy {
  private readonly allowed: Allowed[];
  private readonly resolve: Resolve;
  private readonly agents = new Map<string, HttpAgent>();

  constructor(options: ServiceUrlPolicyOptions = {}) {
    this.resolve = options.resolve ?? systemResolve;
    this.allowed = [...CHANNEL_HOSTS.map((pattern) => rule('https:', pattern, undefined, false)), ...(options.extra ?? []).map(parseAllowed)];
  }

  /** Throws ServiceUrlRefused unless the bot may call this URL now. */
  async check(serviceUrl: string | undefined): Promise<void> {
    const { url, entry } = this.match(serviceUrl);
    await this.addressesFor(url.hostname, entry);
  }

  /**
   * An agent that repeats the address check when it connects: names are resolved through the
   * policy and refused if any address is not public; literal addresses are checked as they are.
   */
  agentFor(serviceUrl: string): HttpAgent {
    const { url, entry } = this.match(serviceUrl);
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const lookup: LookupFunction = (hostname, options, callback) => {
        this.addressesFor(hostname, entry).then(
          (addresses) => {
            if ((options as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
            else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
          },
          (err: Error) => callback(err as NodeJS.ErrnoException, '', 4),
        );
      };
      const guard: Guard = (options) => {
        const host = String(options.host ?? '');
        if (isIP(host) && !this.addressAllowed(host, entry)) throw new ServiceUrlRefused(`serviceUrl address ${host} is not public`);
        return { ...options, lookup };
      };
      const agentOptions: AgentOptions = { keepAlive: true, maxSockets: 50 };
      agent = url.protocol === 'https:' ? new GuardedHttpsAgent(agentOptions, guard) : new GuardedHttpAgent(agentOptions, guard);
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private match(serviceUrl: string | undefined): { url: URL; entry: Allowed } {
    let url: URL;
    try {
      url = new URL(String(serviceUrl ?? ''));
    } catch {
      throw new ServiceUrlRefused('serviceUrl is not a URL');
    }
    if (url.username || url.password) throw new ServiceUrlRefused('serviceUrl must not carry credentials');
    const host = url.hostname.replace(/\.$/, '').toLowerCase();
    const entry = this.allowed.find(
      (a) =>
        a.protocol === url.protocol &&
        (a.port === undefined || a.port === url.port) &&
        (a.wildcard ? host.endsWith(a.host) && host.length > a.host.length : host === a.host),
    );
    if (!entry) throw new ServiceUrlRefused(`serviceUrl ${url.protocol}//${url.host} is not an allowed Bot Framework channel`);
    return { url, entry };
  }

  private async addressesFor(hostname: string, entry: Allowed): Promise<LookupAddress[]> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    if (isIP(bare)) {
      if (!this.addressAllowed(bare, entry)) throw new ServiceUrlRefused(`serviceUrl address ${bare} is not public`);
      return [{ address: bare, family: isIP(bare) }];
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(bare);
    } catch {
      throw new ServiceUrlRefused(`serviceUrl host ${bare} does not resolve`);
    }
    if (addresses.length === 0) throw new ServiceUrlRefused(`serviceUrl host ${bare} does not resolve`);
    for (const { address } of addresses) {
      if (!this.addressAllowed(address, entry)) throw new ServiceUrlRefused(`serviceUrl host ${bare} resolves to ${address}, which is not public`);
    }
    return addresses;
  }

  private addressAllowed(address: string, entry: Allowed): boolean {
    const ip = parseIp(address);
    if (!ip) return false;
    if (isPublicIp(ip)) return true;
    if (!entry.private) return false;
    // An operator-named "localhost" may only ever reach this machine.
    return entry.host === 'localhost' ? isLoopbackIp(ip) : parseIp(entry.host)?.address === ip.address;
  }
}

function rule(protocol: 'http:' | 'https:', pattern: string, port: string | undefined, named: boolean): Allowed {
  const wildcard = pattern.startsWith('*.');
  const host = (wildcard ? pattern.slice(1) : pattern).toLowerCase();
  const bare = host.replace(/^\[|\]$/g, '');
  const isPrivate = named && !wildcard && (host === 'localhost' || (isIP(bare) > 0 && !isPublicIp(parseIp(bare)!)));
  return { protocol, host: isIP(bare) ? bare : host, wildcard, port, private: isPrivate };
}

/** "https://bot.example.gov.cn", "https://*.example.com", "http://localhost:3979" (port: exact; none = default). */
export function parseAllowed(entry: string): Allowed {
  const text = entry.trim();
  const wildcard = /^(https?:\/\/)\*\./i.exec(text);
  const url = new URL(wildcard ? text.replace('*.', 'wildcard.') : text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`serviceUrl allowlist: ${entry} is not http(s)`);
  if (url.pathname !== '/' || url.search || url.username) throw new Error(`serviceUrl allowlist: ${entry} must be an origin (scheme://host[:port])`);
  const host = wildcard ? `*.${url.hostname.slice('wildcard.'.length)}` : url.hostname;
  return rule(url.protocol, host, url.port, true);
}

type Guard = (options: NetConnectOpts & { host?: string }) => NetConnectOpts;
type Created = (err: Error | null, socket?: Socket) => void;

/** http.Agent's createConnection with the guard in front: a refused address fails the request, nothing connects. */
function guarded(base: (options: NetConnectOpts, callback?: Created) => Socket | undefined, guard: Guard) {
  return function (this: unknown, options: NetConnectOpts, callback?: Created): Socket | undefined {
    let checked: NetConnectOpts;
    try {
      checked = guard(options);
    } catch (err) {
      callback?.(err as Error);
      return undefined;
    }
    return base.call(this, checked, callback);
  };
}

type WithCreate = { createConnection: (options: NetConnectOpts, callback?: Created) => Socket | undefined };

class GuardedHttpAgent extends HttpAgent {
  constructor(options: AgentOptions, guard: Guard) {
    super(options);
    const self = this as unknown as WithCreate;
    self.createConnection = guarded((HttpAgent.prototype as unknown as WithCreate).createConnection, guard);
  }
}

class GuardedHttpsAgent extends HttpsAgent {
  constructor(options: AgentOptions, guard: Guard) {
    super(options);
    const self = this as unknown as WithCreate;
    self.createConnection = guarded((HttpsAgent.prototype as unknown as WithCreate).createConnection, guard);
  }
}
