import type { IncomingMessage } from 'node:http';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { clientIp, clientKey, parseProxyTrust } from '../../http/client-address.ts';
import { startTestApp } from '../support/app.ts';
import { redisUrl, sqliteDatabase, type TestDatabase } from '../support/services.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

/** An address no other test run is likely to use, so counts kept in Redis do not collide. */
const randomAddress = () => `2001:db8:${randomInt(0, 0xffff).toString(16)}:${randomInt(0, 0xffff).toString(16)}::1`;

describe('client address', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    expect(clientIp(request('198.51.100.7', '203.0.113.1'), parseProxyTrust('false')).address).toBe('198.51.100.7');
  });

  it('takes the right-most untrusted hop, whatever the client wrote to its left', () => {
    const oneProxy = parseProxyTrust('true');
    expect(clientIp(request('127.0.0.1', '1.2.3.4, 203.0.113.9'), oneProxy).address).toBe('203.0.113.9');
    expect(clientIp(request('127.0.0.1', 'garbage, 203.0.113.9'), oneProxy).address).toBe('203.0.113.9');
    const twoProxies = parseProxyTrust('2');
    expect(clientIp(request('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.1'), twoProxies).address).toBe('203.0.113.9');
    const byRange = parseProxyTrust('10.0.0.0/8, 127.0.0.1');
    expect(clientIp(request('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.1'), byRange).address).toBe('203.0.113.9');
    expect(clientIp(request('198.51.100.3', '6.6.6.6'), byRange).address).toBe('198.51.100.3'); // not from a proxy: header ignored
  });

  it('falls back to the socket address when the header is missing or short (never "unlimited")', () => {
    expect(clientIp(request('127.0.0.1'), parseProxyTrust('true')).address).toBe('127.0.0.1');
    expect(clientIp(request('10.0.0.2', '203.0.113.9'), parseProxyTrust('3')).address).toBe('203.0.113.9');
  });

  it('groups IPv6 clients by /64 and reads IPv4-mapped addresses as IPv4', () => {
    const none = parseProxyTrust('false');
    expect(clientKey(request('2001:db8:1:2::1'), none)).toBe(clientKey(request('2001:db8:1:2:ffff:ffff:ffff:ffff'), none));
    expect(clientKey(request('2001:db8:1:2::1'), none)).not.toBe(clientKey(request('2001:db8:1:3::1'), none));
    expect(clientKey(request('::ffff:203.0.113.5'), none)).toBe('203.0.113.5');
  });
});

describe('rate limits at the front door', () => {
  let target: TestDatabase;
  let app: App;
  const start = (headers: Record<string, string> = {}) => fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers });

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({
      databaseUrl: target.url,
      env: { TRUST_PROXY: 'true', DIRECTLINE_STARTS_PER_MINUTE: '2', DIRECTLINE_STARTS_GLOBAL_PER_MINUTE: '8', DIRECTLINE_REFRESHES_PER_MINUTE: '2' },
    });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  it('limits a request without X-Forwarded-For by its socket address, with Retry-After', async () => {
    expect([(await start()).status, (await start()).status]).toEqual([201, 201]);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: 'TooManyRequests' } });
  });

  it('gives no fresh bucket for a client-chosen X-Forwarded-For prefix or another address in the same IPv6 /64', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await start({ 'X-Forwarded-For': `10.9.9.${i}, 203.0.113.77` })).status);
    expect(statuses).toEqual([201, 201, 429]);
    const v6 = [];
    for (const address of ['2001:db8:77:1::1', '2001:db8:77:1::abcd', '2001:db8:77:1:ffff:ffff:ffff:ffff']) {
      v6.push((await start({ 'X-Forwarded-For': address })).status);
    }
    expect(v6).toEqual([201, 201, 429]);
  });

  it('caps new conversations overall, whatever the address', async () => {
    // 6 accepted so far in this app: fresh addresses reach the overall cap of 8.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await start({ 'X-Forwarded-For': `203.0.113.${100 + i}` })).status);
    expect(statuses).toEqual([201, 201, 429, 429, 429, 429]);
  });

  it('limits token refreshes per conversation', async () => {
    const fresh = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_REFRESHES_PER_MINUTE: '2' } });
    try {
      const started = (await (await fetch(`${fresh.url}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { token: string };
      const refresh = () => fetch(`${fresh.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { Authorization: `Bearer ${started.token}` } });
      const statuses = [(await refresh()).status, (await refresh()).status];
      const refused = await refresh();
      expect([...statuses, refused.status]).toEqual([200, 200, 429]);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await fresh.close();
    }
  });
});

describe('rate limits across two instances sharing Redis', () => {
  it('counts one client’s starts on both instances together', async (ctx) => {
    const redis = await redisUrl();
    if (!redis) return ctx.skip();
    const target = sqliteDatabase();
    const env = { REDIS_URL: redis, TRUST_PROXY: 'true', DIRECTLINE_STARTS_PER_MINUTE: '3' };
    const a = await startTestApp({ databaseUrl: target.url, env });
    const b = await startTestApp({ databaseUrl: target.url, env });
    try {
      const client = { 'X-Forwarded-For': randomAddress() };
      const on = (app: App) => fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: client }).then((r) => r.status);
      expect([await on(a), await on(b), await on(a), await on(b), await on(a)]).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await a.close();
      await b.close();
      await target.drop();
    }
  });
});
