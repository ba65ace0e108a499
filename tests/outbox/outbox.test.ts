import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.ts';
import { DeliveryDeferred, DeliveryFailed } from '../../outbox/errors.ts';
import { outboxSchema } from '../../outbox/schema.ts';
import { OutboxSender } from '../../outbox/sender.ts';
import { enqueueOutboxMessage, type OutboxMessage, OutboxStore } from '../../outbox/store.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

const log = createLogger('silent');
const FAST = { pollMs: 20, batchSize: 5, leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 1, retryMaxMs: 5 };
let n = 0;
const message = (user: string, text: string) => ({
  channelId: 'test',
  userKey: `test:${user}`,
  reference: { conversation: { id: user } },
  payload: { text, n: ++n },
});
const textOf = (m: OutboxMessage) => (m.payload as { text: string }).text;

function outboxContract(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`outbox on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let db: Db;
    let store: OutboxStore;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      db = await openDatabase(target.url, [outboxSchema]);
      store = new OutboxStore(db.kysely, db.engine);
    });
    afterAll(async () => {
      await db?.close();
      await target?.drop();
    });

    it('keeps nothing from a transaction that rolls back', async (ctx) => {
      if (!target) return ctx.skip();
      const before = await store.counts();
      await expect(
        db.kysely.transaction().execute(async (trx) => {
          await enqueueOutboxMessage(trx, message('rollback', '不会发出'));
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await store.counts()).toEqual(before);
    });

    it('delivers each message once, each user’s in the order written', async (ctx) => {
      if (!target) return ctx.skip();
      for (const text of ['一', '二', '三']) await store.enqueue(message('alice', text));
      await store.enqueue(message('bob', '甲'));
      const sent: string[] = [];
      const sender = new OutboxSender(store, async (m) => void sent.push(`${m.userKey}:${textOf(m)}`), log, FAST);
      expect(await sender.runOnce()).toBe(2); // only the oldest undelivered message per user is due at a time
      await sender.runOnce();
      await sender.runOnce();
      expect(await sender.runOnce()).toBe(0);
      expect(sent.filter((s) => s.startsWith('test:alice'))).toEqual(['test:alice:一', 'test:alice:二', 'test:alice:三']);
      expect(sent.filter((s) => s.startsWith('test:bob'))).toEqual(['test:bob:甲']);
    });

    it('retries a passing failure with backoff, then fails for good after the last attempt', async (ctx) => {
      if (!target) return ctx.skip();
      await store.enqueue(message('carol', '重试'));
      let calls = 0;
      const sender = new OutboxSender(
        store,
        async () => {
          calls++;
          if (calls < 2) throw new Error('connection refused');
        },
        log,
        FAST,
      );
      await sender.runOnce();
      await expect.poll(async () => (await sender.runOnce(), calls)).toBe(2);
      const failing = new OutboxSender(store, async () => Promise.reject(new Error('WeChat API down')), log, FAST);
      await store.enqueue(message('dave', '一直失败'));
      const before = (await store.counts()).failed;
      await expect.poll(async () => (await failing.runOnce(), (await store.counts()).failed)).toBe(before + 1);
    });

    it('holds a message the channel defers until the user writes again, and keeps the user’s later ones behind it', async (ctx) => {
      if (!target) return ctx.skip();
      await store.enqueue(message('erin', '第一条'));
      await store.enqueue(message('erin', '第二条'));
      let windowOpen = false;
      const sent: string[] = [];
      const sender = new OutboxSender(
        store,
        async (m) => {
          if (!windowOpen) throw new DeliveryDeferred('window_closed', 'next_inbound');
          sent.push(textOf(m));
        },
        log,
        FAST,
      );
      await sender.runOnce();
      await sender.runOnce();
      expect(sent).toEqual([]);
      windowOpen = true;
      expect(await store.release('test:erin')).toBe(1);
      await sender.runOnce();
      await sender.runOnce();
      expect(sent).toEqual(['第一条', '第二条']);
    });

    it('marks a refused message failed at once without blocking the next', async (ctx) => {
      if (!target) return ctx.skip();
      await store.enqueue(message('frank', '被拒'));
      await store.enqueue(message('frank', '之后'));
      const sent: string[] = [];
      const sender = new OutboxSender(
        store,
        async (m) => {
          if (textOf(m) === '被拒') throw new DeliveryFailed('wechat-kf', 95018, 'session taken by a WeCom agent');
          sent.push(textOf(m));
        },
        log,
        FAST,
      );
      await sender.runOnce();
      await sender.runOnce();
      expect(sent).toEqual(['之后']);
    });

    it('gives a crashed sender’s claims back when the lease runs out', async (ctx) => {
      if (!target) return ctx.skip();
      await store.enqueue(message('grace', '接手'));
      const now = new Date();
      const taken = await store.claim(10, 1_000, now);
      expect(taken.map(textOf)).toContain('接手');
      expect((await store.claim(10, 1_000, now)).map(textOf)).not.toContain('接手'); // still leased
      const later = new Date(now.getTime() + 1_500);
      const retaken = await store.claim(10, 1_000, later);
      expect(retaken.find((m) => textOf(m) === '接手')?.attempts).toBe(2);
      for (const m of retaken) await store.delivered(m.id);
    });

    it('with two senders on two connections, every message is delivered exactly once', async (ctx) => {
      if (!target) return ctx.skip();
      const other = await openDatabase(target.url, [outboxSchema]);
      try {
        const users = Array.from({ length: 20 }, (_, i) => `many${i}`);
        for (const u of users) for (const t of ['a', 'b', 'c']) await store.enqueue(message(u, `${u}-${t}`));
        const sent: string[] = [];
        const deliver = async (m: OutboxMessage) => {
          await new Promise((r) => setImmediate(r));
          sent.push(textOf(m));
        };
        const a = new OutboxSender(store, deliver, log, FAST);
        const b = new OutboxSender(new OutboxStore(other.kysely, other.engine), deliver, log, FAST);
        const mine = () => sent.filter((s) => s.startsWith('many'));
        await expect.poll(async () => (await Promise.all([a.runOnce(), b.runOnce()]), mine().length), { timeout: 20_000 }).toBe(60);
        expect(new Set(mine()).size).toBe(60);
        for (const u of users) expect(mine().filter((s) => s.startsWith(`${u}-`))).toEqual([`${u}-a`, `${u}-b`, `${u}-c`]);
      } finally {
        await other.close();
      }
    });

    it('the running sender picks up a message soon after a wake', async (ctx) => {
      if (!target) return ctx.skip();
      const sent: string[] = [];
      const sender = new OutboxSender(store, async (m) => void sent.push(textOf(m)), log, { ...FAST, pollMs: 60_000 });
      sender.start();
      await sender.runOnce(); // drain leftovers from earlier cases
      sent.length = 0;
      await store.enqueue(message('henry', '唤醒'));
      sender.wake();
      await expect.poll(() => sent).toEqual(['唤醒']);
      await sender.stop();
    });
  });
}

outboxContract('SQLite', async () => sqliteDatabase());
outboxContract('PostgreSQL', postgresDatabase);
