import type { Kysely } from 'kysely';
import type { ModuleSchema } from './migrate.ts';

/** storage/'s own tables: a plain key-value store and generated secrets. JSON travels as text. */
export interface KeyValueTable {
  key: string;
  data: string;
  etag: string;
  updated_at: string;
}

export interface AppSecretTable {
  name: string;
  value: string;
  created_at: string;
}

export interface StorageTables {
  kv_items: KeyValueTable;
  app_secrets: AppSecretTable;
}

export const storageSchema: ModuleSchema = {
  module: 'storage',
  migrations: {
    // The first release created every table in this one migration; the Direct Line tables are now
    // created by adapters/webchat (if not already there), so its body keeps only storage's own.
    '2026-11-29-001-foundation': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('bot_state')
          .ifNotExists()
          .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('etag', 'varchar(64)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('app_secrets')
          .ifNotExists()
          .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .execute();
      },
    },
    // bot_state was only ever a key-value table; the bot's Storage now lives in bot/ over it.
    '2026-11-30-001-storage-kv': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('bot_state').renameTo('kv_items').execute();
      },
    },
  },
};
