import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { getActivities, postMessage, startConversation } from '../support/directline.ts';
import { postgresDatabase, redisUrl, type TestDatabase } from '../support/services.ts';

/**
 * Two instances behind an imaginary load balancer, sharing PostgreSQL and Redis: a conversation
 * started on one, streamed from the other, replies posted through the first.
 */
describe('scale-out: two instances on PostgreSQL + Redis', () => {
  let target: TestDatabase | undefined;
  let redis: string | undefined;
  let a: App;
  let b: App;

  beforeAll(async () => {
    target = await postgresDatabase();
    redis = await redisUrl();
    if (!target || !redis) return;
    const env = { REDIS_URL: redis };
    a = await startTestApp({ databaseUrl: target.url, env });
    b = await startTestApp({ databaseUrl: target.url, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await target?.drop();
  });

  it('delivers a reply stored by one instance to a stream open on the other', async (ctx) => {
    if (!target || !redis) return ctx.skip();
    const started = await startConversation(a.url);
    const streamOnB = started.streamUrl.replace(new URL(a.url).host, new URL(b.url).host);
    const ws = new WebSocket(streamOnB);
    const texts: string[] = [];
    ws.on('message', (data) => {
      const text = data.toString();
      if (text) for (const act of JSON.parse(text).activities) texts.push(act.text ?? '');
    });
    await new Promise((resolve) => ws.once('open', resolve));
    await expect.poll(() => texts.length).toBe(1);
    expect((await postMessage(a.url, started, '公积金缴存比例')).status).toBe(200);
    await expect.poll(() => texts.length).toBe(3);
    expect(texts[2]).toContain('住房公积金缴存比例是多少');
    ws.close();
    // Both instances share one token secret (kept in the database) and one history.
    expect((await getActivities(b.url, started)).activities).toHaveLength(3);
  });
});
