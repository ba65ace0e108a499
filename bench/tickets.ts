// npm run bench:tickets: tickets created per second through the service by 50 concurrent creators (p50/p99, and
// a count check that nothing was lost), then the desk list API's latency over 50,000 tickets, on SQLite and on
// PostgreSQL (skipped with a note when it is not reachable). Prints figures; does not write RESULTS.md.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { adminTokenAuth } from '../desk/api/auth.ts';
import { registerTicketRoutes } from '../desk/api/ticket-routes.ts';
import { createServer } from '../http/server.ts';
import { createLogger } from '../log/logger.ts';
import { type Db, openDatabase } from '../storage/database.ts';
import { openTickets } from '../tickets/index.ts';
import { fromTicket } from '../tickets/store/rows.ts';
import { syntheticTicket } from './synthetic-tickets.ts';
import { ticketsSchema } from '../tickets/store/schema.ts';
import { benchTargets } from './targets.ts';

const CREATORS = 50;
const CREATES = Number(process.env.BENCH_TICKETS_CREATES ?? 3000);
const SEEDED = 50_000;
const LIST_REQUESTS = 300;
const TOKEN = randomBytes(24).toString('hex');
const log = createLogger('silent');

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const ms = (n: number) => n.toFixed(1);

async function benchCreation(db: Db) {
  const tickets = await openTickets({ db: db.kysely, notices: { enqueue: async () => undefined }, log, predictor: null });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const creator = async (id: number) => {
    while (next < CREATES) {
      const i = next++;
      const t0 = performance.now();
      await tickets.service.create(
        {
          requestText: `企业反映第 ${i} 件事：社保缴费基数申报系统打不开`,
          category: 'social_insurance',
          contactMobile: '13800138000',
          requester: { channelId: 'bench', userId: `u${id}`, conversationRef: { id } },
        },
        { kind: 'user', id: `u${id}` },
      );
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CREATORS }, (_, id) => creator(id)));
  const seconds = (performance.now() - started) / 1000;
  const stored = await db.kysely
    .selectFrom('tickets')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.count('number').distinct().as('distinct')])
    .executeTakeFirstOrThrow();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: CREATES / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    stored: Number(stored.n),
    distinct: Number(stored.distinct),
  };
}

/** 50,000 tickets spread over states, departments, categories, priorities and due times, inserted in batches. */
export async function seed(db: Db) {
  await db.kysely.deleteFrom('tickets').execute();
  const catalog = (await openTickets({ db: db.kysely, notices: { enqueue: async () => undefined }, log, predictor: null })).catalog;
  const start = Date.parse('2026-06-01T00:00:00Z');
  const rows = [];
  for (let i = 0; i < SEEDED; i++) {
    const category = catalog.categories[i % catalog.categories.length]!;
    const t = syntheticTicket(catalog, i, start + i * 5 * 60_000, {
      requestText: `第 ${i} 号诉求：${category.label}方面的问题，企业希望尽快得到答复。`.repeat(3),
    });
    rows.push(fromTicket(t));
  }
  for (let i = 0; i < rows.length; i += 500)
    await db.kysely
      .insertInto('tickets')
      .values(rows.slice(i, i + 500))
      .execute();
  // Steady state: planner statistics, and on PostgreSQL a visibility map for index-only counts (autovacuum's job in
  // production; a bulk load outruns it).
  await sql.raw(db.engine === 'postgres' ? 'vacuum analyze tickets' : 'analyze').execute(db.kysely);
}

async function benchList(db: Db) {
  await seed(db);
  const tickets = await openTickets({ db: db.kysely, notices: { enqueue: async () => undefined }, log, predictor: null });
  const server = createServer({ corsOrigins: '*', maxBodyBytes: 65536 }, log);
  registerTicketRoutes(server, { tickets, log, auth: adminTokenAuth(TOKEN), clock: () => new Date('2026-09-01T00:00:00Z') });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/desk/tickets`;
  const queries: Record<string, string> = {
    'open queue (default sort)': '?state=new,dispatched,accepted,in_progress,returned',
    'all tickets, newest first': '?sort=created&order=desc',
    'one department, open': '?department=hrss&state=dispatched,accepted,in_progress',
    overdue: '?overdue=true',
    'red list, page 20': '?redList=true&page=20',
    'text search, 9 characters (trigram index)': `?q=${encodeURIComponent('示例企业42有限公司')}`,
    'text search, 2 characters (scan)': `?q=${encodeURIComponent('社保')}`,
  };
  const results: Record<string, { p50: number; p99: number; total: number }> = {};
  for (const [name, query] of Object.entries(queries)) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < LIST_REQUESTS; i++) {
      const t0 = performance.now();
      const res = await fetch(base + query, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = (await res.json()) as { total: number };
      times.push(performance.now() - t0);
      total = body.total;
    }
    times.sort((a, b) => a - b);
    results[name] = { p50: quantile(times, 0.5), p99: quantile(times, 0.99), total };
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return results;
}

async function main() {
  process.stdout.write(
    `Tickets bench: ${CREATES} tickets by ${CREATORS} concurrent creators; list API over ${SEEDED} tickets, ${LIST_REQUESTS} requests per query\n\n`,
  );
  for (const target of await benchTargets('tickets')) {
    const db = await openDatabase(target.url, [ticketsSchema]);
    try {
      const c = await benchCreation(db);
      process.stdout.write(
        `### ${target.engine}\ncreate: ${c.perSecond.toFixed(0)} tickets/s, p50 ${ms(c.p50)} ms, p99 ${ms(c.p99)} ms; stored ${c.stored} (${c.distinct} distinct numbers) of ${CREATES}${c.stored === CREATES && c.distinct === CREATES ? ' ✓' : ' ✗ LOST OR DUPLICATED'}\n`,
      );
      const list = await benchList(db);
      process.stdout.write('| list query | matches | p50 ms | p99 ms |\n|---|---|---|---|\n');
      for (const [name, r] of Object.entries(list)) process.stdout.write(`| ${name} | ${r.total} | ${ms(r.p50)} | ${ms(r.p99)} |\n`);
      process.stdout.write('\n');
    } finally {
      await db.close();
      await target.drop();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
