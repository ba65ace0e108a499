// The desk's ticket API over a real restify server on a random port, called with fetch, on both engines.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminTokenAuth } from '../../desk/api/auth.ts';
import { registerTicketRoutes } from '../../desk/api/ticket-routes.ts';
import { createServer } from '../../http/server.ts';
import { createLogger } from '../../log/logger.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { alice, MONDAY_10AM, openHarness, type TicketHarness } from '../tickets/support.ts';

const TOKEN = 'desk-admin-token-for-tests-0123456789abcdef';
const TABLES = ['tickets', 'ticket_events', 'ticket_requesters', 'ticket_day_sequences', 'test_ticket_notices'];
const MAX_BODY = 16 * 1024;

function apiSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`desk ticket API on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let h: TicketHarness;
    let server: Server;
    let base = '';

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      h = await openHarness(target);
      const log = createLogger('silent');
      server = createServer({ corsOrigins: '*', maxBodyBytes: MAX_BODY }, log);
      registerTicketRoutes(server, { tickets: h.tickets, log, auth: adminTokenAuth(TOKEN), clock: h.clock.read });
      server.listen(0, '127.0.0.1');
      await once(server.server, 'listening');
      base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      await h?.close();
      await target?.drop();
    });
    beforeEach(async (ctx) => {
      if (!target) return ctx.skip();
      for (const table of TABLES) await h.db.kysely.deleteFrom(table).execute();
      h.clock.set(MONDAY_10AM);
    });

    const call = async (method: string, path: string, body?: unknown, init: { token?: string | null; raw?: string; type?: string } = {}) => {
      const headers: Record<string, string> = { 'content-type': init.type ?? 'application/json' };
      if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
      const res = await fetch(`${base}${path}`, { method, headers, body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const seed = (text = '公司缴纳社保的基数怎么申报', overrides = {}) =>
      h.tickets.service.create(
        {
          requestText: text,
          category: 'social_insurance',
          requester: alice,
          contactMobile: '13800138000',
          transcript: [{ from: 'user', text, at: MONDAY_10AM }],
          ...overrides,
        },
        { kind: 'user', id: alice.userId },
      );
    const post = (number: string, action: string, body: unknown) => call('POST', `/api/desk/tickets/${number}/actions/${action}`, body);

    it.each([
      ['no token', null],
      ['a wrong token', 'not-the-token'],
      ['the token with one character changed', `${TOKEN.slice(0, -1)}X`],
    ])('refuses %s with 401 in the one error shape', async (_name, token) => {
      expect(await call('GET', '/api/desk/tickets', undefined, { token })).toEqual({
        status: 401,
        body: { error: { code: 'Unauthorized', message: 'desk: missing or invalid admin token' } },
      });
    });

    it('lists, filters, sorts and paginates the queue, and counts per state', async () => {
      const a = await seed();
      const b = await seed('网约车平台乱收费', { category: 'transport', type: 'complaint' });
      await h.tickets.service.act(a.number, { action: 'dispatch' }, { actor: { kind: 'agent', id: 'x' }, expectedVersion: 1 });
      const all = await call('GET', '/api/desk/tickets?pageSize=1&sort=created&order=desc');
      expect(all).toMatchObject({
        status: 200,
        body: { total: 2, page: 1, pageSize: 1, items: [{ number: b.number, type: 'complaint', excerpt: '网约车平台乱收费' }] },
      });
      const dispatched = await call('GET', '/api/desk/tickets?state=dispatched,accepted&department=hrss');
      expect(dispatched.body.items.map((i: { number: string }) => i.number)).toEqual([a.number]);
      expect((await call('GET', `/api/desk/tickets?q=${encodeURIComponent('网约车')}`)).body.total).toBe(1);
      expect((await call('GET', '/api/desk/tickets/counts?category=transport')).body).toMatchObject({
        total: 1,
        overdue: 0,
        byState: { new: 1, dispatched: 0 },
      });
    });

    it.each([
      ['a page size over the cap', '?pageSize=1000', 'pageSize'],
      ['an unknown state', '?state=new,lost', 'state'],
      ['an unknown parameter', '?colour=red', 'colour'],
      ['a non-boolean flag', '?redList=yes', 'redList'],
      ['a repeated parameter', '?category=a&category=b', 'category'],
      ['an oversized search', `?q=${'x'.repeat(101)}`, 'q'],
    ])('answers 400 for %s, naming the field', async (_name, query, field) => {
      const res = await call('GET', `/api/desk/tickets${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BadArgument');
      expect(res.body.error.message).toContain(field);
    });

    it('shows a ticket with its transcript, events, requesters and the actions allowed now', async () => {
      const t = await seed('<script>alert(1)</script>社保怎么交');
      const res = await call('GET', `/api/desk/tickets/${t.number}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ticket: {
          number: t.number,
          requestText: '<script>alert(1)</script>社保怎么交',
          transcript: [{ from: 'user', text: '<script>alert(1)</script>社保怎么交' }],
        },
        events: [{ version: 1, action: 'create' }],
        requesters: [{ channelId: alice.channelId, userId: alice.userId, mobile: '13800138000' }],
        allowedActions: ['dispatch', 'reply', 'resolve', 'close', 'merge', 'note', 'recategorize'],
        categoryLabel: '社保',
        departmentName: null,
      });
    });

    it.each(['QY20261130-0404', 'nonsense', '..%2F..%2Fetc'])('answers 404 for ticket %s', async (number) => {
      expect((await call('GET', `/api/desk/tickets/${number}`)).body.error.code).toBe('NotFound');
    });

    it('takes a ticket by phone, and refuses a bad mobile number in Chinese', async () => {
      const created = await call('POST', '/api/desk/tickets', {
        requestText: '来电反映公积金提取被驳回',
        category: 'housing_fund',
        contactMobile: '13912345678',
      });
      expect(created).toMatchObject({ status: 201, body: { ticket: { state: 'new', category: 'housing_fund', contactMobile: '13912345678' } } });
      const refused = await call('POST', '/api/desk/tickets', { requestText: '来电', contactMobile: '1391234567' });
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', message: expect.stringContaining('手机号码应为 11 位') } } });
      const wrongType = await call('POST', '/api/desk/tickets', { requestText: 42 });
      expect(wrongType).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('requestText') } } });
      expect((await call('GET', '/api/desk/tickets')).body.total).toBe(1);
    });

    it('runs the transitions: dispatch, reply to the user, an internal note, a category correction, resolve', async () => {
      const t = await seed();
      let res = await post(t.number, 'dispatch', { expectedVersion: 1 });
      expect(res).toMatchObject({ status: 200, body: { ticket: { state: 'dispatched', department: 'hrss', version: 2 } } });
      res = await post(t.number, 'accept', { expectedVersion: 2 });
      res = await post(t.number, 'reply', { expectedVersion: 3, text: '您好，缴费基数在每年7月申报。' });
      res = await post(t.number, 'note', { expectedVersion: 4, text: '已电话联系企业人事' });
      res = await post(t.number, 'recategorize', { expectedVersion: 5, category: 'tax', note: '涉及社保费征收' });
      res = await post(t.number, 'resolve', { expectedVersion: 6 });
      expect(res).toMatchObject({
        status: 200,
        body: { ticket: { state: 'resolved', category: 'tax', reply: { text: '您好，缴费基数在每年7月申报。', by: '管理员' } } },
      });
      const detail = await call('GET', `/api/desk/tickets/${t.number}`);
      expect(detail.body.events.map((e: { action: string }) => e.action)).toEqual(['create', 'dispatch', 'accept', 'reply', 'note', 'recategorize', 'resolve']);
      expect(detail.body.events[4]).toMatchObject({ note: '已电话联系企业人事', actor: { kind: 'agent', id: 'admin' } });
      const kinds = (await h.notices.stored(h.db.kysely, t.number)).map((n) => n.notice.kind);
      expect(kinds).toEqual(['dispatched', 'answered', 'resolved']);
    });

    it.each([
      ['a stale version', 'dispatch', { expectedVersion: 7 }, 409, 'Conflict', 'expected version 7, it is now 1'],
      ['an illegal transition', 'accept', { expectedVersion: 1 }, 409, 'IllegalTransition', 'cannot accept ticket'],
      ['an unknown action', 'teleport', { expectedVersion: 1 }, 404, 'NotFound', 'no action "teleport"'],
      ['a missing expected version', 'dispatch', {}, 400, 'BadArgument', 'expectedVersion'],
      ['an unexpected field', 'note', { expectedVersion: 1, text: 'x', state: 'closed' }, 400, 'BadArgument', 'state'],
      ['a wrong type', 'request_extension', { expectedVersion: 1, workingDays: '3', reason: 'x' }, 400, 'BadArgument', 'workingDays'],
      ['an unknown department', 'dispatch', { expectedVersion: 1, department: 'nasa' }, 400, 'BadArgument', 'unknown department'],
    ])('answers %s with %i %s and changes nothing', async (_name, action, body, status, code, message) => {
      const t = await seed();
      const res = await post(t.number, action, body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toContain(message);
      expect((await call('GET', `/api/desk/tickets/${t.number}`)).body.ticket.version).toBe(1);
    });

    it('lets exactly one of two simultaneous changes win; the other gets 409', async () => {
      const t = await seed();
      const results = await Promise.all([
        post(t.number, 'dispatch', { expectedVersion: 1 }),
        post(t.number, 'close', { expectedVersion: 1, reason: '重复来电' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await call('GET', `/api/desk/tickets/${t.number}`)).body.events).toHaveLength(2);
    });

    it('refuses an oversized body (413) and a body that is not JSON (400), writing nothing', async () => {
      const t = await seed();
      const big = await post(t.number, 'note', { expectedVersion: 1, text: '长'.repeat(MAX_BODY) });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('PayloadTooLarge');
      const broken = await call('POST', `/api/desk/tickets/${t.number}/actions/note`, undefined, { raw: '{"expectedVersion": 1, "text": ' });
      expect(broken.status).toBe(400);
      expect((await call('GET', `/api/desk/tickets/${t.number}`)).body.ticket.version).toBe(1);
    });

    it('reports the on-time rate and the catalogue with its labels', async () => {
      const t = await seed();
      await post(t.number, 'resolve', { expectedVersion: 1, reply: '已解答' });
      expect((await call('GET', '/api/desk/stats/on-time?from=2026-11-01T00:00:00Z')).body).toEqual({ resolved: 1, onTime: 1, rate: 1 });
      expect((await call('GET', '/api/desk/stats/on-time?from=yesterday')).status).toBe(400);
      const catalog = (await call('GET', '/api/desk/catalog')).body;
      expect(catalog.labels.states.new).toBe('待受理');
      expect(catalog.categories).toContainEqual({ code: 'social_insurance', label: '社保', department: 'hrss', type: 'consultation' });
    });
  });
}

apiSuite('SQLite', async () => sqliteDatabase());
apiSuite('PostgreSQL', postgresDatabase);
