import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { ServiceUrlPolicy, ServiceUrlRefused } from '../../adapters/botframework/service-url.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

/**
 * A listener on a private address that counts every TCP connection (not only complete HTTP
 * requests) and answers like a Bot Connector: the proof that nothing reached it.
 */
async function startListener(): Promise<{ server: Server; port: number; connections: () => number; bodies: string[] }> {
  let connections = 0;
  const bodies: string[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    bodies.push(raw);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"id":"r-1"}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections, bodies };
}

const activity = (serviceUrl: string, extra: Record<string, unknown> = {}) => ({
  type: 'message',
  id: `act-${Math.random()}`,
  text: '公积金缴存比例',
  channelId: 'emulator',
  serviceUrl,
  from: { id: 'attacker', role: 'user' },
  recipient: { id: 'bot', role: 'bot' },
  conversation: { id: `conv-${Math.random()}` },
  ...extra,
});

const post = (app: App, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('SSRF through /api/messages serviceUrl', () => {
  let target: TestDatabase;
  let listener: Awaited<ReturnType<typeof startListener>>;
  let app: App;

  beforeAll(async () => {
    target = sqliteDatabase();
    listener = await startListener();
    app = await startTestApp({ databaseUrl: target.url });
  });
  afterAll(async () => {
    await app.close();
    listener.server.close();
    await target.drop();
  });

  it('never connects to a loopback, private or link-local serviceUrl, in any spelling of the address', async () => {
    const p = listener.port;
    const urls = [
      `http://127.0.0.1:${p}`,
      `http://localhost:${p}`,
      `http://2130706433:${p}`,
      `http://0x7f000001:${p}`,
      `http://0x7f.0.0.1:${p}`,
      `http://0177.0.0.1:${p}`,
      `http://017700000001:${p}`,
      `http://127.1:${p}`,
      `http://[::ffff:127.0.0.1]:${p}`,
      `http://[::ffff:7f00:1]:${p}`,
      `http://[::1]:${p}`,
      `https://127.0.0.1:${p}`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://10.0.0.1:${p}`,
      `http://user:pw@127.0.0.1:${p}`,
      'file:///etc/passwd',
      'not a url',
    ];
    for (const serviceUrl of urls) {
      const res = await post(app, activity(serviceUrl));
      expect(res.status, serviceUrl).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('Forbidden');
    }
    expect(listener.connections()).toBe(0);
  });

  it('answers expectReplies in the response without calling the serviceUrl at all', async () => {
    const before = listener.connections();
    const res = await post(app, activity(`http://127.0.0.1:${listener.port}`, { deliveryMode: 'expectReplies' }));
    expect(res.status).toBe(200);
    const { activities } = (await res.json()) as { activities: Array<{ text?: string }> };
    expect(activities[0]?.text).toContain('住房公积金缴存比例是多少');
    expect(listener.connections()).toBe(before);
  });

  it('refuses a proactive message into a stored reference whose serviceUrl is private', async () => {
    const before = listener.connections();
    const reference = {
      channelId: 'emulator',
      serviceUrl: `http://2130706433:${listener.port}`,
      conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' },
      bot: { id: 'bot', name: 'b' },
    };
    let refused: unknown;
    await app.channels
      .continueConversation(reference, async (ctx) => {
        await ctx.sendActivity('您的工单已受理').catch((err: unknown) => (refused = err));
      })
      .catch((err: unknown) => (refused ??= err));
    expect(String(refused)).toMatch(/ServiceUrlRefused: .*not an allowed Bot Framework channel/);
    expect(listener.connections()).toBe(before);
  });

  it('does deliver to a private origin the operator allowed by name (so this test can fail)', async () => {
    const allowing = await startTestApp({ databaseUrl: target.url, env: { BOTFRAMEWORK_SERVICE_URLS: `http://127.0.0.1:${listener.port}` } });
    try {
      const res = await post(allowing, activity(`http://127.0.0.1:${listener.port}`));
      expect(res.status).toBe(200);
      await expect.poll(() => listener.bodies.length).toBe(1);
      expect(listener.bodies[0]).toContain('住房公积金缴存比例是多少');
      // Only that origin: another port on the same address stays closed.
      expect((await post(allowing, activity(`http://127.0.0.1:${listener.port + 1}`))).status).toBe(403);
    } finally {
      await allowing.close();
      listener.bodies.length = 0;
    }
  });

  it('rate-limits /api/messages per client address (429 with Retry-After)', async () => {
    const limited = await startTestApp({ databaseUrl: target.url, env: { BOTFRAMEWORK_REQUESTS_PER_MINUTE: '3' } });
    try {
      const body = activity('https://smba.trafficmanager.net/emea/', { deliveryMode: 'expectReplies' });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(limited, body)).status);
      const refused = await post(limited, body);
      expect([...statuses, refused.status]).toEqual([200, 200, 200, 429]);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });
});

