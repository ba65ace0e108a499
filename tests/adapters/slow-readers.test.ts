import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../app/start.ts';
import { TOKEN_EXPIRED_CLOSE } from '../../adapters/webchat/stream.ts';
import { startTestApp } from '../support/app.ts';
import { startConversation, type Started } from '../support/directline.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

const BLOB = 'x'.repeat(3900);
/** ~28 KB: the largest post a client may make (4,000 characters of text, 4 KB in each free-form field). */
const BIG = {
  type: 'message',
  text: `公积金${'问'.repeat(3990)}`,
  value: { n: BLOB },
  channelData: { n: BLOB },
  entities: [{ type: 'n', n: BLOB }],
  attachments: [{ contentType: 'text/plain', content: BLOB }],
};
const UNLIMITED = { DIRECTLINE_MESSAGES_PER_MINUTE: '100000', DIRECTLINE_MESSAGES_PER_ADDRESS_PER_MINUTE: '100000', DIRECTLINE_MAX_ACTIVITIES: '1000000' };

/** Opens the stream with a raw handshake and never reads a byte. */
async function nonReader(app: App, started: Started): Promise<Socket> {
  const url = new URL(started.streamUrl);
  const socket = connect(Number(url.port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  socket.pause();
  socket.on('error', () => undefined);
  return socket;
}

/** A client that reads: the sequence numbers of what it was sent, in arrival order. */
async function reader(started: Started): Promise<{ ws: WebSocket; seqs: number[] }> {
  const seqs: number[] = [];
  const ws = new WebSocket(started.streamUrl);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text) for (const a of (JSON.parse(text) as { activities: Array<{ id: string }> }).activities) seqs.push(Number(a.id.split('|')[1]));
  });
  await once(ws, 'open');
  return { ws, seqs };
}

async function chat(app: App, started: Started, posts: number, concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < posts) {
        next++;
        const res = await fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${started.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(BIG),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }),
  );
}

/** How many activities the conversation holds (its last watermark). */
async function total(app: App, started: Started): Promise<number> {
  let watermark = 0;
  for (;;) {
    const res = await fetch(`${app.url}/v3/directline/conversations/${started.conversationId}/activities?watermark=${watermark}`, {
      headers: { Authorization: `Bearer ${started.token}` },
    });
    const page = (await res.json()) as { activities: unknown[]; watermark: string };
    if (page.activities.length === 0) return watermark;
    watermark = Number(page.watermark);
  }
}

/** The server's end of each client socket: what it still holds in memory for that client. */
function serverSockets(app: App): Map<number, Socket> {
  const byPeerPort = new Map<number, Socket>();
  app.server.server.on('connection', (socket: Socket) => byPeerPort.set(socket.remotePort ?? 0, socket));
  return byPeerPort;
}

describe('slow stream readers', () => {
  let target: TestDatabase | undefined;
  let app: App | undefined;
  const cleanup: Array<() => void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) c();
    await app?.close();
    await target?.drop();
    app = undefined;
  });

  it('holds at most the buffer limit plus one frame for a client that never reads (64 KB + 2 MB here), RSS growth under 300 MB, and a reader gets every activity in order', async () => {
    target = sqliteDatabase();
    const buffer = 64 * 1024;
    app = await startTestApp({
      databaseUrl: target.url,
      env: { ...UNLIMITED, DIRECTLINE_STREAM_BUFFER_BYTES: String(buffer), DIRECTLINE_STREAM_STALL_SECONDS: '600', DIRECTLINE_STREAMS_PER_CONVERSATION: '4' },
    });
    const server = serverSockets(app);
    const started = await startConversation(app.url);
    const slow = await Promise.all([1, 2, 3].map(() => nonReader(app!, started)));
    cleanup.push(() => slow.forEach((s) => s.destroy()));
    const { ws, seqs } = await reader(started);
    cleanup.push(() => ws.terminate());
    await expect.poll(() => seqs.length).toBe(1); // the welcome
    const rssBefore = process.memoryUsage().rss;

    // 360 posts of ~28 KB and their answers: ~10 MB for each client, well beyond the ~4 MB the kernel's socket buffers take.
    await chat(app, started, 360);

    const activities = await total(app, started);
    expect(activities).toBeGreaterThan(720);
    await expect.poll(() => seqs.length, { timeout: 30_000 }).toBe(activities);
    expect(seqs).toEqual(Array.from({ length: activities }, (_, i) => i + 1));
    const held = slow.map((s) => server.get(s.localPort ?? -1)?.writableLength ?? Number.NaN);
    for (const bytes of held) expect(bytes).toBeLessThanOrEqual(buffer + 2 * 1024 * 1024);
    expect((process.memoryUsage().rss - rssBefore) / 2 ** 20).toBeLessThan(300);
  });

  it('disconnects a client that stays behind longer than DIRECTLINE_STREAM_STALL_SECONDS', async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { ...UNLIMITED, DIRECTLINE_STREAM_BUFFER_BYTES: '16384', DIRECTLINE_STREAM_STALL_SECONDS: '1' } });
    const server = serverSockets(app);
    const started = await startConversation(app.url);
    const slow = await nonReader(app, started);
    cleanup.push(() => slow.destroy());
    const { ws, seqs } = await reader(started);
    cleanup.push(() => ws.terminate());
    await chat(app, started, 200); // ~5.6 MB: more than the kernel's socket buffers take (~4 MB on loopback here)
    const serverEnd = server.get(slow.localPort ?? -1)!;
    await expect.poll(() => serverEnd.destroyed, { timeout: 10_000 }).toBe(true);
    const activities = await total(app, started);
    await expect.poll(() => seqs.length, { timeout: 10_000 }).toBe(activities);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('caps streams per conversation and per client address (429)', async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_STREAMS_PER_CONVERSATION: '2', DIRECTLINE_STREAMS_PER_ADDRESS: '3' } });
    const status = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('open', () => (cleanup.push(() => ws.terminate()), resolve(101)));
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const a = await startConversation(app.url);
    const b = await startConversation(app.url);
    expect([await status(a.streamUrl), await status(a.streamUrl), await status(a.streamUrl)]).toEqual([101, 101, 429]);
    expect([await status(b.streamUrl), await status(b.streamUrl)]).toEqual([101, 429]); // the address holds 3
  });

  it('closes a stream when its token expires, unless the token was refreshed', async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_TOKEN_TTL_SECONDS: '2' } });
    const kept = await startConversation(app.url);
    const lapsed = await startConversation(app.url);
    const issuedIn = Math.floor(Date.now() / 1000);
    const closes = new Map<string, number>();
    for (const [name, started] of [
      ['kept', kept],
      ['lapsed', lapsed],
    ] as const) {
      const { ws } = await reader(started);
      cleanup.push(() => ws.terminate());
      ws.on('close', (code) => closes.set(name, code));
    }
    // Refresh once the clock has moved on, so the new token outlives the first.
    await expect.poll(() => Math.floor(Date.now() / 1000) > issuedIn, { timeout: 5000 }).toBe(true);
    const refreshed = await fetch(`${app.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { Authorization: `Bearer ${kept.token}` } });
    expect(refreshed.status).toBe(200);
    await expect.poll(() => closes.get('lapsed'), { timeout: 5000 }).toBe(TOKEN_EXPIRED_CLOSE);
    expect(closes.has('kept')).toBe(false);
    await expect.poll(() => closes.get('kept'), { timeout: 5000 }).toBe(TOKEN_EXPIRED_CLOSE);
  });
});
