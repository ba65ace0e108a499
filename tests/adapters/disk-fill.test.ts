import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { RetentionJob } from '../../storage/retention.ts';
import { directLineRetention } from '../../adapters/webchat/retention.ts';
import { keyValueRetention } from '../../storage/retention.ts';
import { startTestApp } from '../support/app.ts';
import { getActivities, postMessage, startConversation, type Started } from '../support/directline.ts';
import { captureLog } from '../support/log-capture.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

/** Every activity of a conversation, page by page. */
async function history(base: string, started: Started) {
  const all: Array<{ id: string; type: string; from: { role?: string }; text?: string }> = [];
  let watermark = '';
  for (;;) {
    const page = await getActivities(base, started, watermark);
    if (page.activities.length === 0) return all;
    all.push(...page.activities);
    watermark = page.watermark;
  }
}

describe('disk fill through Direct Line', () => {
  let target: TestDatabase;
  let app: App;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_MESSAGES_PER_MINUTE: '12', DIRECTLINE_MAX_ACTIVITIES: '40' } });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  it('cuts a flood off at its limit, with every message it accepted kept and answered', async () => {
    const started = await startConversation(app.url);
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await postMessage(app.url, started, `公积金 ${i}`, { value: { blob: 'x'.repeat(3000) } });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { id?: string } };
      }),
    );
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(accepted).toHaveLength(12);
    expect(refused.every((r) => r.status === 429 && Number(r.retryAfter) >= 1)).toBe(true);
    const stored = await history(app.url, started);
    const userIds = stored.filter((a) => a.from.role === 'user').map((a) => a.id);
    expect(new Set(userIds)).toEqual(new Set(accepted.map((r) => r.body.id)));
    expect(stored.filter((a) => a.from.role === 'bot')).toHaveLength(1 + 12); // welcome + one answer each
  });

  it('caps the activities one conversation holds', async () => {
    const capped = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_MAX_ACTIVITIES: '5' } });
    try {
      const started = await startConversation(capped.url);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await postMessage(capped.url, started, '公积金')).status);
      expect(statuses).toEqual([200, 200, 403, 403]); // 1 welcome + 2 × (message + answer) = 5
      const full = await postMessage(capped.url, started, '公积金');
      expect(await full.json()).toMatchObject({ error: { code: 'ConversationFull' } });
      expect((await history(capped.url, started)).length).toBe(5);
    } finally {
      await capped.close();
    }
  });

  it('does not store events the bot ignores', async () => {
    const started = await startConversation(app.url);
    const res = await postMessage(app.url, started, '', { type: 'event', name: 'webchat/join', value: { language: 'zh-CN' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toEqual(expect.any(String));
    const stored = await history(app.url, started);
    expect(stored.map((a) => a.type)).toEqual(['message']); // the welcome only
  });
});

function retentionSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`retention on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let app: App;

    beforeAll(async () => {
      target = await make();
      if (target) app = await startTestApp({ databaseUrl: target.url, env: { RETENTION_DAYS: '180' } });
    });
    afterAll(async () => {
      await app?.close();
      await target?.drop();
    });

    it('deletes transcripts and bot state older than the retention period, in batches, keeping what the hook holds', async (ctx) => {
      if (!target) return ctx.skip();
      const db = app.db.kysely;
      const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
      const recent = new Date(Date.now() - 10 * 86_400_000).toISOString();
      const conversations = [
        ...Array.from({ length: 7 }, (_, i) => ({ id: `old-${i}`, at: old })),
        { id: 'kept-ticket', at: old },
        { id: 'recent', at: recent },
      ];
      for (const c of conversations) {
        await db.insertInto('dl_conversations').values({ id: c.id, user_id: 'dl_u', last_seq: 2, created_at: c.at, updated_at: c.at }).execute();
        await db
          .insertInto('dl_activities')
          .values([1, 2].map((seq) => ({ conversation_id: c.id, seq, activity: '{"type":"message","text":"13812345678"}', created_at: c.at })))
          .execute();
        await db
          .insertInto('kv_items')
          .values({ key: `lineone-webchat/conversations/${c.id}/`, data: '{}', etag: 'e', updated_at: c.at })
          .execute();
      }
      const capture = captureLog('info');
      const keep = async (_channel: string, ids: readonly string[]) => new Set(ids.filter((id) => id === 'kept-ticket'));
      const conversationOf = (key: string) => {
        const m = /^([^/]+)\/conversations\/([^/]+)\//.exec(key);
        return m ? { channelId: m[1]!, conversationId: m[2]! } : undefined;
      };
      const job = new RetentionJob({
        days: 180,
        intervalMs: 20,
        firstRunMs: 0,
        batchSize: 3,
        log: capture.log,
        tasks: [directLineRetention(db, keep), keyValueRetention(db, keep, conversationOf)],
      });
      job.start(); // on its timer: wait for the rows to go, not for a fixed time
      await expect
        .poll(async () => (await db.selectFrom('dl_conversations').select('id').orderBy('id').execute()).map((r) => r.id), { timeout: 10_000 })
        .toEqual(['kept-ticket', 'recent']);
      await expect
        .poll(() => capture.records().some((r) => r.msg === 'retention: deleted records older than the retention period'), { timeout: 10_000 })
        .toBe(true);
      await job.stop();
      const activities = await db.selectFrom('dl_activities').select('conversation_id').execute();
      expect(new Set(activities.map((a) => a.conversation_id))).toEqual(new Set(['kept-ticket', 'recent']));
      const keys = (await db.selectFrom('kv_items').select('key').execute()).map((r) => r.key).sort();
      expect(keys).toEqual(['lineone-webchat/conversations/kept-ticket/', 'lineone-webchat/conversations/recent/']);
      const first = capture.records().find((r) => r.msg === 'retention: deleted records older than the retention period');
      expect(first?.deleted).toEqual({ 'directline transcripts': 7, 'bot state': 7 });
    });

    it('runs in the app with RETENTION_DAYS and leaves live conversations alone', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(app.url);
      await postMessage(app.url, started, '公积金');
      await app.retention.runOnce();
      expect((await history(app.url, started)).length).toBe(3);
    });
  });
}

retentionSuite('sqlite', async () => sqliteDatabase());
retentionSuite('postgres', postgresDatabase);
