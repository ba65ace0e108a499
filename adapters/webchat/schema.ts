import type { Kysely } from 'kysely';
import type { ModuleSchema } from '../../storage/migrate.ts';

/** Direct Line's tables: conversations (with their last sequence number) and every activity. */
export interface DirectLineConversationTable {
  id: string;
  user_id: string;
  last_seq: number;
  created_at: string;
  updated_at: string;
}

export interface DirectLineActivityTable {
  conversation_id: string;
  seq: number;
  activity: string;
  created_at: string;
}

export interface WebchatTables {
  dl_conversations: DirectLineConversationTable;
  dl_activities: DirectLineActivityTable;
}

export const webchatSchema: ModuleSchema = {
  module: 'webchat',
  migrations: {
    // Databases from the first release already have these (created by storage's foundation).
    '2026-11-29-002-webchat-directline': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('dl_conversations')
          .ifNotExists()
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('user_id', 'varchar(128)', (c) => c.notNull())
          .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('dl_activities')
          .ifNotExists()
          .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('activity', 'text', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('dl_activities_pk', ['conversation_id', 'seq'])
          .execute();
      },
    },
    // The retention job looks for conversations untouched since a cutoff.
    '2026-12-01-002-webchat-updated-at-index': {
      async up(db: Kysely<any>) {
        await db.schema.createIndex('dl_conversations_updated_at').ifNotExists().on('dl_conversations').column('updated_at').execute();
      },
    },
  },
};
