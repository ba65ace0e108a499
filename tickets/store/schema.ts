// tickets/'s tables. One schema for SQLite and PostgreSQL: instants are ISO 8601 text (they sort as time),
// booleans are 0/1 integers, JSON travels as text.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { ModuleSchema } from '../../storage/migrate.ts';

export interface TicketRow {
  number: string;
  state: string;
  type: string;
  category: string;
  department: string | null;
  priority: string;
  redlist_tier: string | null;
  /** Queue rank: 2 for urgent, +1 for a red-list enterprise. Stored so the queue sorts (and the red-list filter
   *  selects) on an index. */
  urgency: number;
  enterprise_name: string | null;
  credit_code: string | null;
  credit_check: string;
  contact_name: string | null;
  contact_mobile: string | null;
  request_text: string;
  request_truncated: number;
  transcript: string;
  due_at: string;
  ext_due_at: string | null;
  ext_reason: string | null;
  ext_requested_at: string | null;
  reply_text: string | null;
  reply_at: string | null;
  reply_by: string | null;
  satisfaction: string | null;
  satisfaction_comment: string | null;
  merged_into: string | null;
  supervised: number;
  overdue_reminder_key: string | null;
  created_at: string;
  updated_at: string;
  dispatched_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  version: number;
  /** Lower-cased number, enterprise, credit code, contact and request text: what the desk's search box looks in.
   *  Written once at creation (those fields never change). */
  search_text: string;
}

export interface TicketEventRow {
  ticket_number: string;
  version: number;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
  at: string;
  note: string | null;
  data: string;
}

/** Everyone who waits for a ticket's answer: the person who raised it and those whose duplicates were merged in. */
export interface TicketRequesterRow {
  ticket_number: string;
  channel_id: string;
  user_id: string;
  conversation_ref: string;
  /** The conversation id inside conversation_ref, for look-ups by conversation (retention keeps these). */
  conversation_id: string | null;
  mobile: string | null;
  /** 'origin' or 'merge' */
  joined_via: string;
  joined_at: string;
}

export interface TicketDaySequenceRow {
  day: string;
  last: number;
}

export interface RedListRow {
  credit_code: string;
  name: string;
  tier: string;
  created_at: string;
  updated_at: string;
}

export interface TicketTables {
  tickets: TicketRow;
  ticket_events: TicketEventRow;
  ticket_requesters: TicketRequesterRow;
  ticket_day_sequences: TicketDaySequenceRow;
  redlist_enterprises: RedListRow;
}

