import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { OutboxTables } from './schema.ts';

export interface NewOutboxMessage {
  channelId: string;
  /** `channelId:userId`. */
  userKey: string;
  /** The ConversationReference the channel delivers into. */
  reference: object;
  /** What to say, as data the bot renders (opaque here). */
  payload: object;
}

export interface OutboxMessage extends NewOutboxMessage {
  id: string;
  attempts: number;
  createdAt: string;
}

export interface OutboxCounts {
  pending: number;
  held: number;
  delivered: number;
  failed: number;
}

let sequence = 0;
/** Creation order within this process, unique even when two messages share a millisecond. */
const orderKey = (now: Date) => `${now.toISOString()}-${String(++sequence % 1e9).padStart(9, '0')}`;

/**
 * Writes a message into the outbox. Pass the transaction of the change that causes it, so the change and the
 * message commit together or not at all.
 */
export async function enqueueOutboxMessage(db: Kysely<any>, message: NewOutboxMessage, now = new Date()): Promise<string> {
  const id = randomUUID();
  await (db as Kysely<OutboxTables>)
    .insertInto('outbox_messages')
    .values({
      id,
      channel_id: message.channelId,
      user_key: message.userKey,
      reference: JSON.stringify(message.reference),
      payload: JSON.stringify(message.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now.toISOString(),
      claimed_until: null,
      last_error: null,
      created_at: now.toISOString(),
      order_key: orderKey(now),
      delivered_at: null,
    })
    .execute();
  return id;
}

/** The outbox table: claims due messages under a lease and records what became of them. */
export class OutboxStore {
  constructor(
    private readonly db: Kysely<OutboxTables>,
    private readonly engine: 'sqlite' | 'postgres',
  ) {}

  enqueue(message: NewOutboxMessage): Promise<string> {
    return enqueueOutboxMessage(this.db, message);
  }

  /**
   * Takes up to `limit` due messages for this sender until `leaseMs` passes. A message is due only when it is the
   * oldest undelivered one for its user, so each user's messages go out in order even with several senders; on
   * PostgreSQL, rows another sender is claiming are skipped (SKIP LOCKED), never waited for or taken twice.
   */
  async claim(limit: number, leaseMs: number, now = new Date()): Promise<OutboxMessage[]> {
    const at = now.toISOString();
    let due = this.db
      .selectFrom('outbox_messages as m')
      .select('m.id')
      .where('m.status', '=', 'pending')
      .where('m.next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('m.claimed_until', 'is', null), eb('m.claimed_until', '<', at)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox_messages as o')
              .select('o.id')
              .whereRef('o.user_key', '=', 'm.user_key')
              .where('o.status', 'in', ['pending', 'held'])
              .whereRef('o.order_key', '<', 'm.order_key'),
          ),
        ),
      )
      .orderBy('m.order_key')
      .limit(limit);
    if (this.engine === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('outbox_messages')
      .set({ claimed_until: new Date(now.getTime() + leaseMs).toISOString(), attempts: sql`attempts + 1` })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows
      .sort((a, b) => (a.order_key < b.order_key ? -1 : 1))
      .map((r) => ({
        id: r.id,
        channelId: r.channel_id,
        userKey: r.user_key,
        reference: JSON.parse(r.reference) as object,
        payload: JSON.parse(r.payload) as object,
        attempts: Number(r.attempts),
        createdAt: r.created_at,
      }));
  }

  async delivered(id: string, now = new Date()): Promise<void> {
    await this.db
      .updateTable('outbox_messages')
      .set({ status: 'delivered', delivered_at: now.toISOString(), claimed_until: null, last_error: null })
      .where('id', '=', id)
      .execute();
  }

  async retryAt(id: string, at: Date, error: string): Promise<void> {
    await this.db
      .updateTable('outbox_messages')
      .set({ next_attempt_at: at.toISOString(), claimed_until: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  /** Waits for the user to write again (a channel's sending window is closed). */
  async hold(id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('outbox_messages')
      .set({ status: 'held', claimed_until: null, last_error: reason.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('outbox_messages')
      .set({ status: 'failed', claimed_until: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  /** The user wrote again: their held messages are due now. Returns how many were released. */
  async release(userKey: string, now = new Date()): Promise<number> {
    const result = await this.db
      .updateTable('outbox_messages')
      .set({ status: 'pending', next_attempt_at: now.toISOString() })
      .where('user_key', '=', userKey)
      .where('status', '=', 'held')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.db
      .selectFrom('outbox_messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts: OutboxCounts = { pending: 0, held: 0, delivered: 0, failed: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }
}

/** Delivered and failed messages older than the cutoff go (they carry what was said to the user). */
export function outboxRetention(db: Kysely<OutboxTables>): { name: string; purge(cutoff: Date, batchSize: number): Promise<number> } {
  return {
    name: 'outbox messages',
    async purge(cutoff, batchSize) {
      let deleted = 0;
      for (;;) {
        const ids = (
          await db
            .selectFrom('outbox_messages')
            .select('id')
            .where('status', 'in', ['delivered', 'failed'])
            .where('created_at', '<', cutoff.toISOString())
            .limit(batchSize)
            .execute()
        ).map((r) => r.id);
        if (ids.length === 0) return deleted;
        deleted += Number((await db.deleteFrom('outbox_messages').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
      }
    },
  };
}
