import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../adapters/webchat/store.ts';
import { SCHEMAS } from '../../app/schemas.ts';
import { KeyValueBotStorage } from '../../bot/state-storage.ts';
import { openDatabase } from '../../storage/database.ts';
import { SqlKeyValueStore } from '../../storage/kv.ts';
import { getOrCreateSecret } from '../../storage/secrets.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

/** The schema exactly as the first release (2026-11-29) created it, all tables in one migration. */
const firstRelease = {
  '2026-11-29-001-foundation': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('bot_state')
        .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('etag', 'varchar(64)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('app_secrets')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('dl_conversations')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('dl_activities')
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('activity', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('dl_activities_pk', ['conversation_id', 'seq'])
        .execute();
    },
  },
};

function migrationSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`module migrations on ${engine}`, () => {
    const targets: TestDatabase[] = [];
    afterAll(async () => {
      for (const t of targets) await t.drop();
    });

    it('opens a database created by the first release without losing its state, history or secret', async (ctx) => {
      const target = await make();
      if (!target) return ctx.skip();
      targets.push(target);
      const old = await openDatabase(target.url, []);
      const migrated = await new Migrator({ db: old.kysely, provider: { getMigrations: async () => firstRelease } }).migrateToLatest();
      expect(migrated.error).toBeUndefined();
      const now = new Date().toISOString();
      await old.kysely
        .insertInto('bot_state')
        .values({ key: 'webchat/conversations/c1/', data: '{"dialog":{"offered":["a"]}}', etag: 'e1', updated_at: now })
        .execute();
      await old.kysely.insertInto('app_secrets').values({ name: 'directline', value: 'the-old-secret', created_at: now }).execute();
      await old.kysely.insertInto('dl_conversations').values({ id: 'c1', user_id: 'dl_u1', last_seq: 1, created_at: now, updated_at: now }).execute();
      await old.kysely
        .insertInto('dl_activities')
        .values({ conversation_id: 'c1', seq: 1, activity: '{"type":"message","text":"社保断缴怎么办"}', created_at: now })
        .execute();
      await old.close();

      const db = await openDatabase(target.url, SCHEMAS);
      const state = await new KeyValueBotStorage(new SqlKeyValueStore(db.kysely)).read(['webchat/conversations/c1/']);
      expect(state['webchat/conversations/c1/']).toMatchObject({ dialog: { offered: ['a'] }, eTag: 'e1' });
      expect(await getOrCreateSecret(db.kysely, 'directline')).toBe('the-old-secret');
      const store = new ConversationStore(db.kysely);
      expect(await store.get('c1')).toMatchObject({ userId: 'dl_u1' });
      expect((await store.after('c1', 0)).activities[0]).toMatchObject({ text: '社保断缴怎么办' });
      await store.append('c1', [{ type: 'message', text: '新消息' }]);
      expect((await store.after('c1', 1)).watermark).toBe(2);
      await db.close();
    });

    it('creates every table on an empty database, and opening again is a no-op', async (ctx) => {
      const target = await make();
      if (!target) return ctx.skip();
      targets.push(target);
      const db = await openDatabase(target.url, SCHEMAS);
      await new SqlKeyValueStore(db.kysely).put('k', 'v');
      await db.close();
      const again = await openDatabase(target.url, SCHEMAS);
      expect((await new SqlKeyValueStore(again.kysely).get(['k'])).get('k')?.value).toBe('v');
      const a = await getOrCreateSecret(again.kysely, 'directline');
      expect(a).toHaveLength(43);
      expect(await getOrCreateSecret(again.kysely, 'directline')).toBe(a);
      await again.close();
    });
  });
}

migrationSuite('SQLite', async () => sqliteDatabase());
migrationSuite('PostgreSQL', postgresDatabase);

describe('composing module schemas', () => {
  it('refuses two modules declaring the same migration name, naming it', async () => {
    const target = sqliteDatabase();
    const twice = { module: 'b', migrations: { '2026-11-29-001-foundation': { up: async () => {} } } };
    await expect(openDatabase(target.url, [...SCHEMAS, twice])).rejects.toThrow(/^storage: migration name "2026-11-29-001-foundation" is declared twice/);
    await target.drop();
  });
});
