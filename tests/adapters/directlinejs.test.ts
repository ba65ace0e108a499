import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

// The official client is browser-first: on Node it needs these two globals, or it never connects.
const require = createRequire(import.meta.url);
(globalThis as Record<string, unknown>).XMLHttpRequest = require('xhr2');
(globalThis as Record<string, unknown>).WebSocket = require('ws');
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');

type DirectLineClient = InstanceType<typeof DirectLine>;
interface Seen {
  id?: string;
  type: string;
  text?: string;
  from: { role?: string };
}

async function getToken(base: string): Promise<{ token: string; conversationId: string }> {
  const res = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' });
  return (await res.json()) as { token: string; conversationId: string };
}

/** Collects what the client's activity$ stream delivers. */
function collect(client: DirectLineClient): Seen[] {
  const seen: Seen[] = [];
  // end() errors the stream with "conversation ended": expected when a test closes its client.
  client.activity$.subscribe({ next: (a) => seen.push(a as Seen), error: () => undefined });
  return seen;
}

function send(client: DirectLineClient, text: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.postActivity({ type: 'message', text, from: { id: 'me', role: 'user' } } as never).subscribe({ next: resolve, error: reject }),
  );
}

describe('botframework-directlinejs (Microsoft’s client) against Line One', () => {
  let target: TestDatabase;
  let app: App;
  let domain: string;
  const clients: DirectLineClient[] = [];

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url });
    domain = `${app.url}/v3/directline`;
  });
  afterAll(async () => {
    for (const c of clients) c.end();
    await app.close();
    await target.drop();
  });

  for (const webSocket of [true, false]) {
    it(`sends and receives over ${webSocket ? 'the WebSocket stream' : 'polling'}`, async () => {
      const { token } = await getToken(app.url);
      const client = new DirectLine({ token, domain, webSocket, pollingInterval: 200 });
      clients.push(client);
      const seen = collect(client);
      await expect.poll(() => seen.some((a) => a.text?.includes('企业服务一号线')), { timeout: 10_000 }).toBe(true);
      const id = await send(client, '异地就医怎么备案');
      expect(id).toEqual(expect.any(String));
      await expect.poll(() => seen.some((a) => a.from.role === 'bot' && a.text?.includes('异地就医备案怎么办理')), { timeout: 10_000 }).toBe(true);
      // The user's own message comes back once, with its id (Web Chat marks it "sent").
      expect(seen.filter((a) => a.id === id)).toHaveLength(1);
      expect(client.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
    });
  }

  it('resumes a conversation from a watermark, receiving only what came after', async () => {
    const { token, conversationId } = await getToken(app.url);
    const first = new DirectLine({ token, domain, webSocket: true });
    clients.push(first);
    const seenFirst = collect(first);
    await send(first, '公积金缴存比例');
    await expect.poll(() => seenFirst.filter((a) => a.from.role === 'bot').length, { timeout: 10_000 }).toBe(2);
    first.end();

    const watermark = '3';
    const resumed = new DirectLine({ token, domain, conversationId, watermark, webSocket: true });
    clients.push(resumed);
    const seen = collect(resumed);
    await send(resumed, '异地就医备案');
    await expect.poll(() => seen.filter((a) => a.from.role === 'bot').length, { timeout: 10_000 }).toBe(1);
    expect(seen.map((a) => a.text)).toEqual(['异地就医备案', expect.stringContaining('异地就医备案怎么办理')]);
  });
});
