// Every dashboard figure against a small fixture whose answers were worked out by hand (below, next to the data),
// on both engines. Period: Monday 2 and Tuesday 3 November 2026, Asia/Shanghai.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboard, type Dashboard, dashboardTable } from '../../desk/dashboard/dashboard.ts';
import { period } from '../../desk/dashboard/period.ts';
import { insightsSchema } from '../../insights/schema.ts';
import { createLogger } from '../../log/logger.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { openTickets, type Tickets } from '../../tickets/index.ts';
import type { TicketType } from '../../tickets/model.ts';
import { ticketsSchema } from '../../tickets/store/schema.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { closeDatabase, ManualClock, RecordingNotices } from '../tickets/support.ts';

const RED_LISTED = '91350100M000100Y43';
const at = (local: string) => new Date(`${local}+08:00`).toISOString();
const agent = { kind: 'agent' as const, id: 'a1', name: '坐席' };

/**
 * Conversations (channel, id): what the bot did with each question, by local time.
 *   A web   11-02 10:00 answered, 10:05 answered                       → direct
 *   B web   11-02 11:00 handed over "技改补贴怎么申请？"; ticket T1 11:10  → escalated
 *   C wx    11-02 23:30 answered; 11-03 00:30 handed over (complaint)   → escalated (direct on 11-02 alone)
 *   D web   11-03 09:00 clarified                                       → neither
 *   E web   11-01 answered                                              → before the period
 *   F web   11-03 10:00 answered, voted 没解决; ticket T2 10:10           → escalated
 *   G web   11-03 11:00 handed over "技改补贴怎么申请"                     → escalated
 * 6 conversations, 8 questions; direct 1 (1/6), escalated 4 (4/6); by channel web 5, wechat 1.
 * Per day: 11-02 A B C → 3, direct 2 (A, C), escalated 1 (B); 11-03 C D F G → 4, direct 0, escalated 3.
 */
const TURNS: [string, string, string, string, string, string | null, string | null][] = [
  // channel, conversation, local time, question, outcome, reason, vote
  ['web', 'A', '2026-11-02T10:00:00', '社保怎么交', 'answered', null, null],
  ['web', 'A', '2026-11-02T10:05:00', '社保基数多少', 'answered', null, null],
  ['web', 'B', '2026-11-02T11:00:00', '技改补贴怎么申请？', 'handed_over', 'low_confidence', null],
  ['wechat', 'C', '2026-11-02T23:30:00', '医保怎么报销', 'answered', null, null],
  ['wechat', 'C', '2026-11-03T00:30:00', '投诉 网约车乱收费', 'handed_over', 'complaint', null],
  ['web', 'D', '2026-11-03T09:00:00', '退休', 'clarified', null, null],
  ['web', 'E', '2026-11-01T09:00:00', '社保怎么交', 'answered', null, null],
  ['web', 'F', '2026-11-03T10:00:00', '公积金怎么提取', 'answered', null, 'not_resolved'],
  ['web', 'G', '2026-11-03T11:00:00', '技改补贴怎么申请', 'handed_over', 'low_confidence', null],
];

function dashboardSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`dashboard figures on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let db: Db;
    let d: Dashboard;
    let tickets: Tickets;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      db = await openDatabase(target.url, [ticketsSchema, insightsSchema]);
      await RecordingNotices.createTable(db.kysely);
      const clock = new ManualClock(new Date(at('2026-11-01T09:00:00')));
      tickets = await openTickets({ db: db.kysely, notices: new RecordingNotices(), log: createLogger('silent'), predictor: null, clock: clock.read });
      await tickets.redList.import([{ creditCode: RED_LISTED, name: '重点企业', tier: 'leading' }]);
      let turn = 0;
      for (const [channel, conversation, local, question, outcome, reason, vote] of TURNS) {
        await db.kysely
          .insertInto('bot_turns')
          .values({
            id: `t${++turn}`,
            at: at(local),
            channel_id: channel,
            conversation_id: conversation,
            question,
            outcome,
            reason,
            entry_id: null,
            topic: null,
            vote,
          })
          .execute();
      }
      const act = async (number: string, when: string, command: Parameters<Tickets['service']['act']>[1]) => {
        clock.set(at(when));
        const current = (await tickets.queries.detail(number))!.ticket;
        return tickets.service.act(number, command, { actor: agent, expectedVersion: current.version });
      };
      const create = async (when: string, type: TicketType, category: string, conversation?: string, creditCode?: string) => {
        clock.set(at(when));
        const requester = conversation
          ? { channelId: 'web', userId: `u-${conversation}`, conversationRef: { conversation: { id: conversation } } }
          : { channelId: 'phone', userId: `p-${when}`, conversationRef: {} };
        return (await tickets.service.create({ requestText: `${category} 诉求`, type, category, requester, creditCode }, agent)).number;
      };
      // T4: created before the period (Sunday), resolved 11-02 10:00 on time (25 h), rated 满意 11-02 12:00.
      const t4 = await create('2026-11-01T09:00:00', 'consultation', 'social_insurance');
      await act(t4, '2026-11-02T10:00:00', { action: 'resolve', reply: '已答复' });
      await act(t4, '2026-11-02T12:00:00', { action: 'rate', satisfaction: 'satisfied' });
      // T1: from conversation B, red list, created 11-02 11:10; resolved 11-03 16:00 on time (28 h 50 min); rated 不满意.
      const t1 = await create('2026-11-02T11:10:00', 'consultation', 'commerce', 'B', RED_LISTED);
      await act(t1, '2026-11-02T14:00:00', { action: 'dispatch' });
      await act(t1, '2026-11-02T15:00:00', { action: 'accept' });
      await act(t1, '2026-11-03T16:00:00', { action: 'resolve', reply: '可在线申报' });
      await act(t1, '2026-11-03T16:30:00', { action: 'rate', satisfaction: 'dissatisfied' });
      // T2: from conversation F, 求助, 11-03 10:10, still new (not overdue at 20:00).
      await create('2026-11-03T10:10:00', 'help', 'housing_fund', 'F');
      // T3: by phone, 投诉, 11-03 14:00; its due time moved to 15:00, resolved 17:00: late (3 h); rated 基本满意.
      const t3 = await create('2026-11-03T14:00:00', 'complaint', 'transport');
      await db.kysely
        .updateTable('tickets')
        .set({ due_at: at('2026-11-03T15:00:00') })
        .where('number', '=', t3)
        .execute();
      await act(t3, '2026-11-03T17:00:00', { action: 'resolve', reply: '已处理' });
      await act(t3, '2026-11-03T18:00:00', { action: 'rate', satisfaction: 'basically_satisfied' });
      // T5: by phone, 举报, 11-03 15:00, dispatched to 市场监管 at 15:30, due moved to 18:00: overdue at 20:00.
      const t5 = await create('2026-11-03T15:00:00', 'report', 'market');
      await act(t5, '2026-11-03T15:30:00', { action: 'dispatch' });
      await db.kysely
        .updateTable('tickets')
        .set({ due_at: at('2026-11-03T18:00:00') })
        .where('number', '=', t5)
        .execute();

      d = await dashboard(db.kysely, db.engine, period('2026-11-02', '2026-11-03'), new Date(at('2026-11-03T20:00:00')));
    });
    afterAll(async () => {
      if (db && target) await closeDatabase(db, target);
      await target?.drop();
    });

    it('counts conversations, direct answers and escalations', (ctx) => {
      if (!target) return ctx.skip();
      expect(d.conversations).toEqual({
        conversations: 6,
        questions: 8,
        directAnswered: 1,
        escalated: 4,
        directAnswerRate: 1 / 6,
        escalationRate: 4 / 6,
        byChannel: { web: 5, wechat: 1 },
      });
    });

    it('counts tickets by type, category and red-list tier (created in the period)', (ctx) => {
      if (!target) return ctx.skip();
      // T1, T2, T3, T5 (T4 was created before the period).
      expect(d.tickets.created).toBe(4);
      expect(d.tickets.byType).toEqual({ consultation: 1, help: 1, complaint: 1, report: 1, suggestion: 0 });
      expect(d.tickets.byCategory).toEqual({ commerce: 1, housing_fund: 1, transport: 1, market: 1 });
      expect(d.tickets.redList).toEqual({ created: 1, byTier: { leading: 1, specialized: 0, headquarters: 0, high_tech: 0 }, openNow: 0 });
    });

    it('computes the on-time rate, the average handling time and the satisfaction rate', (ctx) => {
      if (!target) return ctx.skip();
      // Resolved in the period: T4 (25 h, on time), T1 (28.83 h, on time), T3 (3 h, late).
      expect(d.tickets).toMatchObject({ resolved: 3, onTime: 2, onTimeRate: 2 / 3 });
      expect(d.tickets.avgHandlingHours).toBeCloseTo((25 + 28 + 50 / 60 + 3) / 3, 3);
      // Ratings in the period: 满意 (T4), 不满意 (T1), 基本满意 (T3): (1 + 1) / 3.
      expect(d.tickets.satisfaction).toEqual({ rated: 3, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, rate: 2 / 3 });
    });

    it('shows the backlog and the overdue tickets per department, now', (ctx) => {
      if (!target) return ctx.skip();
      // Open at 11-03 20:00: T2 (new, with the hotline) and T5 (with 市场监管, overdue since 18:00).
      expect(d.tickets.backlog).toEqual(
        expect.arrayContaining([
          { department: null, open: 1, overdue: 0 },
          { department: 'market', open: 1, overdue: 1 },
        ]),
      );
      expect(d.tickets.backlog).toHaveLength(2);
    });

    it('draws the trend by day', (ctx) => {
      if (!target) return ctx.skip();
      expect(d.trend).toEqual([
        {
          day: '2026-11-02',
          conversations: 3,
          directAnswered: 2,
          escalated: 1,
          directAnswerRate: 2 / 3,
          ticketsCreated: 1,
          ticketsResolved: 1,
          resolvedOnTime: 1,
          onTimeRate: 1,
        },
        {
          day: '2026-11-03',
          conversations: 4,
          directAnswered: 0,
          escalated: 3,
          directAnswerRate: 0,
          ticketsCreated: 3,
          ticketsResolved: 2,
          resolvedOnTime: 1,
          onTimeRate: 0.5,
        },
      ]);
    });

    it('finds the hotspots, consultations and complaints apart', (ctx) => {
      if (!target) return ctx.skip();
      expect(d.hotspots.categories).toEqual({
        consultations: [
          { key: 'commerce', n: 1 },
          { key: 'housing_fund', n: 1 },
        ],
        complaints: [
          { key: 'market', n: 1 },
          { key: 'transport', n: 1 },
        ],
      });
      // "技改补贴怎么申请？" and "技改补贴怎么申请" are one question (shown as the first wording in order); F's answer was
      // voted 没解决.
      expect(d.hotspots.questions).toEqual({
        consultations: [
          { key: '技改补贴怎么申请', n: 2 },
          { key: '公积金怎么提取', n: 1 },
        ],
        complaints: [{ key: '投诉 网约车乱收费', n: 1 }],
      });
    });

    it('lays the same figures out as tables for CSV, with labels', (ctx) => {
      if (!target) return ctx.skip();
      expect(dashboardTable(d, 'summary', tickets.catalog)).toContainEqual(['按时办结率(%)', '66.7']);
      expect(dashboardTable(d, 'backlog', tickets.catalog)).toEqual(
        expect.arrayContaining([
          ['热线待派单', '1', '0'],
          ['市市场监督管理局', '1', '1'],
        ]),
      );
      expect(dashboardTable(d, 'trend', tickets.catalog)[1]).toEqual(['2026-11-02', '3', '2', '1', '66.7', '1', '1', '1', '100.0']);
    });
  });
}

dashboardSuite('SQLite', async () => sqliteDatabase());
dashboardSuite('PostgreSQL', postgresDatabase);
