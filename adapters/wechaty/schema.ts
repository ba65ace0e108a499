import type { Kysely } from 'kysely';
import type { ModuleSchema } from '../../storage/migrate.ts';

/**
 * Wechaty's tables: the login lease (one instance holds the WeChat login; the others stand by and
 * take over when its lease runs out) and the latest conversation reference per chat, so agent
 * replies and ticket updates can be pushed later with continueConversation.
 */
export interface WechatyLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
  updated_at: string;
}

export interface WechatyConversationTable {
  conversation_id: string;
  reference: string;
  updated_at: string;
}

export interface WechatyTables {
  wechaty_lease: WechatyLeaseTable;
  wechaty_conversations: WechatyConversationTable;
}

export const wechatySchema: ModuleSchema = {
  module: 'wechaty',
  migrations: {
    '2026-11-30-103-wechat-wechaty-lease-conversations': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('wechaty_lease')
          .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('holder', 'varchar(128)', (c) => c.notNull())
          .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('wechaty_conversations')
          .addColumn('conversation_id', 'varchar(128)', (c) => c.primaryKey())
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
      },
    },
  },
};
