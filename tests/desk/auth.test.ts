// Signing in to the desk against the real server, on both engines: the first administrator from configuration, the
// forced password change, generic failures counted to a lock, cookie attributes, CSRF on every change, expired
// sessions, signing out, and the machine token still working for scripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { ADMIN_TOKEN } from '../support/desk.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { DeskClient, deskEnv, FIRST_ADMIN, NEW_PASSWORD, signedIn, tokenCall } from './support.ts';

function authSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`desk sign-in on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let app: App;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      app = await startTestApp({ databaseUrl: target.url, env: deskEnv({ DESK_LOGIN_MAX_FAILURES: '3', DESK_LOGIN_LOCK_MINUTES: '15' }) });
    });
    afterAll(async () => {
      await app?.close();
      await target?.drop();
    });

    it('makes the first administrator from configuration and requires a new password before anything else', async (ctx) => {
      if (!target) return ctx.skip();
      const admin = new DeskClient(app.url);
      const signIn = await admin.login(FIRST_ADMIN.username, FIRST_ADMIN.password);
      expect(signIn.status).toBe(200);
      expect(signIn.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
      expect(signIn.body.csrfToken).toMatch(/^[\w-]{40,}$/);
      expect((await admin.get('/api/desk/tickets')).body.error.code).toBe('PasswordChangeRequired');
      expect((await admin.get('/api/desk/session')).status).toBe(200);
      const weak = await admin.post('/api/desk/session/password', { current: FIRST_ADMIN.password, next: 'abcdefghij' });
      expect(weak).toMatchObject({ status: 400, body: { error: { code: 'WeakPassword', message: 'desk: 密码需包含字母、数字、符号中的至少两类' } } });
      const wrong = await admin.post('/api/desk/session/password', { current: 'not-my-password-1', next: NEW_PASSWORD });
      expect(wrong.body.error.message).toBe('desk: 当前密码不正确');
      const changed = await admin.post('/api/desk/session/password', { current: FIRST_ADMIN.password, next: NEW_PASSWORD });
      expect(changed.body.user.mustChangePassword).toBe(false);
      expect((await admin.get('/api/desk/tickets')).status).toBe(200);
      // The configured password is spent: it no longer signs in.
      expect((await new DeskClient(app.url).login(FIRST_ADMIN.username, FIRST_ADMIN.password)).status).toBe(401);
      expect((await new DeskClient(app.url).login(FIRST_ADMIN.username, NEW_PASSWORD)).status).toBe(200);
    });

    it('answers a wrong password and an unknown name alike, counts them, and locks after the limit', async (ctx) => {
      if (!target) return ctx.skip();
      const agent = await signedIn(app.url, 'agent');
      const guest = new DeskClient(app.url);
      const wrong = await guest.login(agent.user.username, 'Wrong-Passw0rd!');
      const unknown = await guest.login('nobody-here', 'Wrong-Passw0rd!');
      expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'LoginFailed', message: '用户名或密码错误' } } });
      expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'LoginFailed', message: '用户名或密码错误' } } });
      expect(wrong.headers.get('set-cookie')).toBeNull();
      await guest.login(agent.user.username, 'Wrong-Passw0rd!');
      const third = await guest.login(agent.user.username, 'Wrong-Passw0rd!');
      expect(third).toMatchObject({ status: 429, body: { error: { code: 'AccountLocked' } } });
      expect(third.body.error.message).toContain('账号已临时锁定，请 15 分钟后再试');
      // Locked means locked: the right password is refused too, until the lock runs out or an admin resets it.
      expect((await guest.login(agent.user.username, NEW_PASSWORD)).status).toBe(429);
      const accounts = await tokenCall(app.url, 'GET', '/api/desk/accounts');
      expect(accounts.body.accounts.find((a: { username: string }) => a.username === agent.user.username)).toMatchObject({ locked: true });
      // An unknown name locks the same way, so the lock does not tell which names exist.
      for (let i = 0; i < 2; i++) await guest.login('nobody-here', 'Wrong-Passw0rd!');
      expect((await guest.login('nobody-here', 'Wrong-Passw0rd!')).body.error.code).toBe('AccountLocked');
      // The agent's session opened before the attack still works.
      expect((await agent.get('/api/desk/tickets')).status).toBe(200);
    });

    it('sets an HttpOnly, SameSite=Strict session cookie that expires', async (ctx) => {
      if (!target) return ctx.skip();
      const agent = await signedIn(app.url, 'agent');
      const fresh = new DeskClient(app.url);
      const res = await fresh.login(agent.user.username, NEW_PASSWORD);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^lineone_desk=[\w-]{40,}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('refuses a change without the CSRF token or with a forged one, and changes nothing', async (ctx) => {
      if (!target) return ctx.skip();
      const agent = await signedIn(app.url, 'agent');
      const body = { requestText: '来电咨询社保转移', category: 'social_insurance' };
      const before = (await agent.get('/api/desk/tickets')).body.total;
      const missing = await agent.call('POST', '/api/desk/tickets', body, { csrf: null });
      const forged = await agent.call('POST', '/api/desk/tickets', body, { csrf: 'forged-token-0123456789-abcdefghijklmnopq' });
      const otherSessions = await agent.call('POST', '/api/desk/tickets', body, { csrf: (await signedIn(app.url, 'agent')).csrf });
      for (const refused of [missing, forged, otherSessions]) expect(refused).toMatchObject({ status: 403, body: { error: { code: 'CsrfFailed' } } });
      expect((await agent.get('/api/desk/tickets')).body.total).toBe(before);
      expect((await agent.post('/api/desk/tickets', body)).status).toBe(201);
    });

    it('refuses a sign-in posted from another site', async (ctx) => {
      if (!target) return ctx.skip();
      const res = await new DeskClient(app.url).call(
        'POST',
        '/api/desk/session',
        { username: FIRST_ADMIN.username, password: NEW_PASSWORD },
        { headers: { origin: 'https://evil.example' } },
      );
      expect(res.status).toBe(403);
    });

    it.each([
      ['idle', { last_seen_at: new Date(Date.now() - 31 * 60_000).toISOString() }],
      ['past its absolute end', { expires_at: new Date(Date.now() - 1000).toISOString() }],
    ])('signs out a session that is %s', async (_name, patch) => {
      if (!target) return;
      const agent = await signedIn(app.url, 'agent');
      expect((await agent.get('/api/desk/tickets')).status).toBe(200);
      await app.db.kysely.updateTable('desk_sessions').set(patch).where('account_id', '=', agent.user.id).execute();
      const res = await agent.get('/api/desk/tickets');
      expect(res).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized', message: 'desk: 请先登录（登录已过期或尚未登录）' } } });
      expect(await app.db.kysely.selectFrom('desk_sessions').select('id').where('account_id', '=', agent.user.id).execute()).toEqual([]);
    });

    it('does not count the page’s own refreshes as activity, so an open desk still goes idle', async (ctx) => {
      if (!target) return ctx.skip();
      const agent = await signedIn(app.url, 'agent');
      const old = new Date(Date.now() - 20 * 60_000).toISOString();
      const lastSeen = async () =>
        (await app.db.kysely.selectFrom('desk_sessions').select('last_seen_at').where('account_id', '=', agent.user.id).executeTakeFirstOrThrow()).last_seen_at;
      await app.db.kysely.updateTable('desk_sessions').set({ last_seen_at: old }).where('account_id', '=', agent.user.id).execute();
      expect((await agent.call('GET', '/api/desk/tickets', undefined, { headers: { 'x-desk-background': '1' } })).status).toBe(200);
      expect(await lastSeen()).toBe(old);
      expect((await agent.get('/api/desk/tickets')).status).toBe(200);
      expect(await lastSeen()).not.toBe(old);
    });

    it('signs out: the cookie is cleared and the session no longer works', async (ctx) => {
      if (!target) return ctx.skip();
      const agent = await signedIn(app.url, 'agent');
      const stolen = agent.cookie;
      const out = await agent.post('/api/desk/session/logout');
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      const replay = await fetch(`${app.url}/api/desk/tickets`, { headers: { cookie: stolen ?? '' } });
      expect(replay.status).toBe(401);
    });

    it('signs every other session out when the password changes', async (ctx) => {
      if (!target) return ctx.skip();
      const agent = await signedIn(app.url, 'agent');
      const laptop = new DeskClient(app.url);
      await laptop.login(agent.user.username, NEW_PASSWORD);
      await agent.post('/api/desk/session/password', { current: NEW_PASSWORD, next: 'Third-Passw0rd!!' });
      expect((await laptop.get('/api/desk/tickets')).status).toBe(401);
      expect((await agent.get('/api/desk/tickets')).status).toBe(200);
    });

    it('keeps the admin token working for scripts, without a cookie or CSRF token', async (ctx) => {
      if (!target) return ctx.skip();
      const created = await tokenCall(app.url, 'POST', '/api/desk/tickets', { requestText: '脚本导入的工单', category: 'tax' });
      expect(created.status).toBe(201);
      const wrong = await fetch(`${app.url}/api/desk/tickets`, { headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}x` } });
      expect(wrong.status).toBe(401);
    });
  });
}

authSuite('SQLite', async () => sqliteDatabase());
authSuite('PostgreSQL', postgresDatabase);

describe('desk sign-in attempts per address', () => {
  it('answers 429 with Retry-After once an address has tried too often', async () => {
    const target = sqliteDatabase();
    const app = await startTestApp({ databaseUrl: target.url, env: deskEnv({ DESK_LOGIN_ATTEMPTS_PER_ADDRESS: '4', DESK_LOGIN_MAX_FAILURES: '100' }) });
    try {
      const guest = new DeskClient(app.url);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await guest.login(`someone${i}`, 'Wrong-Passw0rd!')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const limited = await guest.login(FIRST_ADMIN.username, FIRST_ADMIN.password);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await app.close();
      await target.drop();
    }
  });

  it('sets a Secure __Host- cookie when the desk is served over https', async () => {
    const target = sqliteDatabase();
    const app = await startTestApp({ databaseUrl: target.url, env: deskEnv({ DESK_COOKIE_SECURE: 'true' }) });
    try {
      const res = await new DeskClient(app.url).login(FIRST_ADMIN.username, FIRST_ADMIN.password);
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-lineone_desk=[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/);
    } finally {
      await app.close();
      await target.drop();
    }
  });
});
