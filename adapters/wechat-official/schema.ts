import type { Kysely } from 'kysely';
import type { ModuleSchema } from '../../storage/migrate.ts';

/**
 * The tables both WeChat API channels (Official Account and 微信客服) share, told apart by a
 * `channel` column: the central access_token cache, the inbound ledger that makes WeChat's retries
 * harmless, and each user's customer-service window (48 hours, 5 messages). Times are ISO strings
 * (they sort as text on both engines).
 */
export interface WechatTokenTable {
  name: string;
  token: string;
  expires_at: string;
  /** While one instance fetches a new token, the others wait instead of fetching too. */
  lease_until: string | null;
  updated_at: string;
}

export interface WechatInboundTable {
  channel: string;
  msg_key: string;
  state: 'running' | 'done';
  /** The passive reply given, so a retry after a lost response gets the same answer. */
  reply: string | null;
  created_at: string;
}

export interface WechatWindowTable {
  channel: string;
  user_id: string;
  opened_at: string;
  sent: number;
}

export interface WechatTables {
  wechat_tokens: WechatTokenTable;
  wechat_inbound: WechatInboundTable;
  wechat_windows: WechatWindowTable;
}

export const wechatSchema: ModuleSchema = {
  module: 'wechat',
  migrations: {
    '2026-11-30-101-wechat-tokens-inbound-windows': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('wechat_tokens')
          .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
          .addColumn('token', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('lease_until', 'varchar(32)')
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('wechat_inbound')
          .addColumn('channel', 'varchar(32)', (c) => c.notNull())
          .addColumn('msg_key', 'varchar(160)', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('reply', 'text')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('wechat_inbound_pk', ['channel', 'msg_key'])
          .execute();
        await db.schema.createIndex('wechat_inbound_created').on('wechat_inbound').column('created_at').execute();
        await db.schema
          .createTable('wechat_windows')
          .addColumn('channel', 'varchar(32)', (c) => c.notNull())
          .addColumn('user_id', 'varchar(128)', (c) => c.notNull())
          .addColumn('opened_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('wechat_windows_pk', ['channel', 'user_id'])
          .execute();
      },
    },
  },
};
