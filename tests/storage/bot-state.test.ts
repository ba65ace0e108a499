import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETagConflictError, SqlBotStorage } from '../../storage/bot-state.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { getOrCreateSecret } from '../../storage/secrets.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

/**
 * One contract, every engine (botbuilder's storageBaseTests in spirit): what a turn writes is what
 * the next turn reads, and a stale eTag never overwrites a newer write.
 */
function storageContract(engine: 'sqlite' | 'postgres', make: () => Promise<TestDatabase | undefined>) {
  describe(`bot state storage on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let db: Db;
    let storage: SqlBotStorage;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      db = await openDatabase(target.url);
      storage = new SqlBotStorage(db.kysely);
    });
    afterAll(async () => {
      await db?.close();
      await target?.drop();
    });

    it('reads back what was written, with an eTag', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/1': { count: 1, nested: { zh: '社保' } } });
      const items = await storage.read(['conv/1', 'missing']);
      expect(items['conv/1']).toMatchObject({ count: 1, nested: { zh: '社保' } });
      expect(items['conv/1']?.eTag).toEqual(expect.any(String));
      expect(items.missing).toBeUndefined();
    });

    it('accepts a write with the current eTag and rejects a stale one', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/2': { step: 1 } });
      const first = (await storage.read(['conv/2']))['conv/2'];
      await storage.write({ 'conv/2': { ...first, step: 2 } });
      await expect(storage.write({ 'conv/2': { ...first, step: 3 } })).rejects.toBeInstanceOf(ETagConflictError);
      expect((await storage.read(['conv/2']))['conv/2']).toMatchObject({ step: 2 });
    });

    it('lets "*" and a missing eTag overwrite', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/3': { v: 1 } });
      await storage.write({ 'conv/3': { v: 2, eTag: '*' } });
      await storage.write({ 'conv/3': { v: 3 } });
      expect((await storage.read(['conv/3']))['conv/3']).toMatchObject({ v: 3 });
    });

    it('creates an item written with an eTag that was never stored', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/4': { v: 1, eTag: 'from-elsewhere' } });
      expect((await storage.read(['conv/4']))['conv/4']).toMatchObject({ v: 1 });
    });

    it('lets exactly one of two concurrent writers with the same eTag win', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/5': { v: 0 } });
      const base = (await storage.read(['conv/5']))['conv/5'];
      const results = await Promise.allSettled([
        storage.write({ 'conv/5': { ...base, v: 'a' } }),
        storage.write({ 'conv/5': { ...base, v: 'b' } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    });

    it('deletes, and reading an empty key list returns nothing', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/6': { v: 1 } });
      await storage.delete(['conv/6']);
      expect(await storage.read(['conv/6'])).toEqual({});
      expect(await storage.read([])).toEqual({});
    });

    it('keeps one generated secret across calls', async (ctx) => {
      if (!target) return ctx.skip();
      const a = await getOrCreateSecret(db.kysely, 'directline');
      const b = await getOrCreateSecret(db.kysely, 'directline');
      expect(a).toHaveLength(43);
      expect(b).toBe(a);
    });

    it('survives reopening the database (migrations are idempotent)', async (ctx) => {
      if (!target) return ctx.skip();
      await storage.write({ 'conv/7': { kept: true } });
      const again = await openDatabase(target.url);
      expect((await new SqlBotStorage(again.kysely).read(['conv/7']))['conv/7']).toMatchObject({ kept: true });
      await again.close();
    });
  });
}

storageContract('sqlite', async () => sqliteDatabase());
storageContract('postgres', postgresDatabase);
