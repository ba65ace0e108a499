import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryDeferred } from '../../outbox/errors.ts';
import { InboundLedger } from '../../adapters/wechat-official/inbound-ledger.ts';
import { wechatSchema } from '../../adapters/wechat-official/schema.ts';
import { ServiceWindows } from '../../adapters/wechat-official/service-window.ts';
import { AccessTokenCache, type TokenSource } from '../../adapters/wechat-official/token-cache.ts';
import { KfCursorStore, wechatKfSchema } from '../../adapters/wechat-kf/schema.ts';
import { LoginLease } from '../../adapters/wechaty/login-lease.ts';
import { ConversationReferences } from '../../adapters/wechaty/references.ts';
import { wechatySchema } from '../../adapters/wechaty/schema.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { connectionsClosed, testLog } from './wechat-test-kit.ts';

/** The state WeChat channels keep across instances and restarts, on both engines. */
function stateSuite(engine: string, make: () => TestDatabase | Promise<TestDatabase | undefined>) {
  describe(`wechat shared state on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let db: Db;
    // Two "instances": two connections to the same database.
    let other: Db;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      const schemas = [wechatSchema, wechatKfSchema, wechatySchema];
      db = await openDatabase(target.url, schemas);
      other = await openDatabase(target.url, schemas);
    });
    afterAll(async () => {
      await other?.close();
      await db?.close();
      if (target) await connectionsClosed(target.url);
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
      const slots = await Promise.all(
        [a.claim('u1'), b.claim('u1'), a.claim('u1'), b.claim('u1'), a.claim('u1'), b.claim('u1')].map((p) => p.catch((e: unknown) => e)),
      );
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

    it('keeps the kf cursor per 客服账号', async (ctx) => {
      if (!target) return ctx.skip();
      const cursors = new KfCursorStore(db.kysely);
      expect(await cursors.get('wk1')).toBe('');
      await cursors.set('wk1', 'c1');
      await new KfCursorStore(other.kysely).set('wk1', 'c2');
      expect(await cursors.get('wk1')).toBe('c2');
    });

    it('gives the Wechaty login to one instance; the other takes over when the lease expires', async (ctx) => {
      if (!target) return ctx.skip();
      const a = new LoginLease(db.kysely, 'login', 'A', 200);
      const b = new LoginLease(other.kysely, 'login', 'B', 200);
      const [gotA, gotB] = await Promise.all([a.acquire(), b.acquire()]);
      expect([gotA, gotB].filter(Boolean)).toHaveLength(1);
      const [holder, standby] = gotA ? [a, b] : [b, a];
      expect(await holder.renew()).toBe(true);
      expect(await standby.acquire()).toBe(false);
      // The holder dies (no more heartbeats): once the lease runs out the standby takes it.
      await expect.poll(() => standby.acquire(), { timeout: 3000, interval: 50 }).toBe(true);
      expect(await holder.renew()).toBe(false);
      await standby.release();
      expect(await holder.acquire()).toBe(true);
    });

    it('stores the latest conversation reference per chat', async (ctx) => {
      if (!target) return ctx.skip();
      const references = new ConversationReferences(db.kysely);
      await references.save({
        conversation: { id: 'room@chatroom', isGroup: true, name: '群', conversationType: 'group' },
        user: { id: 'alice', name: 'Alice' },
      });
      await references.save({ conversation: { id: 'room@chatroom', isGroup: true, name: '群', conversationType: 'group' }, user: { id: 'bob', name: 'Bob' } });
      expect((await new ConversationReferences(other.kysely).get('room@chatroom'))?.user?.id).toBe('bob');
      expect(await references.get('nobody')).toBeUndefined();
    });
  });
}

stateSuite('SQLite', () => sqliteDatabase());
stateSuite('PostgreSQL', () => postgresDatabase());
