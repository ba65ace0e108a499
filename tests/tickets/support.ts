// Opens the ticket domain on a test database, with a recording notices port and a clock the test moves.
import type { Kysely } from 'kysely';
import { createLogger } from '../../log/logger.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { openTickets, type Tickets } from '../../tickets/index.ts';
import type { Actor, ChannelIdentity, Requester } from '../../tickets/model.ts';
import type { TicketNotice, TicketNotices } from '../../tickets/notices.ts';
import type { CategoryPredictor } from '../../tickets/routing/predictor-port.ts';
import { ticketsSchema } from '../../tickets/store/schema.ts';
import type { TestDatabase } from '../support/services.ts';

export interface RecordedNotice {
  to: ChannelIdentity;
  notice: TicketNotice;
}

/** A notices port that writes one row per notice with the caller's transaction, as the real outbox must. */
export class RecordingNotices implements TicketNotices {
  /** Set to make the next enqueue fail after writing its row (to prove the whole change rolls back). */
  failNext = false;

  static async createTable(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('test_ticket_notices')
      .ifNotExists()
      .addColumn('ticket_number', 'varchar(24)', (c) => c.notNull())
      .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('notice', 'text', (c) => c.notNull())
      .execute();
  }

  async enqueue(trx: Kysely<any>, to: Requester, notice: TicketNotice): Promise<void> {
    await trx
      .insertInto('test_ticket_notices')
      .values({ ticket_number: notice.ticketNumber, channel_id: to.channelId, user_id: to.userId, notice: JSON.stringify(notice) })
      .execute();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('outbox unavailable');
    }
  }

  /** Every stored notice, in the order written (optionally of one ticket). */
  async stored(db: Kysely<any>, ticketNumber?: string): Promise<RecordedNotice[]> {
    let query = db.selectFrom('test_ticket_notices').selectAll();
    if (ticketNumber) query = query.where('ticket_number', '=', ticketNumber);
    const rows = (await query.execute()) as { channel_id: string; user_id: string; notice: string }[];
    return rows.map((r) => ({ to: { channelId: r.channel_id, userId: r.user_id }, notice: JSON.parse(r.notice) as TicketNotice }));
  }
}

export class ManualClock {
  constructor(public now: Date) {}
  readonly read = () => new Date(this.now);
  set(instant: string): void {
    this.now = new Date(instant);
  }
  advanceHours(hours: number): void {
    this.now = new Date(this.now.getTime() + hours * 3_600_000);
  }
}

export interface TicketHarness {
  db: Db;
  tickets: Tickets;
  notices: RecordingNotices;
  clock: ManualClock;
  close(): Promise<void>;
}

/** Monday 30 November 2026, 10:00 in Shanghai: a working day. */
export const MONDAY_10AM = '2026-11-30T10:00:00+08:00';

export async function openHarness(target: TestDatabase, options: { now?: string; predictor?: CategoryPredictor | null } = {}): Promise<TicketHarness> {
  const db = await openDatabase(target.url, [ticketsSchema]);
  await RecordingNotices.createTable(db.kysely);
  const notices = new RecordingNotices();
  const clock = new ManualClock(new Date(options.now ?? MONDAY_10AM));
  const tickets = await openTickets({ db: db.kysely, notices, log: createLogger('silent'), predictor: options.predictor ?? null, clock: clock.read });
  return { db, tickets, notices, clock, close: () => closeDatabase(db, target) };
}

/**
 * Closes the pool and, on PostgreSQL, waits until the server has let its connections go: pg's pool.end() resolves
 * before the backends exit, and dropping the database WITH (FORCE) meanwhile makes the closing clients throw.
 */
export async function closeDatabase(db: Db, target: TestDatabase): Promise<void> {
  await db.close();
  if (target.engine !== 'postgres') return;
  const { default: pg } = await import('pg');
  const name = new URL(target.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: target.url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await admin.end();
  }
}

export const alice = { channelId: 'webchat', userId: 'dl_alice', conversationRef: { conversation: { id: 'c-alice' }, serviceUrl: 'http://localhost' } };
export const bob = { channelId: 'wechat-oa', userId: 'o_bob', conversationRef: { openId: 'o_bob' } };
export const agent: Actor = { kind: 'agent', id: 'agent-7', name: '李坐席' };
export const clerk: Actor = { kind: 'department', id: 'hrss-clerk', name: '人社局王科员' };
