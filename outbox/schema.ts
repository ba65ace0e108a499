import type { Kysely } from 'kysely';
import type { ModuleSchema } from '../storage/migrate.ts';

/**
 * Messages to users outside a turn (an agent's reply, a ticket update, a survey), written in the same
 * transaction as the change that causes them and sent afterwards. Times are ISO strings (UTC).
 */
export interface OutboxMessageTable {
  id: string;
  channel_id: string;
  /** Who it is for, `channelId:userId`: held messages are released when this user writes again. */
  user_key: string;
  /** JSON ConversationReference: where the channel delivers it. */
  reference: string;
  /** JSON payload, opaque to the outbox (the bot renders it). */
  payload: string;
  status: 'pending' | 'held' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  /** While a sender works on it: others leave it alone until this passes (a crashed sender's lease runs out). */
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  /** Creation order, unique even within one millisecond: a user's messages go out in this order. */
  order_key: string;
  delivered_at: string | null;
}

export interface OutboxTables {
  outbox_messages: OutboxMessageTable;
}

export const outboxSchema: ModuleSchema = {
  module: 'outbox',
  migrations: {
    '2026-11-30-010-outbox-messages': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('outbox_messages')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('user_key', 'varchar(256)', (c) => c.notNull())
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('claimed_until', 'varchar(32)')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('order_key', 'varchar(48)', (c) => c.notNull())
          .addColumn('delivered_at', 'varchar(32)')
          .execute();
        await db.schema.createIndex('outbox_due').on('outbox_messages').columns(['status', 'next_attempt_at']).execute();
        await db.schema.createIndex('outbox_user').on('outbox_messages').columns(['user_key', 'status', 'order_key']).execute();
      },
    },
  },
};
