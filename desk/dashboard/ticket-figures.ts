// The tickets' side of the dashboard. Definitions (also in README, 班长看板):
//   created               tickets created in the period (by type, category, red-list tier)
//   onTimeRate            of the tickets resolved in the period, the share resolved at or before their due time
//                         (the due time after any approved extension)
//   avgHandlingHours      mean calendar hours from creation to resolution, over the tickets resolved in the period
//   satisfactionRate      of the ratings given in the period (回访评价 events), 满意 + 基本满意 over all ratings
//   backlog / overdue     open tickets now (待受理 已派单 已签收 办理中 已退回), by department; overdue = past due
import { type Kysely, sql } from 'kysely';
import { OPEN_STATES, REDLIST_TIERS, TICKET_TYPES } from '../../tickets/model.ts';
import { rate } from './conversation-figures.ts';
import { dayOf, type Engine, hoursBetween, type Period } from './period.ts';

export interface TicketFigures {
  created: number;
  byType: Record<string, number>;
  byCategory: Record<string, number>;
  /** Created in the period by type and category: the hotspots split consultations from complaints with this. */
  byTypeAndCategory: { type: string; category: string; n: number }[];
  redList: { created: number; byTier: Record<string, number>; openNow: number };
  resolved: number;
  onTime: number;
  onTimeRate: number | null;
  avgHandlingHours: number | null;
  satisfaction: { rated: number; satisfied: number; basicallySatisfied: number; dissatisfied: number; rate: number | null };
  backlog: { department: string | null; open: number; overdue: number }[];
}

export interface TicketDay {
  day: string;
  created: number;
  resolved: number;
  resolvedOnTime: number;
}

const n = (v: unknown) => Number(v ?? 0);

export async function ticketFigures(db: Kysely<any>, engine: Engine, p: Period, now: Date): Promise<TicketFigures> {
  const created = await sql<{ type: string; category: string; redlist_tier: string | null; n: string | number }>`
    select type, category, redlist_tier, count(*) as n from tickets
    where created_at >= ${p.start} and created_at < ${p.end}
    group by type, category, redlist_tier`.execute(db);
  const byType: Record<string, number> = Object.fromEntries(TICKET_TYPES.map((t) => [t, 0]));
  const byCategory: Record<string, number> = {};
  const byTier: Record<string, number> = Object.fromEntries(REDLIST_TIERS.map((t) => [t, 0]));
  const pairs = new Map<string, { type: string; category: string; n: number }>();
  let total = 0;
  for (const r of created.rows) {
    const count = n(r.n);
    total += count;
    byType[r.type] = (byType[r.type] ?? 0) + count;
    byCategory[r.category] = (byCategory[r.category] ?? 0) + count;
    if (r.redlist_tier) byTier[r.redlist_tier] = (byTier[r.redlist_tier] ?? 0) + count;
    const key = `${r.type}\u0000${r.category}`;
    const pair = pairs.get(key) ?? { type: r.type, category: r.category, n: 0 };
    pair.n += count;
    pairs.set(key, pair);
  }

  const resolution = (
    await sql<{ resolved: string | number; on_time: string | number | null; hours: string | number | null }>`
      select count(*) as resolved,
        sum(case when resolved_at <= due_at then 1 else 0 end) as on_time,
        avg(${hoursBetween(engine, sql.ref('created_at'), sql.ref('resolved_at'))}) as hours
      from tickets where resolved_at >= ${p.start} and resolved_at < ${p.end}`.execute(db)
  ).rows[0];

  const ratings = (
    await sql<{ rated: string | number; satisfied: string | number | null; basically: string | number | null; dissatisfied: string | number | null }>`
      select count(*) as rated,
        sum(case when data like '%"satisfaction":"satisfied"%' then 1 else 0 end) as satisfied,
        sum(case when data like '%"satisfaction":"basically_satisfied"%' then 1 else 0 end) as basically,
        sum(case when data like '%"satisfaction":"dissatisfied"%' then 1 else 0 end) as dissatisfied
      from ticket_events where action = 'rate' and at >= ${p.start} and at < ${p.end}`.execute(db)
  ).rows[0];

  const at = now.toISOString();
  const backlog = await sql<{ department: string | null; open: string | number; overdue: string | number }>`
    select department, count(*) as open, sum(case when due_at < ${at} then 1 else 0 end) as overdue
    from tickets where state in (${sql.join(OPEN_STATES)})
    group by department`.execute(db);
  const openRedList = (
    await sql<{ n: string | number }>`select count(*) as n from tickets where state in (${sql.join(OPEN_STATES)}) and redlist_tier is not null`.execute(db)
  ).rows[0];

  const resolved = n(resolution?.resolved);
  const onTime = n(resolution?.on_time);
  const rated = n(ratings?.rated);
  const satisfied = n(ratings?.satisfied);
  const basicallySatisfied = n(ratings?.basically);
  return {
    created: total,
    byType,
    byCategory,
    byTypeAndCategory: [...pairs.values()],
    redList: { created: Object.values(byTier).reduce((a, b) => a + b, 0), byTier, openNow: n(openRedList?.n) },
    resolved,
    onTime,
    onTimeRate: rate(onTime, resolved),
    avgHandlingHours: resolved === 0 || resolution?.hours === null ? null : Number(resolution?.hours),
    satisfaction: { rated, satisfied, basicallySatisfied, dissatisfied: n(ratings?.dissatisfied), rate: rate(satisfied + basicallySatisfied, rated) },
    backlog: backlog.rows.map((r) => ({ department: r.department, open: n(r.open), overdue: n(r.overdue) })).sort((a, b) => b.open - a.open),
  };
}

/** Tickets created and resolved (and resolved on time) per day of the period. */
export async function ticketDays(db: Kysely<any>, engine: Engine, p: Period): Promise<Map<string, TicketDay>> {
  const days = new Map<string, TicketDay>();
  const day = (d: string) => {
    let entry = days.get(d);
    if (!entry) days.set(d, (entry = { day: d, created: 0, resolved: 0, resolvedOnTime: 0 }));
    return entry;
  };
  const created = await sql<{ day: string; n: string | number }>`
    select ${dayOf(engine, sql.ref('created_at'))} as day, count(*) as n from tickets
    where created_at >= ${p.start} and created_at < ${p.end} group by 1`.execute(db);
  for (const r of created.rows) day(String(r.day)).created = n(r.n);
  const resolved = await sql<{ day: string; n: string | number; on_time: string | number }>`
    select ${dayOf(engine, sql.ref('resolved_at'))} as day, count(*) as n, sum(case when resolved_at <= due_at then 1 else 0 end) as on_time
    from tickets where resolved_at >= ${p.start} and resolved_at < ${p.end} group by 1`.execute(db);
  for (const r of resolved.rows) Object.assign(day(String(r.day)), { resolved: n(r.n), resolvedOnTime: n(r.on_time) });
  return days;
}
