// Without Redis the desk knows which conversations may have an open session, so the bot's turns skip the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../desk/live/live-store.ts';
import { OpenSessionIndex } from '../../desk/live/open-sessions.ts';
import { deskSchema } from '../../desk/schema.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { ticketsSchema } from '../../tickets/store/schema.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { liveSessionRow } from './seed.ts';

describe('the index of conversations with open sessions', () => {
  let target: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    target = sqliteDatabase();
    db = await openDatabase(target.url, [ticketsSchema, deskSchema]);
  });
  afterAll(async () => {
    await db.close();
    await target.drop();
  });

  it('starts from the sessions still waiting or live in the database (a restart), and learns the ones opened later', async () => {
    const at = new Date().toISOString();
    const session = (id: string, status: string) => liveSessionRow(id, status, at);
    await db.kysely
      .insertInto('desk_live_sessions')
      .values([session('live', 'live'), session('waiting', 'waiting'), session('ended', 'ended')])
      .execute();
    const index = await OpenSessionIndex.load(new LiveStore(db.kysely));
    expect(index.mayBeOpen('directline', 'c-live')).toBe(true);
    expect(index.mayBeOpen('directline', 'c-waiting')).toBe(true);
    expect(index.mayBeOpen('directline', 'c-ended')).toBe(false);
    expect(index.mayBeOpen('wechat-official', 'c-live')).toBe(false);
    index.add('directline', 'c-new');
    expect(index.mayBeOpen('directline', 'c-new')).toBe(true);
  });
});
