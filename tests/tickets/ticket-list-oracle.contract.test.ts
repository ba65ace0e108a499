// The desk queue against an oracle: 1,200 tickets (enough for the "broad filter" formulation), every filter and
// sort compared with the same filter and sort done in memory, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATES, TICKET_STATES, type Ticket } from '../../tickets/model.ts';
import type { ListOptions, TicketFilter } from '../../tickets/queries.ts';
import { fromTicket, urgencyOf } from '../../tickets/store/rows.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { openHarness, type TicketHarness } from './support.ts';

const COUNT = 1200;
const NOW = '2026-07-01T00:00:00.000Z';
const CATEGORIES = ['social_insurance', 'tax', 'transport', 'housing'] as const;
const DEPARTMENTS = { social_insurance: 'hrss', tax: 'tax', transport: 'transport', housing: 'housing' } as const;

function seedTickets(): Ticket[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const created = new Date(Date.parse('2026-06-01T00:00:00Z') + i * 997_000).toISOString();
    const category = CATEGORIES[i % 4]!;
    const state = TICKET_STATES[(i * 5) % TICKET_STATES.length]!;
    return {
      number: `QY20260601-${String(i + 1).padStart(4, '0')}`,
      state,
      type: 'consultation',
      category,
      department: state === 'new' ? null : DEPARTMENTS[category],
      priority: i % 13 === 0 ? 'urgent' : 'normal',
      redListTier: i % 7 === 0 ? 'leading' : null,
      enterpriseName: `企业${i % 50}`,
      creditCode: null,
      creditCheck: 'none',
      contactName: null,
      contactMobile: `139${String(i).padStart(8, '0')}`,
      requestText: i % 3 === 0 ? `关于社保缴费的问题 ${i}` : `关于道路维修的问题 ${i}`,
      requestTruncated: false,
      transcript: [],
      dueAt: new Date(Date.parse('2026-06-20T00:00:00Z') + ((i * 7919) % COUNT) * 3_600_000).toISOString(),
      pendingExtension: null,
      reply: null,
      satisfaction: null,
      mergedInto: null,
      supervised: false,
      overdueReminderKey: null,
      createdAt: created,
      updatedAt: created,
      dispatchedAt: null,
      resolvedAt: null,
      closedAt: null,
      version: 1,
    } satisfies Ticket;
  });
}

function oracle(all: Ticket[], options: ListOptions): string[] {
  const f: TicketFilter = options.filter ?? {};
  const overdue = (t: Ticket) => OPEN_STATES.includes(t.state) && t.dueAt < NOW;
  const q = f.q?.toLowerCase();
  const matches = all.filter(
    (t) =>
      (!f.states || f.states.includes(t.state)) &&
      (!f.department || t.department === f.department) &&
      (!f.category || t.category === f.category) &&
      (f.redList === undefined || (t.redListTier !== null) === f.redList) &&
      (f.overdue === undefined || overdue(t) === f.overdue) &&
      (!q || [t.number, t.enterpriseName, t.contactMobile, t.requestText].some((v) => v?.toLowerCase().includes(q))),
  );
  const order = options.order ?? (options.sort === 'created' ? 'desc' : 'asc');
  const sign = order === 'asc' ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const key: Record<string, (t: Ticket) => (string | number)[]> = {
    urgency: (t) => [-urgencyOf(t), t.dueAt, t.number],
    due: (t) => [t.dueAt, t.number],
    created: (t) => [t.createdAt, t.number],
  };
  const k = key[options.sort ?? 'urgency']!;
  matches.sort((a, b) => {
    const [x, y] = [k(a), k(b)];
    for (let i = 0; i < x.length; i++) if (cmp(x[i]!, y[i]!) !== 0) return sign * cmp(x[i]!, y[i]!);
    return 0;
  });
  const pageSize = options.pageSize ?? 20;
  return matches.slice(((options.page ?? 1) - 1) * pageSize, (options.page ?? 1) * pageSize).map((t) => t.number);
}

const CASES: [string, ListOptions][] = [
  ['all, urgency order', {}],
  ['open queue', { filter: { states: OPEN_STATES } }],
  ['open queue, page 3 of 50', { filter: { states: OPEN_STATES }, page: 3, pageSize: 50 }],
  ['one department', { filter: { department: 'hrss' } }],
  ['category and red list', { filter: { category: 'tax', redList: true } }],
  ['not red list, by due time descending', { filter: { redList: false }, sort: 'due', order: 'desc' }],
  ['overdue', { filter: { overdue: true } }],
  ['not overdue, newest first', { filter: { overdue: false }, sort: 'created' }],
  ['search, three characters or more', { filter: { q: '社保缴费' } }],
  ['search, two characters', { filter: { q: '道路' }, page: 2 }],
  ['search, a mobile number fragment', { filter: { q: '0000012' } }],
  ['last page', { page: 60 }],
  ['beyond the last page', { page: 61 }],
];

function oracleSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`desk queue against an in-memory oracle on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let h: TicketHarness;
    const all = seedTickets();
    beforeAll(async () => {
      target = await make();
      if (!target) return;
      h = await openHarness(target);
      const rows = all.map(fromTicket);
      for (let i = 0; i < rows.length; i += 200)
        await h.db.kysely
          .insertInto('tickets')
          .values(rows.slice(i, i + 200))
          .execute();
    });
    afterAll(async () => {
      await h?.close();
      await target?.drop();
    });

    it.each(CASES)('%s', async (_name, options) => {
      if (!target) return;
      const page = await h.tickets.queries.list({ ...options, now: new Date(NOW) });
      expect(page.items.map((i) => i.number)).toEqual(oracle(all, options));
      expect(page.total).toBe(oracle(all, { ...options, page: 1, pageSize: COUNT }).length);
    });
  });
}

oracleSuite('SQLite', async () => sqliteDatabase());
oracleSuite('PostgreSQL', postgresDatabase);
