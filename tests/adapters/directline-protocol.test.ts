import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../app/start.ts';
import { TokenService } from '../../adapters/webchat/token.ts';
import { startTestApp } from '../support/app.ts';
import { botTexts, getActivities, postMessage, startConversation } from '../support/directline.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

function directLineSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`Direct Line 3.0 on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let app: App;
    let base: string;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: SECRET } });
      base = app.url;
    });
    afterAll(async () => {
      await app?.close();
      await target?.drop();
    });

    it('starts a conversation with a token bound to it, and welcomes the user', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      expect(started.conversationId).toMatch(/^[\w-]{10,}$/);
      expect(started.expires_in).toBe(3600);
      expect(started.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${started.conversationId}/stream\\?`));
      const page = await getActivities(base, started);
      expect(botTexts(page)[0]).toContain('企业服务一号线');
      expect(page.activities[0]?.suggestedActions?.actions.map((a) => a.title)).toContain('医保报销');
      expect(page.activities[0]?.id).toEqual(expect.any(String)); // ids are opaque to clients
    });

    it('echoes the user message with its clientActivityID, then the reply, with watermarks', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      const first = await getActivities(base, started);
      const res = await postMessage(base, started, '异地就医怎么备案', { channelData: { clientActivityID: 'c-1' } });
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as { id: string };
      expect(id).toEqual(expect.any(String));
      expect(first.activities.map((a) => a.id)).not.toContain(id);
      const next = await getActivities(base, started, first.watermark);
      expect(next.activities[0]).toMatchObject({ id, text: '异地就医怎么备案', from: { role: 'user' }, channelData: { clientActivityID: 'c-1' } });
      // The user id is the server's (opaque, the same for every activity of this user), not the one the client sent.
      expect(next.activities[0]?.from.id).toEqual(expect.any(String));
      expect(next.activities[0]?.from.id).not.toBe('user1');
      expect(botTexts(next)[0]).toContain('异地就医备案怎么办理');
      expect(Number(next.watermark)).toBe(3);
      expect((await getActivities(base, started, next.watermark)).activities).toEqual([]);
    });

    it('delivers a proactive message into the conversation through the channel registry', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      const first = await getActivities(base, started);
      const reference = {
        channelId: 'lineone-webchat',
        serviceUrl: base,
        conversation: { id: started.conversationId, isGroup: false, conversationType: 'personal', name: '' },
        bot: { id: 'line-one', name: '企业服务一号线' },
      };
      await app.channels.continueConversation(reference, async (context) => void (await context.sendActivity('您的工单已由人社局答复')));
      const next = await getActivities(base, started, first.watermark);
      expect(botTexts(next)).toEqual(['您的工单已由人社局答复']);
      expect(next.activities[0]?.from).toMatchObject({ id: 'line-one', role: 'bot' });
    });

    it('answers a menu button with that topic’s questions', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      await postMessage(base, started, '住房公积金');
      const texts = botTexts(await getActivities(base, started, '1'));
      expect(texts[0]).toContain('住房公积金缴存比例是多少');
    });

    it('refuses a token for another conversation (403), no token (401), a bad one (403)', async (ctx) => {
      if (!target) return ctx.skip();
      const a = await startConversation(base);
      const b = await startConversation(base);
      const foreign = await fetch(`${base}/v3/directline/conversations/${b.conversationId}/activities`, { headers: { Authorization: `Bearer ${a.token}` } });
      expect(foreign.status).toBe(403);
      expect(await foreign.json()).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
      expect((await postMessage(base, { ...a, conversationId: b.conversationId }, 'x')).status).toBe(403);
      const none = await fetch(`${base}/v3/directline/conversations/${a.conversationId}/activities`);
      expect(none.status).toBe(401);
      const bad = await fetch(`${base}/v3/directline/conversations/${a.conversationId}/activities`, { headers: { Authorization: 'Bearer nonsense' } });
      expect(bad.status).toBe(403);
    });

    it('refuses an expired token with 403', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      const { value: signingKey } = await app.db.kysely
        .selectFrom('app_secrets')
        .select('value')
        .where('name', '=', 'directline-token-signing')
        .executeTakeFirstOrThrow();
      const past = new TokenService(signingKey, 60, () => Date.now() - 3_600_000).issue(started.conversationId, 'dl_x');
      const fresh = new TokenService(signingKey, 60).issue(started.conversationId, 'dl_x');
      expect(
        (await fetch(`${base}/v3/directline/conversations/${started.conversationId}/activities`, { headers: { Authorization: `Bearer ${fresh.token}` } }))
          .status,
      ).toBe(200);
      const res = await fetch(`${base}/v3/directline/conversations/${started.conversationId}/activities`, {
        headers: { Authorization: `Bearer ${past.token}` },
      });
      expect(res.status).toBe(403);
    });

    it('404s a post with a valid token for a conversation that was never started, storing nothing', async (ctx) => {
      if (!target) return ctx.skip();
      const generated = (await (await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' })).json()) as { conversationId: string; token: string };
      const res = await postMessage(base, { ...generated, expires_in: 0, streamUrl: '' }, '公积金');
      expect(res.status).toBe(404);
      const read = await fetch(`${base}/v3/directline/conversations/${generated.conversationId}/activities`, {
        headers: { Authorization: `Bearer ${generated.token}` },
      });
      expect(read.status).toBe(404);
    });

    it('404s an unknown conversation for the secret holder', async (ctx) => {
      if (!target) return ctx.skip();
      const res = await fetch(`${base}/v3/directline/conversations/nope/activities`, { headers: { Authorization: `Bearer ${SECRET}` } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NotFound');
    });

    it('generates and refreshes tokens; a generated token starts its own conversation', async (ctx) => {
      if (!target) return ctx.skip();
      const gen = await fetch(`${base}/v3/directline/tokens/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: { id: 'hr-001' } }),
      });
      const generated = (await gen.json()) as { conversationId: string; token: string };
      const started = await startConversation(base, generated.token);
      expect(started.conversationId).toBe(generated.conversationId);
      const refreshed = await fetch(`${base}/v3/directline/tokens/refresh`, { method: 'POST', headers: { Authorization: `Bearer ${started.token}` } });
      const again = (await refreshed.json()) as { conversationId: string; token: string };
      expect(again.conversationId).toBe(started.conversationId);
      await postMessage(base, { ...started, token: again.token }, '公积金比例');
      const page = await getActivities(base, { ...started, token: again.token });
      expect(page.activities.find((a) => a.from.role === 'user')?.from.id).toBe('dl_hr-001');
    });

    it('rejects bad input with a clear 4xx and keeps serving', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      const url = `${base}/v3/directline/conversations/${started.conversationId}/activities`;
      const headers = { Authorization: `Bearer ${started.token}`, 'Content-Type': 'application/json' };
      const malformed = await fetch(url, { method: 'POST', headers, body: '{"type": "message", "text": ' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      const wrongType = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: 42 }) });
      expect(wrongType.status).toBe(400);
      expect(((await wrongType.json()) as { error: { message: string } }).error.message).toContain('text');
      const noType = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ text: 'hi' }) });
      expect(noType.status).toBe(400);
      const huge = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: '社'.repeat(1_000_000) }) });
      expect(huge.status).toBe(413);
      const long = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text: '保'.repeat(5000) }) });
      expect(long.status).toBe(400);
      const badWatermark = await fetch(`${url}?watermark=abc`, { headers });
      expect(badWatermark.status).toBe(400);
      // Nothing accepted before was lost, and the server still answers.
      const page = await getActivities(base, started);
      expect(page.activities).toHaveLength(1);
      expect((await postMessage(base, started, '公积金')).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });

    it('streams activities over the WebSocket and closes a socket that sends garbage', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      const ws = new WebSocket(started.streamUrl);
      const frames: Array<{ activities: Array<{ text?: string }>; watermark: string }> = [];
      ws.on('message', (data) => {
        const text = data.toString();
        if (text) frames.push(JSON.parse(text));
      });
      await new Promise((resolve) => ws.once('open', resolve));
      await expect.poll(() => frames.length).toBeGreaterThan(0);
      expect(frames[0]?.activities[0]?.text).toContain('企业服务一号线');
      await postMessage(base, started, '公积金缴存比例');
      await expect.poll(() => frames.flatMap((f) => f.activities).length).toBe(3);
      ws.send('');
      ws.send('{"garbage": true}');
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      expect(code).toBe(1008);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });

    it('refuses a stream with a foreign token', async (ctx) => {
      if (!target) return ctx.skip();
      const a = await startConversation(base);
      const b = await startConversation(base);
      const ws = new WebSocket(b.streamUrl.replace(/t=[^&]+/, `t=${encodeURIComponent(a.token)}`));
      const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(403);
    });

    it('limits how many conversations one address may start (429 with the JSON error shape)', async (ctx) => {
      if (!target) return ctx.skip();
      const limited = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: SECRET, DIRECTLINE_STARTS_PER_MINUTE: '2' } });
      try {
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/v3/directline/conversations`, { method: 'POST' })).status);
        expect(statuses).toEqual([201, 201, 429]);
        const refused = await fetch(`${limited.url}/v3/directline/tokens/generate`, { method: 'POST' });
        expect(refused.status).toBe(429);
        expect(await refused.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      } finally {
        await limited.close();
      }
    });

    it('behind a trusted proxy, limits by the X-Forwarded-For client address', async (ctx) => {
      if (!target) return ctx.skip();
      const limited = await startTestApp({
        databaseUrl: target.url,
        env: { DIRECTLINE_SECRET: SECRET, DIRECTLINE_STARTS_PER_MINUTE: '1', TRUST_PROXY: 'true' },
      });
      try {
        const start = (ip: string) =>
          fetch(`${limited.url}/v3/directline/conversations`, { method: 'POST', headers: { 'X-Forwarded-For': ip } }).then((r) => r.status);
        expect([await start('203.0.113.1'), await start('203.0.113.2'), await start('203.0.113.1')]).toEqual([201, 201, 429]);
      } finally {
        await limited.close();
      }
    });

    it('answers the CORS preflight Web Chat sends', async (ctx) => {
      if (!target) return ctx.skip();
      const res = await fetch(`${base}/v3/directline/conversations`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://www.example.gov.cn',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-ms-bot-agent',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization.*Content-Type.*x-ms-bot-agent.*X-Requested-With/);
    });

    it('keeps history across a restart and resumes from a watermark', async (ctx) => {
      if (!target) return ctx.skip();
      const started = await startConversation(base);
      await postMessage(base, started, '异地就医备案');
      await app.close();
      app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: SECRET } });
      base = app.url;
      const resumed = await fetch(`${base}/v3/directline/conversations/${started.conversationId}?watermark=2`, {
        headers: { Authorization: `Bearer ${started.token}` },
      });
      expect(resumed.status).toBe(200);
      const body = (await resumed.json()) as { streamUrl: string; conversationId: string };
      expect(body.streamUrl).toContain('watermark=2');
      const page = await getActivities(base, started, '2');
      expect(botTexts(page)[0]).toContain('异地就医备案');
      expect((await getActivities(base, started)).activities).toHaveLength(3);
    });
  });
}

directLineSuite('sqlite', async () => sqliteDatabase());
directLineSuite('postgres', postgresDatabase);
