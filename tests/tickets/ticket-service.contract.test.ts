// The ticket store and service contract, run on SQLite and PostgreSQL: creation, numbering under concurrency,
// the lifecycle with its audit trail and notices, version conflicts, rollbacks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IllegalTransitionError, TicketNotFoundError, TicketValidationError, TicketVersionConflictError } from '../../tickets/errors.ts';
import type { Ticket } from '../../tickets/model.ts';
import { MAX_REQUEST_LENGTH } from '../../tickets/sanitize.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { agent, alice, bob, clerk, MONDAY_10AM, openHarness, type TicketHarness } from './support.ts';

const TABLES = ['tickets', 'ticket_events', 'ticket_requesters', 'ticket_day_sequences', 'redlist_enterprises', 'test_ticket_notices'];

export function ticketContract(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`ticket service on ${engine}`, () => {
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
      h.notices.failNext = false;
    });

    const create = (overrides: Record<string, unknown> = {}) =>
      h.tickets.service.create(
        { requestText: '公司社保缴费基数申报怎么操作', category: 'social_insurance', requester: alice, contactMobile: '13800138000', ...overrides },
        agent,
      );
    const act = (t: Ticket, command: Parameters<TicketHarness['tickets']['service']['act']>[1], actor = agent) =>
      h.tickets.service.act(t.number, command, { actor, expectedVersion: t.version });
    const events = async (number: string) => (await h.tickets.queries.detail(number))!.events;

    it('opens a ticket with a readable number, its due time, requester and first event', async () => {
      const t = await create({ enterpriseName: '福州示例科技有限公司', creditCode: '91350100M000100Y43' });
      expect(t.number).toBe('QY20261130-0001');
      expect(t).toMatchObject({ state: 'new', type: 'consultation', category: 'social_insurance', creditCheck: 'valid', version: 1 });
      // 咨询: 3 working days from Monday 10:00 is Thursday 10:00 (Shanghai).
      expect(t.dueAt).toBe(new Date('2026-12-03T10:00:00+08:00').toISOString());
      const stored = await h.tickets.queries.detail(t.number);
      expect(stored?.ticket).toEqual(t);
      expect(stored?.requesters).toEqual([{ ...alice, mobile: '13800138000' }]);
      expect(stored?.events).toMatchObject([{ version: 1, action: 'create', fromState: null, toState: 'new', actor: agent }]);
    });

    it.each([
      ['a valid code', '91350100M000100Y43', 'valid'],
      ['a code failing its check digit (kept for review)', '91350100M000100Y44', 'unverified'],
      ['no code (an individual)', null, 'none'],
    ])('records the credit code check: %s', async (_name, creditCode, check) => {
      const t = await create({ creditCode });
      expect(t.creditCheck).toBe(check);
    });

    it('numbers 50 concurrent tickets 0001–0050 with no duplicate and none lost', async () => {
      const created = await Promise.all(Array.from({ length: 50 }, (_, i) => create({ requestText: `并发请求 ${i}` })));
      const numbers = created.map((t) => t.number).sort();
      expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `QY20261130-${String(i + 1).padStart(4, '0')}`));
      expect((await h.tickets.queries.list({ pageSize: 100 })).total).toBe(50);
    });

    it('starts each Shanghai day at 0001 (00:30 in Shanghai is still the previous day in UTC)', async () => {
      await create();
      h.clock.set('2026-11-30T16:30:00Z');
      expect((await create()).number).toBe('QY20261201-0001');
    });

    it('follows the closed loop, one event per change, and tells the requester what they must hear', async () => {
      let t = await create();
      t = await act(t, { action: 'dispatch' });
      expect(t).toMatchObject({ state: 'dispatched', department: 'hrss', version: 2 });
      t = await act(t, { action: 'accept' }, clerk);
      t = await act(t, { action: 'start' }, clerk);
      t = await act(t, { action: 'reply', text: '请登录电子税务局，在“社保费申报”中填报缴费基数。' }, clerk);
      t = await act(t, { action: 'resolve' }, clerk);
      t = await act(t, { action: 'rate', satisfaction: 'satisfied', comment: '很快' }, { kind: 'user', id: alice.userId });
      t = await act(t, { action: 'close', reason: '回访满意，归档' });
      expect(t).toMatchObject({ state: 'closed', version: 8, satisfaction: { level: 'satisfied', comment: '很快' } });
      const trail = await events(t.number);
      expect(trail.map((e) => [e.version, e.action, e.fromState, e.toState])).toEqual([
        [1, 'create', null, 'new'],
        [2, 'dispatch', 'new', 'dispatched'],
        [3, 'accept', 'dispatched', 'accepted'],
        [4, 'start', 'accepted', 'in_progress'],
        [5, 'reply', 'in_progress', 'in_progress'],
        [6, 'resolve', 'in_progress', 'resolved'],
        [7, 'rate', 'resolved', 'visited'],
        [8, 'close', 'visited', 'closed'],
      ]);
      expect(trail[2]?.actor).toEqual(clerk);
      const notices = await h.notices.stored(h.db.kysely, t.number);
      expect(notices.map((n) => n.notice.kind)).toEqual(['dispatched', 'answered', 'resolved']);
      expect(notices[0]).toEqual({
        to: { channelId: alice.channelId, userId: alice.userId },
        notice: expect.objectContaining({ departmentName: '市人力资源和社会保障局', dueAt: t.dueAt }),
      });
      expect(notices[2]?.notice).toMatchObject({
        reply: '请登录电子税务局，在“社保费申报”中填报缴费基数。',
        survey: ['satisfied', 'basically_satisfied', 'dissatisfied'],
      });
    });

    it('refuses an illegal transition with a typed error and writes nothing', async () => {
      const t = await create();
      const refused = act(t, { action: 'accept' });
      await expect(refused).rejects.toBeInstanceOf(IllegalTransitionError);
      await expect(refused).rejects.toThrow(/^tickets: cannot accept ticket QY20261130-0001 \(state new\)/);
      expect((await h.tickets.queries.detail(t.number))?.ticket.version).toBe(1);
      expect(await events(t.number)).toHaveLength(1);
    });

    it('lets exactly one of two concurrent edits of the same version win', async () => {
      const t = await act(await create(), { action: 'dispatch' });
      const results = await Promise.allSettled([act(t, { action: 'accept' }, clerk), act(t, { action: 'return', reason: '不属于本单位职责' }, clerk)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(TicketVersionConflictError);
      expect(await events(t.number)).toHaveLength(3);
    });

    it('refuses a change based on a stale version, naming both versions', async () => {
      const t = await create();
      await act(t, { action: 'note', text: '来电人要求下午回电' });
      await expect(act(t, { action: 'dispatch' })).rejects.toThrow('expected version 1, it is now 2');
    });

    it('rolls the whole change back when storing a notice fails: no state change, no event, no notice', async () => {
      const t = await create();
      h.notices.failNext = true;
      await expect(act(t, { action: 'dispatch' })).rejects.toThrow('outbox unavailable');
      expect((await h.tickets.queries.detail(t.number))?.ticket).toMatchObject({ state: 'new', version: 1, department: null });
      expect(await events(t.number)).toHaveLength(1);
      expect(await h.notices.stored(h.db.kysely)).toEqual([]);
    });

    it('lets a department return a ticket within the return window only', async () => {
      const first = await act(await create(), { action: 'dispatch' });
      const returned = await act(first, { action: 'return', reason: '应由医保局办理' }, clerk);
      expect(returned).toMatchObject({ state: 'returned', department: null });
      const again = await act(returned, { action: 'dispatch', department: 'medical_insurance' });
      expect(again.department).toBe('medical_insurance');
      // Dispatched Monday 10:00; 2 working days end Wednesday 10:00.
      h.clock.set('2026-12-02T10:30:00+08:00');
      await expect(act(again, { action: 'return', reason: '太晚了' }, clerk)).rejects.toThrow(/return window ended/);
    });

    it('moves the due time when an extension requested in time is approved, and tells the user the new one', async () => {
      let t = await act(await act(await create(), { action: 'dispatch' }), { action: 'accept' }, clerk);
      t = await act(t, { action: 'request_extension', workingDays: 5, reason: '需要调取历史缴费档案' }, clerk);
      const newDue = new Date('2026-12-10T10:00:00+08:00').toISOString();
      expect(t.pendingExtension).toMatchObject({ dueAt: newDue, reason: '需要调取历史缴费档案' });
      await expect(act(t, { action: 'request_extension', workingDays: 1, reason: '再加一天' }, clerk)).rejects.toThrow(/already waiting/);
      const before = t.dueAt;
      t = await act(t, { action: 'approve_extension' });
      expect(t).toMatchObject({ dueAt: newDue, pendingExtension: null });
      const [, notice] = await h.notices.stored(h.db.kysely, t.number);
      expect(notice?.notice).toMatchObject({ kind: 'extension_approved', dueAt: newDue, previousDueAt: before });
    });

    it('refuses an extension asked for after the due time', async () => {
      const t = await act(await create(), { action: 'dispatch' });
      h.clock.set('2026-12-03T11:00:00+08:00');
      await expect(act(t, { action: 'request_extension', workingDays: 2, reason: '来不及' }, clerk)).rejects.toThrow(/before the due time/);
    });

    it('reopens a resolved ticket the user was not satisfied with: back to the department with a new time limit', async () => {
      let t = await act(await create(), { action: 'dispatch' });
      t = await act(await act(t, { action: 'accept' }, clerk), { action: 'resolve', reply: '已电话告知。' }, clerk);
      t = await act(t, { action: 'rate', satisfaction: 'dissatisfied', comment: '没有解决' }, { kind: 'user', id: alice.userId });
      h.clock.set('2026-12-07T09:00:00+08:00');
      t = await act(t, { action: 'reopen', reason: '用户不满意，重办' });
      expect(t).toMatchObject({ state: 'dispatched', department: 'hrss', reply: null, satisfaction: null, resolvedAt: null });
      expect(t.dueAt).toBe(new Date('2026-12-09T18:00:00+08:00').toISOString());
      const kinds = (await h.notices.stored(h.db.kysely, t.number)).map((n) => n.notice.kind);
      expect(kinds).toEqual(['dispatched', 'resolved', 'reopened']);
      await expect(act(t, { action: 'resolve' }, clerk)).rejects.toThrow(/not allowed|allowed only|reply first/);
    });

    it('merges a duplicate into an open ticket: both requesters hear the answer', async () => {
      const primary = await act(await create(), { action: 'dispatch' });
      const duplicate = await h.tickets.service.create(
        { requestText: '同一件事：社保基数怎么报', category: 'social_insurance', requester: bob, contactMobile: '13900139000' },
        agent,
      );
      h.clock.advanceHours(1);
      const merged = await act(duplicate, { action: 'merge', into: primary.number });
      expect(merged).toMatchObject({ state: 'merged', mergedInto: primary.number });
      const detail = await h.tickets.queries.detail(primary.number);
      expect(detail?.requesters.map((r) => r.userId)).toEqual([alice.userId, bob.userId]);
      expect(detail?.events.at(-1)).toMatchObject({ action: 'absorb', data: { from: duplicate.number } });
      await act(detail!.ticket, { action: 'reply', text: '基数在每年7月申报。' }, clerk);
      const answered = (await h.notices.stored(h.db.kysely)).filter((n) => n.notice.kind === 'answered');
      expect(answered.map((n) => n.to.userId).sort()).toEqual([alice.userId, bob.userId].sort());
      const toBob = (await h.notices.stored(h.db.kysely, duplicate.number))[0];
      expect(toBob).toMatchObject({ to: { userId: bob.userId }, notice: { kind: 'merged', into: primary.number, state: 'dispatched' } });
      expect((await h.tickets.lookups.recent({ channelId: bob.channelId, userId: bob.userId })).map((s) => s.number)).toEqual([
        primary.number,
        duplicate.number,
      ]);
    });

    it.each([
      ['into itself', (d: Ticket) => d.number, /into itself/],
      ['into a ticket that does not exist', () => 'QY20261130-9999', /not found/],
    ])('refuses to merge %s', async (_name, into, error) => {
      const d = await create();
      await expect(act(d, { action: 'merge', into: into(d) })).rejects.toThrow(error);
    });

    it('refuses to merge into a closed ticket', async () => {
      const closed = await act(await create(), { action: 'close', reason: '无效来电' });
      const d = await create();
      await expect(act(d, { action: 'merge', into: closed.number })).rejects.toThrow(/merge only into an open ticket/);
    });

    it('records a category correction as an event', async () => {
      const t = await act(await create(), { action: 'recategorize', category: 'medical_insurance', note: '实为医保问题' });
      expect(t.category).toBe('medical_insurance');
      expect((await events(t.number)).at(-1)).toMatchObject({
        action: 'recategorize',
        note: '实为医保问题',
        data: { from: 'social_insurance', to: 'medical_insurance' },
      });
    });

    it('answers an unknown number with TicketNotFoundError', async () => {
      await expect(h.tickets.service.act('QY20261130-0404', { action: 'note', text: 'x' }, { actor: agent, expectedVersion: 1 })).rejects.toBeInstanceOf(
        TicketNotFoundError,
      );
    });

    it('stores HTML as text, strips control characters, caps a 5,000-character request with a note', async () => {
      const long = '我要反映'.repeat(1250);
      const t = await create({ requestText: `<script>alert(1)</script>\u0000\u202E${long}`, contactName: '张\u0007三\n<b>' });
      expect(t.requestText.startsWith('<script>alert(1)</script>我要反映')).toBe(true);
      expect(t.requestTruncated).toBe(true);
      expect(t.requestText).toMatch(/原文共 5025 字，超出 2000 字的部分未保存/);
      expect([...t.requestText.split('……')[0]!].length).toBe(MAX_REQUEST_LENGTH);
      expect(t.contactName).toBe('张三 <b>');
      expect((await h.tickets.queries.detail(t.number))?.ticket.requestText).toBe(t.requestText);
    });

    it.each([
      ['an invalid mobile', { contactMobile: '1380013800' }, /contactMobile/, '手机号码应为 11 位，您输入的是 10 位，请核对。'],
      ['an empty request', { requestText: ' \u0000 ' }, /requestText/, '请说明您要反映的问题。'],
      ['an unknown category', { category: 'astrology' }, /unknown category "astrology"/, undefined],
      ['a huge conversationRef', { requester: { ...alice, conversationRef: { blob: 'x'.repeat(9000) } } }, /larger than 8192 bytes/, undefined],
    ])('refuses %s and stores nothing', async (_name, input, error, userMessage) => {
      const refused = create(input);
      await expect(refused).rejects.toBeInstanceOf(TicketValidationError);
      await expect(refused).rejects.toThrow(error);
      if (userMessage) await expect(refused).rejects.toMatchObject({ userMessage });
      expect((await h.tickets.queries.list()).total).toBe(0);
    });

    it('gives red-list enterprises a shorter time limit and a place ahead in the queue', async () => {
      await h.tickets.redList.import([{ creditCode: '91350100M000100Y43', name: '福州示例科技有限公司', tier: 'specialized' }]);
      const plain = await create({ type: 'complaint' });
      const red = await create({ type: 'complaint', creditCode: '91350100M000100Y43' });
      expect(red.redListTier).toBe('specialized');
      // 投诉: 13 working days normally, 7 for the red list.
      expect(plain.dueAt).toBe(new Date('2026-12-17T10:00:00+08:00').toISOString());
      expect(red.dueAt).toBe(new Date('2026-12-09T10:00:00+08:00').toISOString());
      const urgent = await create({ priority: 'urgent' });
      expect(urgent.dueAt).toBe(new Date('2026-11-30T18:00:00+08:00').toISOString());
      const queue = await h.tickets.queries.list();
      expect(queue.items.map((i) => i.number)).toEqual([urgent.number, red.number, plain.number]);
    });
  });
}

ticketContract('SQLite', async () => sqliteDatabase());
ticketContract('PostgreSQL', postgresDatabase);