describe('anonymous /api/messages', () => {
  it('is refused on a server listening beyond loopback unless BOTFRAMEWORK_ANONYMOUS=true', async () => {
    const target = sqliteDatabase();
    const open = await startTestApp({ databaseUrl: target.url, env: { HOST: '0.0.0.0' } });
    const enabled = await startTestApp({ databaseUrl: target.url, env: { HOST: '0.0.0.0', BOTFRAMEWORK_ANONYMOUS: 'true' } });
    try {
      const body = activity('https://smba.trafficmanager.net/emea/', { deliveryMode: 'expectReplies' });
      const refused = await post(open, body);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/MicrosoftAppId/);
      expect((await post(enabled, body)).status).toBe(200);
    } finally {
      await open.close();
      await enabled.close();
      await target.drop();
    }
  });
});

describe('serviceUrl policy', () => {
  const resolving = (table: Record<string, string[]>) =>
    new ServiceUrlPolicy({
      extra: ['http://rebind.example.test:1'],
      resolve: async (host) => (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    });

  it('allows the channels’ hosts over https when every address they resolve to is public', async () => {
    const policy = resolving({ 'smba.trafficmanager.net': ['52.112.0.1'], 'webchat.botframework.com': ['2603:1030::1'] });
    await expect(policy.check('https://smba.trafficmanager.net/emea/')).resolves.toBeUndefined();
    await expect(policy.check('https://webchat.botframework.com/')).resolves.toBeUndefined();
    await expect(policy.check('http://webchat.botframework.com/')).rejects.toThrow(ServiceUrlRefused);
    await expect(policy.check('https://smba.attacker.example/')).rejects.toThrow(ServiceUrlRefused);
    await expect(policy.check('https://botframework.com.attacker.example/')).rejects.toThrow(ServiceUrlRefused);
  });

  it('refuses an allowed name when any of its addresses is private, loopback, link-local or mapped', async () => {
    for (const bad of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fe80::1', 'fd00::1', '100.64.0.1', '0.0.0.0']) {
      const policy = resolving({ 'evil.botframework.com': ['52.112.0.1', bad] });
      await expect(policy.check('https://evil.botframework.com/'), bad).rejects.toThrow(/not public/);
    }
  });

  it('re-checks the addresses when it connects (a name that rebinds to 127.0.0.1 after the check)', async () => {
    const listener = await startListener();
    try {
      const policy = resolving({ 'rebind.example.test': ['127.0.0.1'] });
      const url = `http://rebind.example.test:${listener.port}/`;
      const agent = policy.agentFor('http://rebind.example.test:1/');
      const error = await new Promise<Error>((resolve) => get(url, { agent }, () => resolve(new Error('connected'))).on('error', resolve));
      expect(error.message).toMatch(/not public/);
      const literal = await new Promise<Error>((resolve) =>
        get(`http://127.0.0.1:${listener.port}/`, { agent }, () => resolve(new Error('connected'))).on('error', resolve),
      );
      expect(literal.message).toMatch(/not public/);
      expect(listener.connections()).toBe(0);
      policy.close();
    } finally {
      listener.server.close();
    }
  });
});
