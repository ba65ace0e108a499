import type { Kysely } from 'kysely';
import type { ModuleSchema } from '../../storage/migrate.ts';

/**
 * 微信客服's own table: the kf/sync_msg cursor per 客服账号, saved after every batch so a restart
 * neither skips nor re-reads messages (messages themselves are also deduped by msgid in the shared
 * wechat_inbound ledger, so a crash between a batch and its cursor repeats nothing).
 * The shared WeChat tables (tokens, ledger, windows) come from `wechatSchema`: include both.
 */
export interface KfCursorTable {
  open_kfid: string;
  cursor: string;
  updated_at: string;
}

export interface KfTables {
  wechat_kf_cursors: KfCursorTable;
}

export const wechatKfSchema: ModuleSchema = {
  module: 'wechat-kf',
  migrations: {
    '2026-11-30-102-wechat-kf-cursors': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('wechat_kf_cursors')
          .addColumn('open_kfid', 'varchar(128)', (c) => c.primaryKey())
          .addColumn('cursor', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
      },
    },
  },
};

export class KfCursorStore {
  constructor(private readonly db: Kysely<KfTables>) {}

  async get(openKfId: string): Promise<string> {
    const row = await this.db.selectFrom('wechat_kf_cursors').select('cursor').where('open_kfid', '=', openKfId).executeTakeFirst();
    return row?.cursor ?? '';
  }

  async set(openKfId: string, cursor: string): Promise<void> {
    const updated_at = new Date().toISOString();
    await this.db
      .insertInto('wechat_kf_cursors')
      .values({ open_kfid: openKfId, cursor, updated_at })
      .onConflict((oc) => oc.column('open_kfid').doUpdateSet({ cursor, updated_at }))
      .execute();
  }
}
