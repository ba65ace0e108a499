import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { getActivities, postMessage, startConversation, type Started } from '../support/directline.ts';
import { captureLog } from '../support/log-capture.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('poison activities', () => {
  let target: TestDatabase;
  let app: App;
  const capture = captureLog('warn');

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, log: capture.log });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  const post = (started: Started, body: unknown) =>
    fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${started.token}`, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses deep or large free-form fields at the door, and the conversation carries on', async () => {
    const started = await startConversation(app.url);
    const refused = [
      `{"type":"message","text":"hi","value":${'{"a":'.repeat(4112)}1${'}'.repeat(4112)}}`, // the probe's value
      { type: 'message', text: 'hi', value: nested(33) },
      { type: 'message', text: 'hi', channelData: { x: nested(40) } },
      { type: 'message', text: 'hi', value: 'x'.repeat(5000) },
      { type: 'message', text: 'hi', channelData: { blob: 'x'.repeat(5000) } },
      { type: 'message', text: 'hi', entities: [{ type: 'x', blob: 'y'.repeat(5000) }] },
      { type: 'message', text: 'hi', attachments: [{ contentType: 'text/plain', content: 'z'.repeat(5000) }] },
    ];
    for (const body of refused) {
      const res = await post(started, body);
      expect(res.status, String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 60)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BadArgument' } });
    }
    expect((await post(started, { type: 'message', text: '公积金', value: nested(30) })).status).toBe(200);
    const deepBot = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', channelId: 'emulator', value: nested(100) }),
    });
    expect(deepBot.status).toBe(400);
    const page = await getActivities(app.url, started);
    expect(page.activities.filter((a) => a.from.role === 'user')).toHaveLength(1);
  });

  it('serves a conversation around a stored row it cannot serve (bad JSON, too deep): placeholder, logged once', async () => {
    const started = await startConversation(app.url);
    const welcome = await getActivities(app.url, started);
    // Rows written before the limits existed (or by hand): one broken, one nested 5,000 deep.
    const db = app.db.kysely;
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const now = new Date().toISOString();
    await db
      .insertInto('dl_activities')
      .values([
        { conversation_id: started.conversationId, seq: 2, activity: '{"type":"message", broken', created_at: now },
        { conversation_id: started.conversationId, seq: 3, activity: deep, created_at: now },
      ])
      .execute();
    await db.updateTable('dl_conversations').set({ last_seq: 3 }).where('id', '=', started.conversationId).execute();

    expect((await postMessage(app.url, started, '公积金缴存比例')).status).toBe(200);
    for (let read = 0; read < 2; read++) {
      const page = await getActivities(app.url, started);
      expect(page.activities.map((a) => a.type)).toEqual(['message', 'event', 'event', 'message', 'message']);
      expect(page.activities[1]).toMatchObject({ type: 'event', name: 'lineone/activityUnavailable' });
      expect(page.activities.at(-1)?.text).toContain('住房公积金缴存比例是多少');
      expect(page.watermark).toBe('5');
    }
    expect(welcome.activities).toHaveLength(1);

    // The stream serves the same history and stays open for what comes next.
    const ws = new WebSocket(started.streamUrl.replace(/watermark=\d+/, 'watermark=0'));
    const seen: Array<{ type: string; text?: string }> = [];
    let closed: number | undefined;
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) seen.push(...(JSON.parse(text) as { activities: Array<{ type: string }> }).activities);
    });
    ws.on('close', (code) => (closed = code));
    await expect.poll(() => seen.length).toBe(5);
    await postMessage(app.url, started, '异地就医备案');
    await expect.poll(() => seen.length).toBe(7);
    expect(closed).toBeUndefined();
    ws.close();

    const warnings = capture.records().filter((r) => r.msg === 'directline: a stored activity cannot be served; sending a placeholder');
    expect(warnings.map((w) => w.seq)).toEqual([2, 3]);
  });
});
