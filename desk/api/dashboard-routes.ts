// The supervisor's dashboard and the CSV downloads (supervisors and administrators).
import type { Kysely } from 'kysely';
import type { Server } from 'restify';
import { z } from 'zod';
import { badRequest, notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { Tickets } from '../../tickets/index.ts';
import { TICKET_STATES } from '../../tickets/model.ts';
import { streamTickets, writeTable } from '../dashboard/csv-export.ts';
import { dashboard, DASHBOARD_TABLES, type DashboardTable, dashboardTable } from '../dashboard/dashboard.ts';
import { type Engine, lastDays, type Period, period, PeriodError } from '../dashboard/period.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, parse } from './handle.ts';

export interface DashboardRoutesOptions {
  auth: DeskAuth;
  db: Kysely<any>;
  engine: Engine;
  tickets: Pick<Tickets, 'catalog'>;
  log: Pick<Logger, 'warn' | 'error' | 'info'>;
  clock?: () => Date;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const PeriodQuery = z.strictObject({ from: day.optional(), to: day.optional() });
const states = z
  .string()
  .max(200)
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(TICKET_STATES)));
const code = z.string().min(1).max(32);
const ExportQuery = PeriodQuery.extend({ state: states.optional(), department: code.optional(), category: code.optional() });
/** Without dates: the last 30 days. */
const DEFAULT_DAYS = 30;

export function registerDashboardRoutes(server: Server, o: DashboardRoutesOptions): void {
  const handle = deskRoute(o.auth, o.log);
  const now = o.clock ?? (() => new Date());
  const periodOf = (q: { from?: string; to?: string }): Period => {
    try {
      if (!q.from && !q.to) return lastDays(DEFAULT_DAYS, now());
      if (!q.from || !q.to) throw new PeriodError('give both "from" and "to"');
      return period(q.from, q.to);
    } catch (err) {
      if (err instanceof PeriodError) throw badRequest(`desk: period: ${err.message}`);
      throw err;
    }
  };

  server.get(
    '/api/desk/dashboard',
    handle(
      async (req, res) => {
        const p = periodOf(parse(PeriodQuery, req.query ?? {}));
        res.send(200, await dashboard(o.db, o.engine, p, now()));
      },
      { capability: 'dashboard' },
    ),
  );

  server.get(
    '/api/desk/export/tickets.csv',
    handle(
      async (req, res, user) => {
        const q = parse(ExportQuery, req.query ?? {});
        const p = periodOf(q);
        const written = await streamTickets(o.db, res, p, { states: q.state, department: q.department, category: q.category }, o.tickets.catalog, now());
        // Exports carry personal data (names, mobiles): who took which, and how much, is on record.
        o.log.info({ account: user.id, from: p.from, to: p.to, tickets: written }, 'desk: tickets exported');
      },
      { capability: 'export' },
    ),
  );

  server.get(
    '/api/desk/export/dashboard/:table',
    handle(
      async (req, res) => {
        const name = String(req.params.table).replace(/\.csv$/, '');
        if (!(DASHBOARD_TABLES as readonly string[]).includes(name)) throw notFound(`desk: no table "${name}" (one of ${DASHBOARD_TABLES.join(', ')})`);
        const p = periodOf(parse(PeriodQuery, req.query ?? {}));
        const d = await dashboard(o.db, o.engine, p, now());
        await writeTable(res, `${name}_${p.from}_${p.to}.csv`, dashboardTable(d, name as DashboardTable, o.tickets.catalog as never));
      },
      { capability: 'export' },
    ),
  );
}
