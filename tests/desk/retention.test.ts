// What users said to agents is deleted with the transcripts (RETENTION_DAYS), except while a ticket is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRetention } from '../../desk/live/retention.ts';
import { deskSchema } from '../../desk/schema.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { ticketsSchema } from '../../tickets/store/schema.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { liveSessionRow } from './seed.ts';

describe('live conversations under retention', () => {
  let target: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    target = sqliteDatabase();
    db = await openDatabase(target.url, [ticketsSchema, deskSchema]); // the desk indexes the tickets table
  });
  afterAll(async () => {
    await db.close();
    await target.drop();
  });

  it('deletes old ended sessions and their messages, keeps live ones and those of open tickets', async () => {
    const session = (id: string, status: string, at: string) => liveSessionRow(id, status, at, 'web');
    const old = '2026-01-01T00:00:00.000Z';
    await db.kysely
      .insertInto('desk_live_sessions')
      .values([session('gone', 'ended', old), session('kept', 'ended', old), session('live', 'live', old), session('new', 'ended', '2026-11-01T00:00:00.000Z')])
      .execute();
    await db.kysely
      .insertInto('desk_live_messages')
      .values(
        ['gone', 'kept', 'live', 'new'].map((s) => ({
          id: `m-${s}`,
          session_id: s,
          sender: 'user',
          author_name: null,
          text: '我的手机号 13800138000',
          at: old,
        })),
      )
      .execute();
    const task = liveRetention(db.kysely, async (_channel, ids) => new Set(ids.filter((id) => id === 'c-kept')));
    expect(await task.purge(new Date('2026-06-01T00:00:00Z'), 1)).toBe(1);
    const left = await db.kysely.selectFrom('desk_live_sessions').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual(['kept', 'live', 'new']);
    expect((await db.kysely.selectFrom('desk_live_messages').select('id').execute()).map((r) => r.id).sort()).toEqual(['m-kept', 'm-live', 'm-new']);
  });
});
