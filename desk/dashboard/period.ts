// The dashboard's period: whole days in Asia/Shanghai (China keeps no daylight saving: UTC+8 all year), from `from`
// to `to` inclusive, as the UTC instants [start, end) the tables store. Day buckets in SQL for each engine.
import { type Expression, type RawBuilder, sql } from 'kysely';

export const MAX_PERIOD_DAYS = 366;
const OFFSET_MS = 8 * 3_600_000;

export interface Period {
  from: string;
  to: string;
  /** ISO instants, start inclusive, end exclusive. */
  start: string;
  end: string;
  days: string[];
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

/** Today's date in Asia/Shanghai (YYYY-MM-DD). */
export const shanghaiDay = (at: Date) => new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);

export function period(from: string, to: string): Period {
  const start = Date.parse(`${from}T00:00:00+08:00`);
  const last = Date.parse(`${to}T00:00:00+08:00`);
  if (Number.isNaN(start) || Number.isNaN(last)) throw new PeriodError('dates must be YYYY-MM-DD');
  if (last < start) throw new PeriodError('"to" is before "from"');
  const count = Math.round((last - start) / 86_400_000) + 1;
  if (count > MAX_PERIOD_DAYS) throw new PeriodError(`at most ${MAX_PERIOD_DAYS} days`);
  const days = Array.from({ length: count }, (_, i) => shanghaiDay(new Date(start + i * 86_400_000)));
  return { from, to, start: new Date(start).toISOString(), end: new Date(last + 86_400_000).toISOString(), days };
}

/** The last `n` days up to and including today (Asia/Shanghai). */
export function lastDays(n: number, now: Date): Period {
  const today = shanghaiDay(now);
  return period(shanghaiDay(new Date(Date.parse(`${today}T00:00:00+08:00`) - (n - 1) * 86_400_000)), today);
}

export type Engine = 'sqlite' | 'postgres';

/**
 * The Asia/Shanghai day (YYYY-MM-DD) of an ISO instant column. Instants are stored as UTC ISO strings
 * (YYYY-MM-DDTHH:MM:SS.sssZ), so the day is the UTC date, or the next one from 16:00 UTC on: string work, no time
 * zone arithmetic per row (on PostgreSQL that was most of a year's dashboard).
 */
export function dayOf(engine: Engine, column: Expression<string> | RawBuilder<string>): RawBuilder<string> {
  return engine === 'postgres'
    ? sql<string>`(case when substr(${column}, 12, 2) >= '16' then ((left(${column}, 10))::date + 1)::text else left(${column}, 10) end)`
    : sql<string>`(case when substr(${column}, 12, 2) >= '16' then date(substr(${column}, 1, 10), '+1 day') else substr(${column}, 1, 10) end)`;
}

/** Hours from one ISO instant column to another. */
export function hoursBetween(engine: Engine, from: Expression<string> | RawBuilder<string>, to: Expression<string> | RawBuilder<string>): RawBuilder<number> {
  return engine === 'postgres'
    ? sql<number>`extract(epoch from ((${to})::timestamptz - (${from})::timestamptz)) / 3600.0`
    : sql<number>`(julianday(${to}) - julianday(${from})) * 24.0`;
}
