import { describe, expect, it } from 'vitest';
import { enqueueOutboxMessage } from '../../outbox/store.ts';
import { startTestApp } from '../support/app.ts';
import { chat } from '../support/desk.ts';
import { getActivities, startConversation } from '../support/directline.ts';
import { sqliteDatabase } from '../support/services.ts';

const LONG_AGO = new Date(Date.now() - 400 * 86_400_000).toISOString();

describe('retention across modules', () => {
  it('deletes old transcripts, sent messages and recorded questions, but keeps a conversation waiting for an open ticket', async () => {
    const target = sqliteDatabase();
    const app = await startTestApp({ databaseUrl: target.url, env: { RETENTION_DAYS: '180' } });
    try {
      const withTicket = await startConversation(app.url);
      await chat(app.url, withTicket, '转人工', '个人', '张先生', '13812345678', '社保断缴了怎么补', '确认提交');
      const plain = await startConversation(app.url);
      await chat(app.url, plain, '公积金缴存比例是多少');
      const db = app.db.kysely;
      await db.updateTable('dl_conversations').set({ updated_at: LONG_AGO }).execute();
      await db.updateTable('bot_turns').set({ at: LONG_AGO }).execute();
      const sent = await enqueueOutboxMessage(db, { channelId: 'x', userKey: 'x:1', reference: {}, payload: {} }, new Date(LONG_AGO));
      const waiting = await enqueueOutboxMessage(db, { channelId: 'x', userKey: 'x:2', reference: {}, payload: {} }, new Date(LONG_AGO));
      await db.updateTable('outbox_messages').set({ status: 'delivered' }).where('id', '=', sent).execute();
      await db.updateTable('outbox_messages').set({ status: 'held' }).where('id', '=', waiting).execute();

      const deleted = await app.retention.runOnce();
      expect(deleted).toMatchObject({ 'directline transcripts': 1, 'outbox messages': 1, 'bot turns': 1 });
      expect((await getActivities(app.url, withTicket)).activities.length).toBeGreaterThan(5);
      const gone = await fetch(`${app.url}/v3/directline/conversations/${plain.conversationId}/activities`, {
        headers: { Authorization: `Bearer ${plain.token}` },
      });
      expect(gone.status).toBe(404);
      expect((await db.selectFrom('outbox_messages').select('id').execute()).map((r) => r.id)).toEqual([waiting]);
    } finally {
      await app.close();
      await target.drop();
    }
  });
});
