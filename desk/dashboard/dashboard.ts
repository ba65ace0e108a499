// The supervisor's dashboard (班长看板) for a period: every figure in one answer, and the same figures as tables for
// CSV. Each figure's definition is next to its query (conversation-figures.ts, ticket-figures.ts, hotspots.ts).
import { type Kysely, sql } from 'kysely';
import type { Catalog } from '../../tickets/routing/catalog.ts';
import { REDLIST_TIER_LABELS, TYPE_LABELS } from '../../tickets/labels.ts';
import type { RedListTier, TicketType } from '../../tickets/model.ts';
import { conversationDays, conversationFigures, type ConversationFigures, rate } from './conversation-figures.ts';
import { categoryHotspots, type Hotspots, questionHotspots } from './hotspots.ts';
import type { Engine, Period } from './period.ts';
import { ticketDays, ticketFigures, type TicketFigures } from './ticket-figures.ts';

export interface TrendDay {
  day: string;
  conversations: number;
  directAnswered: number;
  escalated: number;
  directAnswerRate: number | null;
  ticketsCreated: number;
  ticketsResolved: number;
  resolvedOnTime: number;
  onTimeRate: number | null;
}

export interface Dashboard {
  period: { from: string; to: string; days: number };
  generatedAt: string;
  conversations: ConversationFigures;
  tickets: TicketFigures;
  trend: TrendDay[];
  hotspots: Hotspots;
}

export async function dashboard(db: Kysely<any>, engine: Engine, p: Period, now: Date): Promise<Dashboard> {
  if (engine === 'sqlite') return figures(db, engine, p, now);
  // PostgreSQL: a year of questions is grouped per conversation; with the default 4 MB of work memory that sorts on
  // disk (1.7 s); with 64 MB for this read-only transaction it hashes in memory (0.5 s).
  return db.transaction().execute(async (trx) => {
    await sql`set transaction read only`.execute(trx);
    await sql`set local work_mem = '64MB'`.execute(trx);
    return figures(trx, engine, p, now);
  });
}

async function figures(db: Kysely<any>, engine: Engine, p: Period, now: Date): Promise<Dashboard> {
  // One after another: SQLite has one connection, and on PostgreSQL one connection holds the transaction.
  const conversations = await conversationFigures(db, engine, p);
  const tickets = await ticketFigures(db, engine, p, now);
  const chatDays = await conversationDays(db, engine, p);
  const workDays = await ticketDays(db, engine, p);
  const trend = p.days.map((day): TrendDay => {
    const c = chatDays.get(day);
    const t = workDays.get(day);
    return {
      day,
      conversations: c?.conversations ?? 0,
      directAnswered: c?.directAnswered ?? 0,
      escalated: c?.escalated ?? 0,
      directAnswerRate: rate(c?.directAnswered ?? 0, c?.conversations ?? 0),
      ticketsCreated: t?.created ?? 0,
      ticketsResolved: t?.resolved ?? 0,
      resolvedOnTime: t?.resolvedOnTime ?? 0,
      onTimeRate: rate(t?.resolvedOnTime ?? 0, t?.resolved ?? 0),
    };
  });
  const hotspots = { categories: categoryHotspots(tickets.byTypeAndCategory), questions: await questionHotspots(db, p) };
  return { period: { from: p.from, to: p.to, days: p.days.length }, generatedAt: now.toISOString(), conversations, tickets, trend, hotspots };
}

const pct = (r: number | null) => (r === null ? '' : (r * 100).toFixed(1));

/** The dashboard's tables as rows for CSV: a header row, then data. */
export const DASHBOARD_TABLES = ['summary', 'trend', 'by-type', 'by-category', 'backlog', 'red-list', 'hotspot-categories', 'hotspot-questions'] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];

export function dashboardTable(d: Dashboard, table: DashboardTable, catalog: Catalog): string[][] {
  const category = (code: string) => catalog.categoryLabel(code) ?? code;
  const { conversations: c, tickets: t } = d;
  switch (table) {
    case 'summary':
      return [
        ['指标', '数值'],
        ['会话量', String(c.conversations)],
        ['提问数', String(c.questions)],
        ['直接解答率(%)', pct(c.directAnswerRate)],
        ['转人工率(%)', pct(c.escalationRate)],
        ['新建工单', String(t.created)],
        ['办结工单', String(t.resolved)],
        ['按时办结率(%)', pct(t.onTimeRate)],
        ['平均办理时长(小时)', t.avgHandlingHours === null ? '' : t.avgHandlingHours.toFixed(1)],
        ['评价数', String(t.satisfaction.rated)],
        ['满意率(%)', pct(t.satisfaction.rate)],
        ['重点企业工单', String(t.redList.created)],
      ];
    case 'trend':
      return [
        ['日期', '会话量', '直接解答', '转人工', '直接解答率(%)', '新建工单', '办结工单', '按时办结', '按时办结率(%)'],
        ...d.trend.map((r) =>
          [
            r.day,
            r.conversations,
            r.directAnswered,
            r.escalated,
            pct(r.directAnswerRate),
            r.ticketsCreated,
            r.ticketsResolved,
            r.resolvedOnTime,
            pct(r.onTimeRate),
          ].map(String),
        ),
      ];
    case 'by-type':
      return [['类型', '工单数'], ...Object.entries(t.byType).map(([type, n]) => [TYPE_LABELS[type as TicketType] ?? type, String(n)])];
    case 'by-category':
      return [
        ['类别', '工单数'],
        ...Object.entries(t.byCategory)
          .sort((a, b) => b[1] - a[1])
          .map(([code, n]) => [category(code), String(n)]),
      ];
    case 'backlog':
      return [
        ['承办单位', '在办', '超期'],
        ...t.backlog.map((b) => [b.department ? (catalog.departmentName(b.department) ?? b.department) : '热线待派单', String(b.open), String(b.overdue)]),
      ];
    case 'red-list':
      return [['企业类别', '工单数'], ...Object.entries(t.redList.byTier).map(([tier, n]) => [REDLIST_TIER_LABELS[tier as RedListTier] ?? tier, String(n)])];
    case 'hotspot-categories':
      return [
        ['分类', '类别', '工单数'],
        ...d.hotspots.categories.consultations.map((h) => ['咨询类', category(h.key), String(h.n)]),
        ...d.hotspots.categories.complaints.map((h) => ['投诉类', category(h.key), String(h.n)]),
      ];
    case 'hotspot-questions':
      return [
        ['分类', '问题', '次数'],
        ...d.hotspots.questions.consultations.map((h) => ['咨询类', h.key, String(h.n)]),
        ...d.hotspots.questions.complaints.map((h) => ['投诉类', h.key, String(h.n)]),
      ];
  }
}
