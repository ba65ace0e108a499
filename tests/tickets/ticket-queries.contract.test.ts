// Reads on SQLite and PostgreSQL: the chat's look-ups (who may see what), the desk's queue and counts, the on-time
// rate, and the overdue watcher.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../tickets/model.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { agent, alice, bob, clerk, MONDAY_10AM, openHarness, type TicketHarness } from './support.ts';

const TABLES = ['tickets', 'ticket_events', 'ticket_requesters', 'ticket_day_sequences', 'redlist_enterprises', 'test_ticket_notices'];

function queriesContract(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`ticket reads on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let h: TicketHarness;
    beforeAll(async () => {
      target = await make();
      if (target) h = await openHarness(target);
    });
    afterAll(async () => {
      await h?.close();
      await target?.drop();
    });
    beforeEach(async (ctx) => {
      if (!target) return ctx.skip();
      for (const table of TABLES) await h.db.kysely.deleteFrom(table).execute();
      h.clock.set(MONDAY_10AM);
    });

    const create = (overrides: Record<string, unknown> = {}) =>
      h.tickets.service.create(
        { requestText: '企业职工医保缴费基数怎么申报', category: 'medical_insurance', requester: alice, contactMobile: '13800138000', ...overrides },
        agent,
      );
    const act = (t: Ticket, command: Parameters<TicketHarness['tickets']['service']['act']>[1], actor = agent) =>
      h.tickets.service.act(t.number, command, { actor, expectedVersion: t.version });

    describe('chat look-ups', () => {
      it('shows a ticket to the channel identity that raised it, typed loosely, without internal data', async () => {
        const t = await act(await create(), { action: 'note', text: '内部备注：来电人情绪激动' });
        const status = await h.tickets.lookups.forRequester(t.number.toLowerCase().replace('-', ' '), alice);
        expect(status).toEqual({
          number: t.number,
          state: 'new',
          type: 'consultation',
          category: 'medical_insurance',
          categoryLabel: '医保',
          departmentName: null,
          createdAt: t.createdAt,
          updatedAt: t.updatedAt,
          dueAt: t.dueAt,
          reply: null,
          mergedInto: null,
          satisfaction: null,
          awaitingRating: false,
          version: 2,
        });
        expect(JSON.stringify(status)).not.toContain('内部备注');
      });

      it.each([
        ['another user on the same channel', () => ({ channelId: alice.channelId, userId: 'dl_mallory' })],
        ['the same user id on another channel', () => ({ channelId: 'wechat-oa', userId: alice.userId })],
      ])('answers %s exactly like a number that does not exist', async (_name, who) => {
        const t = await create();
        expect(await h.tickets.lookups.forRequester(t.number, who())).toBeUndefined();
        expect(await h.tickets.lookups.forRequester('QY20261130-0999', who())).toBeUndefined();
      });

      it('shows a ticket to whoever gives its mobile number, and nothing for a wrong or malformed one', async () => {
        const t = await create();
        expect((await h.tickets.lookups.forMobile(t.number, '+86 138 0013 8000'))?.number).toBe(t.number);
        for (const mobile of ['13900139000', '138', "13800138000' or '1'='1"]) expect(await h.tickets.lookups.forMobile(t.number, mobile)).toBeUndefined();
        expect(await h.tickets.lookups.forMobile('not a number', '13800138000')).toBeUndefined();
      });

      it("lists a requester's recent tickets, newest first, and offers the survey once resolved", async () => {
        const first = await create();
        h.clock.advanceHours(1);
        const second = await act(await create({ requestText: '公积金提取' }), { action: 'resolve', reply: '可以在公积金APP办理。' });
        await h.tickets.service.create({ requestText: '别人的工单', category: 'tax', requester: bob }, agent);
        const recent = await h.tickets.lookups.recent(alice);
        expect(recent.map((s) => [s.number, s.state, s.awaitingRating])).toEqual([
          [second.number, 'resolved', true],
          [first.number, 'new', false],
        ]);
        expect(recent[0]?.reply?.text).toBe('可以在公积金APP办理。');
      });
    });

    describe('desk queue', () => {
      async function seed() {
        await h.tickets.redList.import([{ creditCode: '91350100M000100Y43', name: '福州示例科技有限公司', tier: 'leading' }]);
        const a = await act(await create({ enterpriseName: '甲公司%_' }), { action: 'dispatch' });
        const b = await create({ category: 'tax', type: 'complaint', creditCode: '91350100M000100Y43', enterpriseName: '福州示例科技有限公司' });
        const c = await create({ priority: 'urgent', category: 'housing_fund', requestText: '<b>公积金</b> 100% 提取', contactMobile: '13912345678' });
        const d = await act(await create({ requestText: '骚扰电话' }), { action: 'close', reason: '无效诉求' });
        return { a, b, c, d };
      }

      it.each([
        ['every ticket, urgent first, then red list, then due time', {}, ['c', 'b', 'a', 'd']],
        ['by state', { filter: { states: ['dispatched'] } }, ['a']],
        ['by department', { filter: { department: 'hrss' } }, []],
        ['by category', { filter: { category: 'tax' } }, ['b']],
        ['by priority', { filter: { priority: 'urgent' } }, ['c']],
        ['red list only', { filter: { redList: true } }, ['b']],
        ['not red list', { filter: { redList: false } }, ['c', 'a', 'd']],
        ['open and not red list', { filter: { redList: false, states: ['new', 'dispatched'] } }, ['c', 'a']],
        ['text: enterprise name with LIKE wildcards taken literally', { filter: { q: '甲公司%_' } }, ['a']],
        ['text: a wildcard alone matches only a literal %', { filter: { q: '%' } }, ['c', 'a']],
        ['text: HTML in the request', { filter: { q: '<b>公积金</b>' } }, ['c']],
        ['text: part of a mobile number', { filter: { q: '912345' } }, ['c']],
        ['text: a ticket number', { filter: { q: 'qy20261130 0002' } }, ['b']],
        ['newest first', { sort: 'created', order: 'desc' }, ['d', 'c', 'b', 'a']],
        ['second page of two', { sort: 'created', order: 'asc', page: 2, pageSize: 2 }, ['c', 'd']],
      ] as const)('%s', async (_name, options, expected) => {
        const seeded = await seed();
        const byNumber = new Map(Object.entries(seeded).map(([k, v]) => [v?.number, k]));
        const page = await h.tickets.queries.list(options as never);
        expect(page.items.map((i) => byNumber.get(i.number))).toEqual(expected);
      });

      it('counts per state under a filter, and overdue tickets', async () => {
        await seed();
        h.clock.set('2026-12-01T10:00:00+08:00');
        const counts = await h.tickets.queries.counts({}, h.clock.now);
        expect(counts).toMatchObject({ total: 4, overdue: 1, byState: { new: 2, dispatched: 1, closed: 1 } });
        expect((await h.tickets.queries.list({ filter: { overdue: true }, now: h.clock.now })).items.map((i) => i.priority)).toEqual(['urgent']);
        expect((await h.tickets.queries.counts({ category: 'tax' }, h.clock.now)).total).toBe(1);
      });

      it('reports the on-time rate: resolved before due ÷ resolved', async () => {
        const [a, b, c] = [await create(), await create(), await create()];
        await act(a, { action: 'resolve', reply: '已答复' });
        h.clock.set('2026-12-10T10:00:00+08:00');
        await act(b, { action: 'resolve', reply: '已答复，晚了' });
        expect(await h.tickets.queries.onTimeRate()).toEqual({ resolved: 2, onTime: 1, rate: 0.5 });
        expect(await h.tickets.queries.onTimeRate({ from: new Date('2026-12-05T00:00:00Z') })).toEqual({ resolved: 1, onTime: 0, rate: 0 });
        expect(await h.tickets.queries.onTimeRate({ department: 'tax' })).toEqual({ resolved: 0, onTime: 0, rate: null });
        expect(c.state).toBe('new');
      });
    });

    describe('overdue watcher', () => {
      it('reminds the department once per overdue working day, and counts', async () => {
        const late = await act(await create(), { action: 'dispatch' });
        const fine = await act(await create({ type: 'complaint' }), { action: 'dispatch' });
        const dispatched = await act(await create(), { action: 'dispatch' });
        const resolved = await act(await act(dispatched, { action: 'accept' }, clerk), { action: 'resolve', reply: '已办结' }, clerk);
        const run = (at: string) => {
          h.clock.set(at);
          return h.tickets.watcher.runOnce(h.clock.now);
        };
        expect(await run('2026-12-03T09:59:00+08:00')).toMatchObject({ overdue: 0, reminded: 0 });
        expect(await run('2026-12-03T10:30:00+08:00')).toMatchObject({ overdue: 1, reminded: 1, alreadyReminded: 0 });
        expect(await run('2026-12-03T17:00:00+08:00')).toMatchObject({ overdue: 1, reminded: 0, alreadyReminded: 1 });
        // One working day after the due time (Friday 10:00) is the next overdue period.
        expect(await run('2026-12-04T10:30:00+08:00')).toMatchObject({ overdue: 1, reminded: 1 });
        const trail = (await h.tickets.queries.detail(late.number))!.events.filter((e) => e.action === 'remind');
        expect(trail).toHaveLength(2);
        expect(trail[0]).toMatchObject({
          actor: { kind: 'system' },
          note: '工单已超过办理时限（12月3日（周四）10:00），请尽快办理并答复。',
          data: { overdue: true },
        });
        expect((await h.tickets.queries.detail(fine.number))!.events.map((e) => e.action)).toEqual(['create', 'dispatch']);
        expect(h.tickets.watcher.lastRun).toMatchObject({ overdue: 1, reminded: 1 });
        expect((await h.tickets.queries.detail(resolved.number))!.events.map((e) => e.action)).not.toContain('remind');
      });

      it('starts counting again after an approved extension moves the due time', async () => {
        let t = await act(await act(await create(), { action: 'dispatch' }), { action: 'accept' }, clerk);
        h.clock.set('2026-12-02T10:00:00+08:00');
        t = await act(t, { action: 'request_extension', workingDays: 2, reason: '需要补充材料' }, clerk);
        t = await act(t, { action: 'approve_extension' });
        h.clock.set('2026-12-04T10:30:00+08:00');
        expect(await h.tickets.watcher.runOnce(h.clock.now)).toMatchObject({ overdue: 0 });
        h.clock.set('2026-12-07T10:30:00+08:00');
        expect(await h.tickets.watcher.runOnce(h.clock.now)).toMatchObject({ overdue: 1, reminded: 1 });
      });
    });
  });
}

queriesContract('SQLite', async () => sqliteDatabase());
queriesContract('PostgreSQL', postgresDatabase);