export const ticketsSchema: ModuleSchema = {
  module: 'tickets',
  migrations: {
    '2026-11-30-001-tickets-core': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('tickets')
          .addColumn('number', 'varchar(24)', (c) => c.primaryKey())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('type', 'varchar(16)', (c) => c.notNull())
          .addColumn('category', 'varchar(32)', (c) => c.notNull())
          .addColumn('department', 'varchar(32)')
          .addColumn('priority', 'varchar(8)', (c) => c.notNull())
          .addColumn('redlist_tier', 'varchar(16)')
          .addColumn('urgency', 'integer', (c) => c.notNull())
          .addColumn('enterprise_name', 'varchar(200)')
          .addColumn('credit_code', 'varchar(32)')
          .addColumn('credit_check', 'varchar(16)', (c) => c.notNull())
          .addColumn('contact_name', 'varchar(100)')
          .addColumn('contact_mobile', 'varchar(20)')
          .addColumn('request_text', 'text', (c) => c.notNull())
          .addColumn('request_truncated', 'integer', (c) => c.notNull())
          .addColumn('transcript', 'text', (c) => c.notNull())
          .addColumn('due_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('ext_due_at', 'varchar(32)')
          .addColumn('ext_reason', 'text')
          .addColumn('ext_requested_at', 'varchar(32)')
          .addColumn('reply_text', 'text')
          .addColumn('reply_at', 'varchar(32)')
          .addColumn('reply_by', 'varchar(128)')
          .addColumn('satisfaction', 'varchar(24)')
          .addColumn('satisfaction_comment', 'text')
          .addColumn('merged_into', 'varchar(24)')
          .addColumn('supervised', 'integer', (c) => c.notNull())
          .addColumn('overdue_reminder_key', 'varchar(64)')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('dispatched_at', 'varchar(32)')
          .addColumn('resolved_at', 'varchar(32)')
          .addColumn('closed_at', 'varchar(32)')
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('search_text', 'text', (c) => c.notNull())
          .execute();
        // The queue in its default order (walked in order, stopping after a page, whatever the state filter), counts
        // per state and the overdue watcher (state + due), each filter, the other sorts and the on-time rate.
        const indexes: [string, `${string}`[]][] = [
          ['tickets_queue', ['urgency desc', 'due_at', 'number']],
          ['tickets_state_due', ['state', 'due_at']],
          ['tickets_department', ['department', 'state', 'due_at']],
          ['tickets_category', ['category', 'state', 'due_at']],
          ['tickets_priority', ['priority', 'state', 'due_at']],
          ['tickets_due', ['due_at', 'number']],
          ['tickets_created', ['created_at', 'number']],
          ['tickets_updated', ['updated_at', 'number']],
          ['tickets_resolved', ['resolved_at']],
          ['tickets_mobile', ['contact_mobile']],
          ['tickets_credit_code', ['credit_code']],
        ];
        for (const [name, columns] of indexes) await db.schema.createIndex(name).on('tickets').columns(columns).execute();
        await createSearchIndex(db);

        await db.schema
          .createTable('ticket_events')
          .addColumn('ticket_number', 'varchar(24)', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('action', 'varchar(24)', (c) => c.notNull())
          .addColumn('from_state', 'varchar(16)')
          .addColumn('to_state', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_kind', 'varchar(16)', (c) => c.notNull())
          .addColumn('actor_id', 'varchar(128)', (c) => c.notNull())
          .addColumn('actor_name', 'varchar(100)')
          .addColumn('at', 'varchar(32)', (c) => c.notNull())
          .addColumn('note', 'text')
          .addColumn('data', 'text', (c) => c.notNull())
          // One event per version: a second writer of the same version fails here even if it got past the check.
          .addPrimaryKeyConstraint('ticket_events_pk', ['ticket_number', 'version'])
          .execute();
        await db.schema.createIndex('ticket_events_action_at').on('ticket_events').columns(['action', 'at']).execute();

        await db.schema
          .createTable('ticket_requesters')
          .addColumn('ticket_number', 'varchar(24)', (c) => c.notNull())
          .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
          .addColumn('conversation_ref', 'text', (c) => c.notNull())
          .addColumn('mobile', 'varchar(20)')
          .addColumn('joined_via', 'varchar(8)', (c) => c.notNull())
          .addColumn('joined_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('ticket_requesters_pk', ['ticket_number', 'channel_id', 'user_id'])
          .execute();
        await db.schema.createIndex('ticket_requesters_identity').on('ticket_requesters').columns(['channel_id', 'user_id', 'joined_at']).execute();
        await db.schema.createIndex('ticket_requesters_mobile').on('ticket_requesters').columns(['mobile']).execute();

        await db.schema
          .createTable('ticket_day_sequences')
          .addColumn('day', 'varchar(8)', (c) => c.primaryKey())
          .addColumn('last', 'integer', (c) => c.notNull())
          .execute();
      },
    },
    '2026-11-30-002-tickets-redlist': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('redlist_enterprises')
          .addColumn('credit_code', 'varchar(18)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(200)', (c) => c.notNull())
          .addColumn('tier', 'varchar(16)', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
      },
    },
    '2026-11-30-003-tickets-requester-conversation': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('ticket_requesters').addColumn('conversation_id', 'varchar(256)').execute();
        const rows = await db.selectFrom('ticket_requesters').select(['ticket_number', 'channel_id', 'user_id', 'conversation_ref']).execute();
        for (const r of rows) {
          const id = conversationIdOf(r.conversation_ref);
          if (id)
            await db
              .updateTable('ticket_requesters')
              .set({ conversation_id: id })
              .where('ticket_number', '=', r.ticket_number)
              .where('channel_id', '=', r.channel_id)
              .where('user_id', '=', r.user_id)
              .execute();
        }
        await db.schema.createIndex('ticket_requesters_conversation').on('ticket_requesters').columns(['channel_id', 'conversation_id']).execute();
      },
    },
  },
};

/** The conversation id of a stored ConversationReference (JSON), if it has one. */
export function conversationIdOf(conversationRef: string | Record<string, unknown>): string | null {
  try {
    const ref = typeof conversationRef === 'string' ? (JSON.parse(conversationRef) as Record<string, unknown>) : conversationRef;
    const id = (ref.conversation as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id.slice(0, 256) : null;
  } catch {
    return null;
  }
}

/**
 * Substring search ("%…%") cannot use a B-tree; both engines have a trigram index for it. PostgreSQL: pg_trgm (in
 * contrib, a trusted extension) lets a plain LIKE on search_text use a GIN index; where it is not installed search
 * still works, scanning. SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers, searched with
 * LIKE (queries.ts). Either index needs three characters; shorter queries scan search_text.
 */
async function createSearchIndex(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const available = await sql`select 1 from pg_available_extensions where name = 'pg_trgm'`.execute(db);
    if (available.rows.length === 0) return;
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index tickets_search on tickets using gin (search_text gin_trgm_ops)`.execute(db);
    return;
  }
  await sql`create virtual table tickets_search using fts5(search_text, content='tickets', content_rowid='rowid', tokenize='trigram')`.execute(db);
  await sql`create trigger tickets_search_insert after insert on tickets begin
    insert into tickets_search(rowid, search_text) values (new.rowid, new.search_text); end`.execute(db);
  await sql`create trigger tickets_search_delete after delete on tickets begin
    insert into tickets_search(tickets_search, rowid, search_text) values ('delete', old.rowid, old.search_text); end`.execute(db);
  await sql`create trigger tickets_search_update after update of search_text on tickets begin
    insert into tickets_search(tickets_search, rowid, search_text) values ('delete', old.rowid, old.search_text);
    insert into tickets_search(rowid, search_text) values (new.rowid, new.search_text); end`.execute(db);
}
