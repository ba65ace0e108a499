// Who may do what, on both engines: anonymous calls are refused everywhere, each role reaches only its pages and
// actions, and a department handler sees its own department's tickets only: another department's ticket, opened
// by URL, reads exactly like one that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type DeskClient, deskEnv, signedIn, tokenCall } from './support.ts';

const PROTECTED: [string, string][] = [
  ['GET', '/api/desk/catalog'],
  ['GET', '/api/desk/tickets'],
  ['GET', '/api/desk/tickets/counts'],
  ['GET', '/api/desk/tickets/QY20261130-0001'],
  ['POST', '/api/desk/tickets'],
  ['POST', '/api/desk/tickets/QY20261130-0001/actions/note'],
  ['POST', '/api/desk/tickets/QY20261130-0001/assign'],
  ['GET', '/api/desk/live'],
  ['POST', '/api/desk/tickets/QY20261130-0001/live'],
  ['GET', '/api/desk/events'],
  ['POST', '/api/desk/presence'],
  ['GET', '/api/desk/canned'],
  ['GET', '/api/desk/dashboard'],
  ['GET', '/api/desk/export/tickets.csv'],
  ['GET', '/api/desk/accounts'],
  ['POST', '/api/desk/accounts'],
  ['GET', '/api/desk/redlist'],
  ['GET', '/api/desk/stats/on-time'],
];

function rolesSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`desk roles on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let app: App;
    let agent: DeskClient;
    let supervisor: DeskClient;
    let hrss: DeskClient;
    let transport: DeskClient;
    let admin: DeskClient;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
      agent = await signedIn(app.url, 'agent', { name: '坐席小王' });
      supervisor = await signedIn(app.url, 'supervisor');
      hrss = await signedIn(app.url, 'handler', { department: 'hrss', name: '人社局经办' });
      transport = await signedIn(app.url, 'handler', { department: 'transport' });
      admin = await signedIn(app.url, 'admin');
    });
    afterAll(async () => {
      await app?.close();
      await target?.drop();
    });

    /** A ticket taken by phone and dispatched to the category's department. */
    async function dispatched(category: string, text: string): Promise<{ number: string; version: number }> {
      const created = await agent.post('/api/desk/tickets', { requestText: text, category });
      const res = await agent.post(`/api/desk/tickets/${created.body.ticket.number}/actions/dispatch`, { expectedVersion: 1 });
      return { number: res.body.ticket.number, version: res.body.ticket.version };
    }

    it('refuses every desk API to an anonymous caller with 401', async (ctx) => {
      if (!target) return ctx.skip();
      for (const [method, path] of PROTECTED) {
        const res = await fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    });

    it('keeps each role to its own pages (403 otherwise)', async (ctx) => {
      if (!target) return ctx.skip();
      const forbidden = async (client: DeskClient, method: string, path: string, body?: unknown) => {
        const res = await client.call(method, path, body);
        expect(res.status, `${client.user.role} ${method} ${path}`).toBe(403);
        expect(res.body.error.message).toBe('desk: 您的角色无权进行此操作');
      };
      await forbidden(agent, 'GET', '/api/desk/accounts');
      await forbidden(agent, 'GET', '/api/desk/dashboard');
      await forbidden(agent, 'GET', '/api/desk/export/tickets.csv');
      await forbidden(agent, 'POST', '/api/desk/canned', { title: 'x', text: 'y' });
      await forbidden(supervisor, 'GET', '/api/desk/accounts');
      await forbidden(supervisor, 'POST', '/api/desk/redlist', '');
      await forbidden(hrss, 'GET', '/api/desk/live');
      await forbidden(hrss, 'POST', '/api/desk/tickets', { requestText: '来电', category: 'tax' });
      await forbidden(hrss, 'GET', '/api/desk/dashboard');
      expect((await supervisor.get('/api/desk/dashboard')).status).toBe(200);
      expect((await admin.get('/api/desk/accounts')).status).toBe(200);
      expect((await agent.get('/api/desk/canned')).status).toBe(200);
    });

    it('lets each role take only its own actions on a ticket', async (ctx) => {
      if (!target) return ctx.skip();
      const t = await dispatched('social_insurance', '社保缴费基数怎么调整');
      // An agent does not sign for a department, and does not decide on extensions.
      expect((await agent.post(`/api/desk/tickets/${t.number}/actions/accept`, { expectedVersion: t.version })).status).toBe(403);
      const accepted = await hrss.post(`/api/desk/tickets/${t.number}/actions/accept`, { expectedVersion: t.version });
      expect(accepted.body.ticket).toMatchObject({ state: 'accepted' });
      // A department does not dispatch or close.
      expect((await hrss.post(`/api/desk/tickets/${t.number}/actions/close`, { expectedVersion: 3, reason: 'x' })).status).toBe(403);
      const asked = await hrss.post(`/api/desk/tickets/${t.number}/actions/request_extension`, { expectedVersion: 3, workingDays: 2, reason: '需要调取档案' });
      expect(asked.status).toBe(200);
      expect((await agent.post(`/api/desk/tickets/${t.number}/actions/approve_extension`, { expectedVersion: 4 })).status).toBe(403);
      expect((await supervisor.post(`/api/desk/tickets/${t.number}/actions/approve_extension`, { expectedVersion: 4 })).status).toBe(200);
      // The detail offers each role only its own buttons.
      expect((await hrss.get(`/api/desk/tickets/${t.number}`)).body.allowedActions).toEqual([
        'return',
        'start',
        'reply',
        'request_extension',
        'resolve',
        'note',
      ]);
    });

    it('shows a handler only its department: another department’s ticket reads as not found', async (ctx) => {
      if (!target) return ctx.skip();
      const mine = await dispatched('social_insurance', '养老保险转移接续');
      const theirs = await dispatched('transport', '网约车投诉<script>alert(1)</script>');
      const list = await hrss.get('/api/desk/tickets?pageSize=100');
      const numbers = list.body.items.map((i: { number: string }) => i.number);
      expect(numbers).toContain(mine.number);
      expect(numbers).not.toContain(theirs.number);
      expect(list.body.items.every((i: { department: string }) => i.department === 'hrss')).toBe(true);
      // Asking for the other department by filter changes nothing: the handler's own department always applies.
      expect((await hrss.get('/api/desk/tickets?department=transport')).body.items.every((i: { department: string }) => i.department === 'hrss')).toBe(true);
      const missing = await hrss.get('/api/desk/tickets/QY20991231-9999');
      for (const res of [
        await hrss.get(`/api/desk/tickets/${theirs.number}`),
        await hrss.post(`/api/desk/tickets/${theirs.number}/actions/accept`, { expectedVersion: theirs.version }),
        await hrss.post('/api/desk/presence', { ticket: theirs.number }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe(missing.body.error.code);
        expect(res.body.error.message).toBe(`desk: ticket ${theirs.number} not found`);
      }
      expect((await transport.get(`/api/desk/tickets/${theirs.number}`)).body.ticket.requestText).toBe('网约车投诉<script>alert(1)</script>');
      const counts = await hrss.get('/api/desk/tickets/counts');
      expect(counts.body.byDepartment).toEqual({ hrss: counts.body.open });
    });

    it('lets an agent claim a ticket and a supervisor hand it to someone, and filters mine / unassigned', async (ctx) => {
      if (!target) return ctx.skip();
      const created = await tokenCall(app.url, 'POST', '/api/desk/tickets', { requestText: '税务发票咨询', category: 'tax' });
      const number = created.body.ticket.number;
      const unassigned = async () => (await agent.get('/api/desk/tickets?assigned=none&pageSize=100')).body.items.map((i: { number: string }) => i.number);
      expect(await unassigned()).toContain(number);
      expect((await agent.post(`/api/desk/tickets/${number}/assign`, { to: 'me' })).body.assignee).toMatchObject({
        accountId: agent.user.id,
        name: '坐席小王',
      });
      expect(await unassigned()).not.toContain(number);
      expect((await agent.get('/api/desk/tickets?assigned=me')).body.items.map((i: { number: string }) => i.number)).toContain(number);
      expect((await agent.post(`/api/desk/tickets/${number}/assign`, { to: supervisor.user.id })).status).toBe(403);
      expect((await supervisor.post(`/api/desk/tickets/${number}/assign`, { to: supervisor.user.id })).body.assignee.accountId).toBe(supervisor.user.id);
      const counts = (await supervisor.get('/api/desk/tickets/counts')).body;
      expect(counts.mine).toBeGreaterThanOrEqual(1);
      expect(counts).toHaveProperty('unassigned');
      // The first agent to act on an unassigned ticket takes it.
      const other = await tokenCall(app.url, 'POST', '/api/desk/tickets', { requestText: '公积金提取', category: 'housing_fund' });
      await agent.post(`/api/desk/tickets/${other.body.ticket.number}/actions/note`, { expectedVersion: 1, text: '已回电' });
      expect((await agent.get(`/api/desk/tickets/${other.body.ticket.number}`)).body.assignee.accountId).toBe(agent.user.id);
    });

    it('lets the administrator manage accounts, refusing what would break the desk', async (ctx) => {
      if (!target) return ctx.skip();
      const base = { username: 'clerk-wang', displayName: '王办事员', role: 'handler', department: 'hrss', password: 'Temporary-Passw0rd!' };
      expect((await admin.post('/api/desk/accounts', base)).status).toBe(201);
      expect((await admin.post('/api/desk/accounts', base)).status).toBe(409);
      expect((await admin.post('/api/desk/accounts', { ...base, username: 'clerk-li', department: 'nowhere' })).status).toBe(400);
      expect((await admin.post('/api/desk/accounts', { ...base, username: 'clerk-zhao', password: '12345' })).body.error.code).toBe('WeakPassword');
      expect((await admin.post('/api/desk/accounts', { ...base, username: '<b>x</b>' })).status).toBe(400);
      // The machine token disables every administrator but one; the last one cannot go.
      const admins = (await tokenCall(app.url, 'GET', '/api/desk/accounts')).body.accounts.filter((a: { role: string }) => a.role === 'admin');
      for (const a of admins.slice(1)) expect((await tokenCall(app.url, 'POST', `/api/desk/accounts/${a.id}`, { disabled: true })).status).toBe(200);
      const refused = await tokenCall(app.url, 'POST', `/api/desk/accounts/${admins[0].id}`, { role: 'agent' });
      expect(refused).toMatchObject({ status: 409, body: { error: { message: 'desk: 不能停用或降级最后一个管理员' } } });
      for (const a of admins.slice(1)) await tokenCall(app.url, 'POST', `/api/desk/accounts/${a.id}`, { disabled: false });
      const departments = (await tokenCall(app.url, 'GET', '/api/desk/departments')).body.departments;
      expect(departments.find((d: { code: string }) => d.code === 'hrss').handlers).toContain('王办事员');
    });
  });
}

rolesSuite('SQLite', async () => sqliteDatabase());
rolesSuite('PostgreSQL', postgresDatabase);
