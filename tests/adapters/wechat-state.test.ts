import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryDeferred } from '../../adapters/delivery-errors.ts';
import { InboundLedger } from '../../adapters/wechat-official/inbound-ledger.ts';
import { wechatSchema } from '../../adapters/wechat-official/schema.ts';
import { ServiceWindows } from '../../adapters/wechat-official/service-window.ts';
import { AccessTokenCache, type TokenSource } from '../../adapters/wechat-official/token-cache.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { testLog } from './wechat-test-kit.ts';

/** The state WeChat channels share across instances, on both engines: dedupe, quota, token cache. */
function stateSuite(engine: string, make: () => TestDatabase | Promise<TestDatabase | undefined>) {
  describe(`wechat shared state on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let db: Db;
    // Two "instances": two connections to the same database.
    let other: Db;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      db = await openDatabase(target.url, [wechatSchema]);
      other = await openDatabase(target.url, [wechatSchema]);
    });
    afterAll(async () => {
      await other?.close();
      await db?.close();
      await target?.drop();
    });

    it('lets exactly one of many concurrent deliveries claim a message', async (ctx) => {
      if (!target) return ctx.skip();
      const ledgers = [new InboundLedger(db.kysely, 'wechat-official'), new InboundLedger(other.kysely, 'wechat-official')];
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => ledgers[i % 2]!.claim('msg:1')));
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Another channel's message with the same id is a different message.
      expect(await new InboundLedger(db.kysely, 'wechat-kf').claim('msg:1')).toBe(true);
    });

    it('gives a retry on another instance the first delivery’s reply once it is done', async (ctx) => {
      if (!target) return ctx.skip();
      const a = new InboundLedger(db.kysely, 'wechat-official');
      const b = new InboundLedger(other.kysely, 'wechat-official');
      expect(await a.claim('msg:2')).toBe(true);
      let finish: (reply: string) => void = () => {};
      void a.track('msg:2', new Promise<string>((resolve) => (finish = resolve)));
      const waiting = b.waitForReply('msg:2', Date.now() + 3000, 20);
      setTimeout(() => finish('答复'), 100);
      expect(await waiting).toBe('答复');
      expect(await b.claim('msg:2')).toBe(false);
      // Still running at the deadline: undefined ("success").
      expect(await a.claim('msg:3')).toBe(true);
      void a.track('msg:3', new Promise<string>(() => {}));
      expect(await b.waitForReply('msg:3', Date.now() + 150, 20)).toBeUndefined();
    });

    it('allows 5 messages per window, counted across instances, then defers until the user writes', async (ctx) => {
      if (!target) return ctx.skip();
      const a = new ServiceWindows(db.kysely, 'wechat-official');
      const b = new ServiceWindows(other.kysely, 'wechat-official');
      await expect(a.claim('u1')).rejects.toMatchObject({ reason: 'window_closed', retryWhen: 'next_inbound' });
      await a.open('u1');
      const slots = await Promise.all([a.claim('u1'), b.claim('u1'), a.claim('u1'), b.claim('u1'), a.claim('u1'), b.claim('u1')].map((p) => p.catch((e: unknown) => e)));
      const numbers = slots.flatMap((s) => (s instanceof DeliveryDeferred ? [] : [(s as { number: number }).number])).sort();
      expect(numbers).toEqual([1, 2, 3, 4, 5]);
      expect(slots.filter((s) => s instanceof DeliveryDeferred && s.reason === 'quota_used')).toHaveLength(1);
      await b.release('u1');
      expect(await a.claim('u1')).toEqual({ number: 5, last: true });
      await b.open('u1');
      expect(await a.claim('u1')).toEqual({ number: 1, last: false });
    });

    it('closes a window after 48 hours, and when WeChat says so', async (ctx) => {
      if (!target) return ctx.skip();
      const windows = new ServiceWindows(db.kysely, 'wechat-official');
      await windows.open('u2', new Date(Date.now() - 49 * 3600_000));
      await expect(windows.claim('u2')).rejects.toMatchObject({ reason: 'window_closed' });
      await windows.open('u2');
      await windows.close('u2', 'quota_used');
      await expect(windows.claim('u2')).rejects.toMatchObject({ reason: 'quota_used' });
    });

    it('fetches one access_token for concurrent callers on two instances, and refreshes a stale one once', async (ctx) => {
      if (!target) return ctx.skip();
      const fetches: boolean[] = [];
      const source: TokenSource = {
        name: `oa:test-${engine}`,
        fetch: async (force) => {
          fetches.push(force);
          await new Promise((resolve) => setTimeout(resolve, 50));
          return { token: `T${fetches.length}`, expiresInSeconds: 7200 };
        },
      };
      const a = new AccessTokenCache(db.kysely, source, testLog(), { pollMs: 10 });
      const b = new AccessTokenCache(other.kysely, source, testLog(), { pollMs: 10 });
      const tokens = await Promise.all([a.get(), b.get(), a.get(), b.get()]);
      expect(new Set(tokens)).toEqual(new Set(['T1']));
      expect(fetches).toEqual([false]);
      // WeChat refused T1 on both instances at once: one forced refresh.
      const refreshed = await Promise.all([a.refresh('T1'), b.refresh('T1'), a.refresh('T1')]);
      expect(new Set(refreshed)).toEqual(new Set(['T2']));
      expect(fetches).toEqual([false, true]);
      // A caller still holding T1 gets T2 without another fetch.
      expect(await b.refresh('T1')).toBe('T2');
      expect(fetches).toHaveLength(2);
    });

    it('refreshes a token before it expires, and stays usable when a fetch fails', async (ctx) => {
      if (!target) return ctx.skip();
      let n = 0;
      let fail = false;
      const source: TokenSource = {
        name: `kf:test-${engine}`,
        fetch: async () => {
          if (fail) throw new Error('gettoken down');
          return { token: `K${++n}`, expiresInSeconds: 200 }; // inside the 5-minute margin: always due
        },
      };
      const cache = new AccessTokenCache(db.kysely, source, testLog());
      expect(await cache.get()).toBe('K1');
      expect(await cache.get()).toBe('K2');
      fail = true;
      await expect(cache.get()).rejects.toThrow('gettoken down');
      fail = false;
      expect(await cache.get()).toBe('K3'); // the lease was released after the failure
    });
  });
}

stateSuite('SQLite', () => sqliteDatabase());
stateSuite('PostgreSQL', () => postgresDatabase());
