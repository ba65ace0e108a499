import { MemoryStorage, type Storage } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyValueBotStorage } from '../../bot/state-storage.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { MemoryKeyValueStore, SqlKeyValueStore } from '../../storage/kv.ts';
import { storageSchema } from '../../storage/schema.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

interface Subject {
  storage: Storage;
  close(): Promise<void>;
}

/**
 * One contract for every botbuilder `Storage` the bot may run on (botbuilder-js's storageBaseTests
 * in spirit): botbuilder's own MemoryStorage is the reference, and ours must behave the same.
 */
function storageContract(name: string, make: () => Promise<Subject | undefined>) {
  describe(`bot state storage: ${name}`, () => {
    let subject: Subject | undefined;
    let storage: Storage;

    beforeAll(async () => {
      subject = await make();
      if (subject) storage = subject.storage;
    });
    afterAll(async () => subject?.close());

    it('reads back what was written, with an eTag, and nothing for a missing key', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/1': { count: 1, nested: { zh: '社保' } } });
      const items = await storage.read(['conv/1', 'missing']);
      expect(items['conv/1']).toMatchObject({ count: 1, nested: { zh: '社保' } });
      expect(items['conv/1']?.eTag).toEqual(expect.any(String));
      expect(items.missing).toBeUndefined();
    });

    it('accepts a write with the current eTag, rejects a stale one and keeps the newer value', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/2': { step: 1 } });
      const first = (await storage.read(['conv/2']))['conv/2'];
      await storage.write({ 'conv/2': { ...first, step: 2 } });
      await expect(storage.write({ 'conv/2': { ...first, step: 3 } })).rejects.toThrow(/eTag conflict/i);
      expect((await storage.read(['conv/2']))['conv/2']).toMatchObject({ step: 2 });
    });

    it('gives every write a new eTag', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/8': { v: 1 } });
      const a = (await storage.read(['conv/8']))['conv/8']?.eTag;
      await storage.write({ 'conv/8': { v: 2 } });
      const b = (await storage.read(['conv/8']))['conv/8']?.eTag;
      expect(a).not.toBe(b);
    });

    it('lets "*" and a missing eTag overwrite', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/3': { v: 1 } });
      await storage.write({ 'conv/3': { v: 2, eTag: '*' } });
      expect((await storage.read(['conv/3']))['conv/3']).toMatchObject({ v: 2 });
      await storage.write({ 'conv/3': { v: 3 } });
      expect((await storage.read(['conv/3']))['conv/3']).toMatchObject({ v: 3 });
    });

    it('creates an item written with an eTag that was never stored', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/4': { v: 1, eTag: 'from-elsewhere' } });
      expect((await storage.read(['conv/4']))['conv/4']).toMatchObject({ v: 1 });
    });

    it('lets exactly one of two concurrent writers with the same eTag win', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/5': { v: 0 } });
      const base = (await storage.read(['conv/5']))['conv/5'];
      const results = await Promise.allSettled([storage.write({ 'conv/5': { ...base, v: 'a' } }), storage.write({ 'conv/5': { ...base, v: 'b' } })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    });

    it('writes several keys at once and deletes them', async (ctx) => {
      if (!subject) return ctx.skip();
      await storage.write({ 'conv/6': { v: 1 }, 'conv/7': { v: 2 } });
      expect(Object.keys(await storage.read(['conv/6', 'conv/7'])).sort()).toEqual(['conv/6', 'conv/7']);
      await storage.delete(['conv/6', 'conv/7']);
      expect(await storage.read(['conv/6', 'conv/7'])).toEqual({});
    });
  });
}

async function onDatabase(target: TestDatabase | undefined): Promise<Subject | undefined> {
  if (!target) return undefined;
  const db: Db = await openDatabase(target.url, [storageSchema]);
  return {
    storage: new KeyValueBotStorage(new SqlKeyValueStore(db.kysely)),
    close: async () => {
      await db.close();
      await target.drop();
    },
  };
}

storageContract('botbuilder MemoryStorage (reference)', async () => ({ storage: new MemoryStorage(), close: async () => {} }));
storageContract('key-value store in memory', async () => ({ storage: new KeyValueBotStorage(new MemoryKeyValueStore()), close: async () => {} }));
storageContract('SQLite', async () => onDatabase(sqliteDatabase()));
storageContract('PostgreSQL', async () => onDatabase(await postgresDatabase()));
