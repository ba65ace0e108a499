import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConversationStore } from '../../adapters/webchat/store.ts';
import { webchatSchema } from '../../adapters/webchat/schema.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { SqlKeyValueStore } from '../../storage/kv.ts';
import { storageSchema } from '../../storage/schema.ts';
import { RecentTouches } from '../../storage/touches.ts';
import { allDatabases, type TestDatabase } from '../support/services.ts';

const MINUTE = 60_000;

describe('RecentTouches', () => {
  it('says a row is due once per interval, each row on its own clock', () => {
    let now = 0;
    const touches = new RecentTouches(10 * MINUTE, 100, () => now);
    expect(touches.due('a')).toBe(true);
    expect(touches.due('a')).toBe(false);
    expect(touches.due('b')).toBe(true);
    now = 10 * MINUTE - 1;
    expect(touches.due('a')).toBe(false);
    now = 10 * MINUTE;
    expect(touches.due('a')).toBe(true);
    expect(touches.due('b')).toBe(true);
  });

  it('forgets the longest untouched row first when full, which only makes its next write touch it again', () => {
    let now = 0;
    const touches = new RecentTouches(10 * MINUTE, 2, () => now);
    touches.due('a');
    now = 1;
    touches.due('b');
    touches.due('c'); // full: a goes
    expect(touches.due('b')).toBe(false);
    expect(touches.due('a')).toBe(true);
  });
});

// What retention reads: a conversation written to on every turn keeps an updated_at no older than the interval.
for (const target of await allDatabases()) {
  describe(`updated_at on every-turn writes (${target.engine})`, () => {
    let db: Db;
    // The stores stamp rows with new Date(): only Date is faked (the drivers' timers run as usual).
    const clock = () => Date.now();
    const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

    beforeAll(async () => {
      db = await openDatabase(target.url, [storageSchema, webchatSchema]);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.UTC(2026, 11, 1, 9));
    });
    afterAll(async () => {
      vi.useRealTimers();
      await db.close();
      await (target as TestDatabase).drop();
    });

    const stamp = async (table: 'dl_conversations' | 'kv_items', column: 'id' | 'key', value: string) =>
      ((await db.kysely.selectFrom(table).select('updated_at').where(column, '=', value).executeTakeFirstOrThrow()) as { updated_at: string }).updated_at;

    it('a conversation’s turns stamp it at most once per interval, and every activity is stored', async () => {
      const store = new ConversationStore(db.kysely, undefined, undefined, new RecentTouches(10 * MINUTE, 100, clock));
      await store.create('c1', 'dl_u1');
      const first = await store.append('c1', [{ type: 'message', text: '一' }]);
      const touched = await stamp('dl_conversations', 'id', 'c1');
      advance(5 * MINUTE);
      const second = await store.append('c1', [{ type: 'message', text: '二' }]);
      expect(second.watermark).toBe(first.watermark + 1);
      expect(await stamp('dl_conversations', 'id', 'c1')).toBe(touched);
      advance(5 * MINUTE);
      await store.append('c1', [{ type: 'message', text: '三' }]);
      expect(await stamp('dl_conversations', 'id', 'c1')).toBe(new Date().toISOString());
      expect((await store.after('c1', 0)).activities.map((a) => a.text)).toEqual(['一', '二', '三']);
    });

    it('the bot state is stamped the same way, its value and version always written', async () => {
      const kv = new SqlKeyValueStore(db.kysely, new RecentTouches(10 * MINUTE, 100, clock));
      const v1 = await kv.put('state/c1', '{"n":1}');
      const touched = await stamp('kv_items', 'key', 'state/c1');
      advance(MINUTE);
      const v2 = await kv.put('state/c1', '{"n":2}', v1);
      await kv.put('state/c1', '{"n":3}');
      expect(await stamp('kv_items', 'key', 'state/c1')).toBe(touched);
      expect((await kv.get(['state/c1'])).get('state/c1')?.value).toBe('{"n":3}');
      await expect(kv.put('state/c1', '{"n":4}', v2)).rejects.toThrow(/eTag conflict/);
      advance(10 * MINUTE);
      await kv.put('state/c1', '{"n":5}');
      expect(await stamp('kv_items', 'key', 'state/c1')).toBe(new Date().toISOString());
    });
  });
}
