import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../storage/database.ts';
import { GroupCommitter } from '../../storage/group-commit.ts';
import { SqlKeyValueStore, VersionConflictError } from '../../storage/kv.ts';
import { storageSchema } from '../../storage/schema.ts';
import { UnitOfWork } from '../../storage/unit-of-work.ts';
import { startTestApp } from '../support/app.ts';
import { botTexts, getActivities, postMessage, startConversation } from '../support/directline.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

function groupCommitSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`group commit on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let db: Db;
    let kv: SqlKeyValueStore;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      db = await openDatabase(target.url, [storageSchema], { sync: 'full' });
      kv = new SqlKeyValueStore(db.kysely);
    });
    afterAll(async () => {
      await db?.close();
      await target?.drop();
    });

    /** A turn that writes one key inside its own unit of work. */
    const turn = async (key: string, value: string, expected?: string) => {
      const unit = new UnitOfWork();
      await kv.put(key, value, expected, unit);
      return unit;
    };

    it('commits turns that arrive together, and one turn’s conflict rolls back only that turn', async (ctx) => {
      if (!target) return ctx.skip();
      await kv.put('shared', 'v0');
      const stale = 'not-the-current-version';
      const committer = new GroupCommitter(db.kysely, { windowMs: 20, maxGroup: 64 });
      const units = await Promise.all([...Array.from({ length: 10 }, (_, i) => turn(`k${i}`, `v${i}`)), turn('shared', 'lost', stale)]);
      const results = await Promise.allSettled(units.map((u) => committer.commit(u)));
      expect(results.slice(0, 10).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(results[10]).toMatchObject({ status: 'rejected', reason: expect.any(VersionConflictError) });
      const stored = await kv.get([...Array.from({ length: 10 }, (_, i) => `k${i}`), 'shared']);
      expect(stored.size).toBe(11);
      expect(stored.get('k7')?.value).toBe('v7');
      expect(stored.get('shared')?.value).toBe('v0');
    });

    it('commits a full group at once, and drain waits for what is queued', async (ctx) => {
      if (!target) return ctx.skip();
      const committer = new GroupCommitter(db.kysely, { windowMs: 60_000, maxGroup: 3 });
      const full = await Promise.all([turn('g1', 'a'), turn('g2', 'b'), turn('g3', 'c')]);
      await Promise.all(full.map((u) => committer.commit(u))); // would wait a minute if the cap did not flush
      const late = committer.commit(await turn('g4', 'd'));
      await committer.drain();
      await late;
      expect((await kv.get(['g1', 'g2', 'g3', 'g4'])).size).toBe(4);
    });
  });
}

groupCommitSuite('SQLite', async () => sqliteDatabase());
groupCommitSuite('PostgreSQL', postgresDatabase);

describe('Direct Line turns with DATABASE_SYNC=full and group commit', () => {
  it('stores every concurrent turn with its reply', async () => {
    const target = sqliteDatabase();
    const app = await startTestApp({ databaseUrl: target.url, env: { DATABASE_SYNC: 'full', DATABASE_GROUP_COMMIT_MS: '5' } });
    try {
      const conversations = await Promise.all(Array.from({ length: 12 }, () => startConversation(app.url)));
      const statuses = await Promise.all(conversations.map((c) => postMessage(app.url, c, '公积金缴存比例是多少').then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      for (const c of conversations) expect(botTexts(await getActivities(app.url, c)).at(-1)).toContain('住房公积金缴存比例是多少');
    } finally {
      await app.close();
      await target.drop();
    }
  });
});

describe('a unit of work after its turn', () => {
  it('is no longer open for work the turn left behind (a timer), which then writes on its own', async () => {
    const target = sqliteDatabase();
    const db = await openDatabase(target.url, [storageSchema]);
    const kv = new SqlKeyValueStore(db.kysely);
    const unit = new UnitOfWork();
    let later: Promise<unknown> | undefined;
    await kv.put('in-turn', 'a', undefined, unit);
    // Something the turn schedules runs after the turn committed, still holding the turn's unit.
    later = new Promise((resolve) => setTimeout(() => resolve(kv.put('after-turn', 'b', undefined, unit)), 20));
    await unit.commit(db.kysely);
    await later;
    expect([...(await kv.get(['in-turn', 'after-turn'])).keys()].sort()).toEqual(['after-turn', 'in-turn']);
    await db.close();
    await target.drop();
  });
});
