import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

interface Captured {
  url: string;
  body: { type: string; text?: string; replyToId?: string; suggestedActions?: { actions: Array<{ title: string }> } };
}

/** Plays the Bot Connector: receives what the bot posts back to the activity's serviceUrl. */
async function startCaptureServer(): Promise<{ server: Server; url: string; captured: Captured[] }> {
  const captured: Captured[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    captured.push({ url: req.url ?? '', body: JSON.parse(raw || '{}') });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: `reply-${captured.length}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, captured };
}

function activity(serviceUrl: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `act-${Math.random()}`,
    text,
    channelId: 'emulator',
    serviceUrl,
    from: { id: 'user-1', name: '王会计', role: 'user' },
    recipient: { id: 'bot', name: 'Line One', role: 'bot' },
    conversation: { id: `conv-${Math.random()}` },
    locale: 'zh-CN',
    ...extra,
  };
}

describe('POST /api/messages (Bot Framework, anonymous mode)', () => {
  let target: TestDatabase;
  let app: App;
  let capture: Awaited<ReturnType<typeof startCaptureServer>>;

  beforeAll(async () => {
    target = sqliteDatabase();
    capture = await startCaptureServer();
    // The capture server plays the Bot Connector on this machine: an origin the operator allows by name.
    app = await startTestApp({ databaseUrl: target.url, env: { BOTFRAMEWORK_SERVICE_URLS: capture.url } });
  });
  afterAll(async () => {
    await app.close();
    capture.server.close();
    await target.drop();
  });

  const post = (body: unknown) =>
    fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('returns the replies in the response with deliveryMode expectReplies', async () => {
    const res = await post(activity('https://unused.invalid', '公积金缴存比例', { deliveryMode: 'expectReplies' }));
    expect(res.status).toBe(200);
    const { activities } = (await res.json()) as { activities: Captured['body'][] };
    expect(activities[0]?.text).toContain('住房公积金缴存比例是多少');
    expect(activities[0]?.text).toContain('政策依据：《住房公积金管理条例》第十八条');
    expect(capture.captured).toHaveLength(0);
  });

  it('posts the reply to the serviceUrl in normal mode', async () => {
    const res = await post(activity(capture.url, '异地就医备案'));
    expect(res.status).toBe(200);
    await expect.poll(() => capture.captured.length).toBe(1);
    const [reply] = capture.captured;
    expect(reply?.url).toMatch(/^\/v3\/conversations\/conv-[\d.]+\/activities\/act-/);
    expect(reply?.body.text).toContain('异地就医备案怎么办理');
  });

  it('welcomes a member added in a conversationUpdate', async () => {
    const res = await post({
      ...activity('https://unused.invalid', ''),
      type: 'conversationUpdate',
      text: undefined,
      membersAdded: [{ id: 'user-1', name: '王会计' }],
      deliveryMode: 'expectReplies',
    });
    const { activities } = (await res.json()) as { activities: Captured['body'][] };
    expect(activities[0]?.text).toContain('企业服务一号线');
    expect(activities[0]?.suggestedActions?.actions.map((a) => a.title)).toContain('转人工');
  });

  it('rejects malformed JSON, a missing type and an oversized body with the JSON error shape', async () => {
    const malformed = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    const noType = await post({ text: 'hi' });
    expect(noType.status).toBe(400);
    expect(((await noType.json()) as { error: { message: string } }).error.message).toContain('type');
    const huge = await post(activity(capture.url, '医'.repeat(1_000_000)));
    expect(huge.status).toBe(413);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('refuses a channel id Line One hosts itself, so no caller reaches those conversations or their state', async () => {
    const res = await post(activity('https://unused.invalid', '公积金', { channelId: 'lineone-webchat', deliveryMode: 'expectReplies' }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('lineone-webchat');
  });

  it('sends a proactive message into a stored Bot Framework conversation through the channel registry', async () => {
    const before = capture.captured.length;
    const reference = {
      channelId: 'emulator',
      serviceUrl: capture.url,
      conversation: { id: 'conv-proactive', isGroup: false, conversationType: 'personal', name: '' },
      bot: { id: 'bot', name: 'Line One' },
      user: { id: 'user-1', name: '王会计' },
    };
    await app.channels.continueConversation(reference, async (context) => void (await context.sendActivity('您的工单已受理')));
    await expect.poll(() => capture.captured.length).toBe(before + 1);
    expect(capture.captured.at(-1)?.url).toMatch(/^\/v3\/conversations\/conv-proactive\/activities/);
    expect(capture.captured.at(-1)?.body.text).toBe('您的工单已受理');
  });

  it('reports readiness with the database state', async () => {
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: true, bot: true });
  });

  it('answers an unknown route with the JSON error shape', async () => {
    const res = await fetch(`${app.url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'ResourceNotFound', message: expect.any(String) } });
  });
});

describe('POST /api/messages with a MicrosoftAppId', () => {
  it('rejects an activity without a valid Bot Framework JWT (401)', async () => {
    const target = sqliteDatabase();
    const app = await startTestApp({
      databaseUrl: target.url,
      env: { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-used' },
    });
    try {
      const body = JSON.stringify(activity('https://unused.invalid', '公积金', { deliveryMode: 'expectReplies' }));
      const headers = { 'Content-Type': 'application/json' };
      const anonymous = await fetch(`${app.url}/api/messages`, { method: 'POST', headers, body });
      expect(anonymous.status).toBe(401);
      const forged = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { ...headers, Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' },
        body,
      });
      expect(forged.status).toBe(401);
    } finally {
      await app.close();
      await target.drop();
    }
  });
});
